import CairnP2P

/// Consensus messages for heights just above the one being decided, kept until that height
/// starts: a peer that committed first sends the next height's proposal and votes before this
/// node is there. Bounded in heights ahead and in count, so a peer cannot fill memory with them.
struct FutureMessageBuffer: Sendable {
    /// Messages are kept for the current height up to this many heights above it.
    let heightsAhead: UInt64
    /// Most messages held at once; later ones are dropped until some are taken.
    let capacity: Int
    private var items: [(height: UInt64, message: NodeMessage, peer: NodeID?)] = []

    init(heightsAhead: UInt64 = 2, capacity: Int = 10_000) {
        self.heightsAhead = heightsAhead
        self.capacity = capacity
    }

    var count: Int { items.count }

    /// Keeps `message` (from `peer`, nil = this node) for `height` if that height is `current`
    /// or at most `heightsAhead` above it and there is room; returns whether it was kept.
    @discardableResult
    mutating func keep(_ message: NodeMessage, height: UInt64, from peer: NodeID?, current: UInt64) -> Bool {
        guard height >= current, height - current <= heightsAhead, items.count < capacity else { return false }
        items.append((height, message, peer))
        return true
    }

    /// Whether messages for `height` are held.
    func holds(height: UInt64) -> Bool { items.contains { $0.height == height } }

    /// Removes and returns the messages for `height` in arrival order, dropping any for lower heights.
    mutating func take(height: UInt64) -> [(message: NodeMessage, peer: NodeID?)] {
        let ready = items.filter { $0.height == height }.map { (message: $0.message, peer: $0.peer) }
        items.removeAll { $0.height <= height }
        return ready
    }
}
