import CairnCrypto

/// One entry of the sparse Merkle tree: a 256-bit path and the hash of the value stored there.
public struct SparseMerkleLeaf: Sendable, Hashable {
    public let key: Hash32
    public let valueHash: Hash32

    public init(key: Hash32, valueHash: Hash32) {
        self.key = key
        self.valueHash = valueHash
    }
}

/// A stored node of the compact sparse Merkle tree (see Specs/merkle.md).
///
/// Both the tree (CairnStorage) and proof verification use these encodings, so they are defined
/// once here. The empty subtree is not a node: it is represented by `Hash32.zero` and never stored.
public enum SparseMerkleNode: Sendable, Hashable {
    /// A subtree holding exactly one entry, placed where its path becomes unique. The encoding
    /// carries no depth, so the same leaf node stays valid when compaction moves it up or down.
    case leaf(SparseMerkleLeaf)
    /// A subtree holding at least two entries.
    case inner(left: Hash32, right: Hash32)

    public static let leafPrefix: UInt8 = 0x00
    public static let innerPrefix: UInt8 = 0x01
    /// Both node kinds encode to exactly this many bytes.
    public static let encodedCount = 65
    /// Keys are 256-bit paths, so no node lies deeper than this.
    public static let maxDepth = 256

    /// 0x00 ‖ key ‖ valueHash, or 0x01 ‖ left ‖ right.
    public var bytes: [UInt8] {
        switch self {
        case .leaf(let leaf): [Self.leafPrefix] + leaf.key.bytes + leaf.valueHash.bytes
        case .inner(let left, let right): [Self.innerPrefix] + left.bytes + right.bytes
        }
    }

    public var hash: Hash32 { Hash32.sha256(bytes) }

    /// Decodes a 65-byte node encoding; nil for any other length or an unknown prefix.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.encodedCount else { return nil }
        let first = Hash32(unchecked: Array(bytes[1..<33]))
        let second = Hash32(unchecked: Array(bytes[33..<65]))
        switch bytes[0] {
        case Self.leafPrefix: self = .leaf(SparseMerkleLeaf(key: first, valueHash: second))
        case Self.innerPrefix: self = .inner(left: first, right: second)
        default: return nil
        }
    }

    /// SHA-256(0x00 ‖ key ‖ valueHash).
    public static func leafHash(key: Hash32, valueHash: Hash32) -> Hash32 {
        Hash32.sha256(prefix: leafPrefix, key, valueHash)
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func innerHash(left: Hash32, right: Hash32) -> Hash32 {
        Hash32.sha256(prefix: innerPrefix, left, right)
    }

    /// Bit `index` of a key's path: bit 0 is the most significant bit of byte 0; `true` (1) goes right.
    public static func pathBit(_ key: Hash32, at index: Int) -> Bool {
        precondition(index >= 0 && index < maxDepth, "path bit index out of range")
        return (key.bytes[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
    }

    /// Whether `a` and `b` agree on their first `count` path bits.
    public static func sharesPrefix(_ a: Hash32, _ b: Hash32, bits count: Int) -> Bool {
        precondition(count >= 0 && count <= maxDepth, "prefix length out of range")
        let whole = count >> 3
        for i in 0..<whole where a.bytes[i] != b.bytes[i] { return false }
        let rest = count & 7
        if rest == 0 { return true }
        let mask = UInt8(0xFF) << (8 - UInt8(rest))
        return (a.bytes[whole] ^ b.bytes[whole]) & mask == 0
    }
}
