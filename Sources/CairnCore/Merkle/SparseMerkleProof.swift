import CairnCrypto

/// Proof that a key holds a given value hash, or holds nothing, under a sparse Merkle root.
///
/// The proof is the list of sibling hashes along the key's path, from the root downwards, and the
/// node found where the path ends: a leaf, or nothing (an empty subtree). Because leaf and inner
/// encodings are domain-separated and the empty subtree is `Hash32.zero`, the root fixes the node
/// at every depth along the path, so only the true terminal node can reproduce the root.
public struct SparseMerkleProof: Sendable, Equatable {
    /// Sibling subtree hashes, index 0 being the root's other child.
    public let siblings: [Hash32]
    /// The leaf at the end of the path; nil when the path ends in an empty subtree.
    public let leaf: SparseMerkleLeaf?

    public init(siblings: [Hash32], leaf: SparseMerkleLeaf?) {
        self.siblings = siblings
        self.leaf = leaf
    }

    /// Checks the proof for `key` against `root`: `valueHash` non-nil proves inclusion of that
    /// value hash, nil proves the key is absent.
    public func verify(root: Hash32, key: Hash32, valueHash: Hash32?) -> Bool {
        let depth = siblings.count
        guard depth <= SparseMerkleNode.maxDepth else { return false }

        if let valueHash {
            guard let leaf, leaf.key == key, leaf.valueHash == valueHash else { return false }
        } else if let leaf {
            // A different leaf occupying the key's path proves absence only if it really sits
            // on that path, i.e. agrees with the key on every bit walked so far.
            guard leaf.key != key, SparseMerkleNode.sharesPrefix(leaf.key, key, bits: depth) else {
                return false
            }
        }

        var hash = leaf.map { SparseMerkleNode.leafHash(key: $0.key, valueHash: $0.valueHash) } ?? .zero
        for level in stride(from: depth - 1, through: 0, by: -1) {
            let sibling = siblings[level]
            hash = SparseMerkleNode.pathBit(key, at: level)
                ? SparseMerkleNode.innerHash(left: sibling, right: hash)
                : SparseMerkleNode.innerHash(left: hash, right: sibling)
        }
        return hash == root
    }
}
