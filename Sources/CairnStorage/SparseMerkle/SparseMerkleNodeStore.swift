import CairnCrypto

/// Content-addressed storage for sparse Merkle nodes: `node(h)` returns the 65-byte encoding whose
/// SHA-256 is `h`, or nil if it is not stored. The tree only reads; callers persist the nodes an
/// update returns, so the store's write path (batching, pruning) stays the caller's business.
public protocol SparseMerkleNodeStore: Sendable {
    func node(_ hash: Hash32) throws -> [UInt8]?
}
