import CairnCrypto

/// The binary Merkle root committing to a block's ordered transaction list (RFC 6962 shape).
///
/// Leaves and inner nodes are hashed under different one-byte prefixes so a leaf can never be
/// passed off as an inner node (second-preimage resistance), and the tree is split at the largest
/// power of two below `n` so that no leaf is ever duplicated to fill the tree (the Bitcoin
/// duplicate-last-leaf mutation, CVE-2012-2459, cannot happen).
public enum MerkleRoot {
    /// Leaves are already digests (transaction ids); an empty list hashes to SHA-256("").
    public static func of(_ leaves: [Hash32]) -> Hash32 {
        if leaves.isEmpty { return Hash32.sha256([UInt8]()) }
        return subtree(leaves[...])
    }

    /// SHA-256(0x00 ‖ leaf).
    public static func leafHash(_ leaf: Hash32) -> Hash32 {
        Hash32.sha256(prefix: 0x00, leaf.bytes)
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(left: Hash32, right: Hash32) -> Hash32 {
        Hash32.sha256(prefix: 0x01, left, right)
    }

    private static func subtree(_ leaves: ArraySlice<Hash32>) -> Hash32 {
        if leaves.count == 1 { return leafHash(leaves[leaves.startIndex]) }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let mid = leaves.startIndex + split
        return nodeHash(left: subtree(leaves[..<mid]), right: subtree(leaves[mid...]))
    }
}
