import CairnCrypto

/// Why a sparse Merkle operation could not read the tree it was given.
public enum SparseMerkleError: Error, Equatable, CustomStringConvertible {
    /// The store has no node for a hash the tree refers to (wrong root, or pruned/lost data).
    case missingNode(Hash32)
    /// The stored bytes for a hash are not a valid node or do not hash to it.
    case malformedNode(Hash32, reason: String)

    public var description: String {
        switch self {
        case .missingNode(let hash):
            "sparse Merkle node \(hash.hex) is missing from the store"
        case .malformedNode(let hash, let reason):
            "sparse Merkle node \(hash.hex) is malformed: \(reason)"
        }
    }
}
