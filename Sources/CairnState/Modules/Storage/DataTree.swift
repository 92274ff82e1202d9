import CairnCore
import CairnCrypto

/// The Merkle tree over a deal's data (Specs/depin/storage.md §3): the data cut into chunks of
/// `chunkSize` bytes, the last zero-padded, each leaf SHA-256(0x00 ‖ chunk), inner nodes
/// SHA-256(0x01 ‖ left ‖ right) in the RFC 6962 shape (split at the largest power of two below
/// the count), as the transaction root. No leaf is ever duplicated to fill the tree, so a path
/// proves exactly one index of exactly one chunk count.
public enum DataTree {
    public static func leafHash(_ chunk: [UInt8]) -> Hash32 { Hash32.sha256(prefix: 0x00, chunk) }

    public static func chunkCount(size: UInt64, chunkSize: UInt64) -> UInt64 {
        size == 0 ? 0 : (size - 1) / chunkSize + 1
    }

    /// Whether `path` (siblings from the leaf up) proves that the leaf `leaf` is at `index` of a
    /// tree of `count` leaves with root `root`. RFC 9162 §2.1.3.2.
    public static func verify(root: Hash32, index: UInt64, count: UInt64, leaf: Hash32, path: [Hash32]) -> Bool {
        guard index < count else { return false }
        var fn = index, sn = count - 1, r = leaf
        for sibling in path {
            guard sn > 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = MerkleRoot.nodeHash(left: sibling, right: r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleRoot.nodeHash(left: r, right: sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Siblings a path of a tree of `count` leaves has: the levels at which the leaf's ancestor
    /// is not the unpaired last node. Bounds a path before any hashing.
    public static func pathLength(index: UInt64, count: UInt64) -> Int {
        guard index < count else { return 0 }
        var fn = index, sn = count - 1, length = 0
        while sn > 0 {
            if fn & 1 == 1 || fn != sn { length += 1 }
            fn >>= 1
            sn >>= 1
        }
        return length
    }
}

/// A tree built from all its leaf hashes, level by level (the RFC 6962 shape is pairing
/// neighbours and promoting an unpaired last node): for provers, which answer from the data.
public struct DataTreeLevels: Sendable {
    /// levels[0] are the leaf hashes; the last level holds the root alone.
    public let levels: [[Hash32]]

    public init(leaves: [Hash32]) {
        precondition(!leaves.isEmpty, "a data tree has at least one chunk")
        var levels = [leaves]
        while levels[levels.count - 1].count > 1 {
            let below = levels[levels.count - 1]
            var level: [Hash32] = []
            level.reserveCapacity((below.count + 1) / 2)
            var i = 0
            while i + 1 < below.count {
                level.append(MerkleRoot.nodeHash(left: below[i], right: below[i + 1]))
                i += 2
            }
            if i < below.count { level.append(below[i]) }
            levels.append(level)
        }
        self.levels = levels
    }

    public var root: Hash32 { levels[levels.count - 1][0] }
    public var count: UInt64 { UInt64(levels[0].count) }

    /// The siblings of leaf `index`, from the leaf up.
    public func path(_ index: UInt64) -> [Hash32] {
        var path: [Hash32] = []
        var i = Int(index)
        for level in levels.dropLast() {
            let sibling = i ^ 1
            if sibling < level.count { path.append(level[sibling]) }
            i >>= 1
        }
        return path
    }
}

/// The root of data fed chunk by chunk, in O(log n) memory: complete subtrees of equal size merge
/// as they appear, and the last ones fold right to left, which gives the RFC 6962 shape.
public struct DataRootBuilder: Sendable {
    private var stack: [(size: UInt64, hash: Hash32)] = []
    public private(set) var count: UInt64 = 0

    public init() {}

    public mutating func append(leaf: Hash32) {
        var node = (size: UInt64(1), hash: leaf)
        while let top = stack.last, top.size == node.size {
            stack.removeLast()
            node = (top.size * 2, MerkleRoot.nodeHash(left: top.hash, right: node.hash))
        }
        stack.append(node)
        count += 1
    }

    /// nil for no data.
    public var root: Hash32? {
        guard var r = stack.last?.hash else { return nil }
        for node in stack.dropLast().reversed() { r = MerkleRoot.nodeHash(left: node.hash, right: r) }
        return r
    }
}
