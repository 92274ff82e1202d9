import CairnCrypto
import Synchronization

/// The state tree's recently written and read nodes, in memory. A block's update walks the paths
/// of every key it changes, and the upper levels are the same for every block: without a cache
/// each step is a LevelDB lookup (a storage-proof block of 2 000 deals spent about a sixth of
/// its time in them). Nodes are addressed by their hash, so a cached node is never stale.
///
/// Two generations bound it: lookups hit either, inserts go to the current one, and when that
/// is full it becomes the previous one and the oldest generation is dropped.
final class TreeNodeCache: Sendable {
    private struct Generations {
        var current: [Hash32: [UInt8]] = [:]
        var previous: [Hash32: [UInt8]] = [:]
    }

    private let generations = Mutex(Generations())
    let capacity: Int

    /// `capacity` nodes per generation; a node is about 150 bytes in memory with its entry.
    init(capacity: Int = 1 << 17) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    func node(_ hash: Hash32) -> [UInt8]? {
        generations.withLock { g in
            if let bytes = g.current[hash] { return bytes }
            guard let bytes = g.previous[hash] else { return nil }
            Self.insert(hash, bytes, into: &g, capacity: capacity)
            return bytes
        }
    }

    func insert(_ nodes: some Sequence<(hash: Hash32, bytes: [UInt8])>) {
        generations.withLock { g in
            for node in nodes { Self.insert(node.hash, node.bytes, into: &g, capacity: capacity) }
        }
    }

    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    private static func insert(_ hash: Hash32, _ bytes: [UInt8], into g: inout Generations, capacity: Int) {
        if g.current.count >= capacity {
            g.previous = g.current
            g.current = [:]
            g.current.reserveCapacity(capacity)
        }
        g.current[hash] = bytes
    }
}
