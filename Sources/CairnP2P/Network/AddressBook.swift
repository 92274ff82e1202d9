/// Addresses of peers we may dial: persistent peers from the configuration, addresses dialled
/// on request and addresses learned through PEX. Bounded in total and per contributing peer;
/// each entry carries its own redial backoff.
struct AddressBook {
    struct Entry {
        var address: PeerAddress
        /// The peer that told us (nil: configuration or an explicit dial).
        var source: NodeID?
        var persistent: Bool
        var failures = 0
        var nextAttempt: ContinuousClock.Instant
        /// Whether we have ever completed a handshake with it.
        var succeeded = false
    }

    let capacity: Int
    let perSourceLimit: Int
    private(set) var entries: [NodeID: Entry] = [:]
    private var countsBySource: [NodeID: Int] = [:]

    init(capacity: Int, perSourceLimit: Int) {
        self.capacity = capacity
        self.perSourceLimit = perSourceLimit
    }

    var count: Int { entries.count }

    subscript(id: NodeID) -> Entry? { entries[id] }

    /// Adds or (for our own sources) updates an address; false if it was refused by the limits
    /// or is already known.
    @discardableResult
    mutating func add(_ address: PeerAddress, source: NodeID?, persistent: Bool = false,
                      now: ContinuousClock.Instant) -> Bool {
        if var existing = entries[address.id] {
            // A peer cannot overwrite what we know; configuration and explicit dials can.
            guard source == nil else { return false }
            existing.address = address
            existing.persistent = existing.persistent || persistent
            if let old = existing.source { countsBySource[old, default: 1] -= 1 }
            existing.source = nil
            existing.nextAttempt = min(existing.nextAttempt, now)
            entries[address.id] = existing
            return true
        }
        if let source {
            guard countsBySource[source, default: 0] < perSourceLimit else { return false }
            guard entries.count < capacity || evictOne() else { return false }
            countsBySource[source, default: 0] += 1
        } else if entries.count >= capacity {
            _ = evictOne()
        }
        entries[address.id] = Entry(address: address, source: source, persistent: persistent, nextAttempt: now)
        return true
    }

    /// Drops the learned entry with the most failures (never a persistent or configured one).
    private mutating func evictOne() -> Bool {
        let victim = entries.values.filter { !$0.persistent && $0.source != nil }
            .max { ($0.failures, $0.address.id) < ($1.failures, $1.address.id) }
        guard let victim else { return false }
        remove(victim.address.id)
        return true
    }

    mutating func remove(_ id: NodeID) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        if let source = entry.source { countsBySource[source, default: 1] -= 1 }
    }

    /// Backoff after a failed dial: base · 2^(failures − 1), capped. Learned addresses that keep
    /// failing are forgotten; persistent ones are retried forever.
    mutating func recordFailure(_ id: NodeID, now: ContinuousClock.Instant, base: Duration, max maxDelay: Duration) {
        guard var entry = entries[id] else { return }
        entry.failures += 1
        if !entry.persistent && entry.failures >= 8 && !entry.succeeded && entry.source != nil {
            remove(id)
            return
        }
        let exponent = Swift.min(entry.failures - 1, 20)
        entry.nextAttempt = now + Swift.min(base * (1 << exponent), maxDelay)
        entries[id] = entry
    }

    /// Delays the next dial of `id` until `instant` (after a disconnect).
    mutating func postpone(_ id: NodeID, until instant: ContinuousClock.Instant) {
        entries[id]?.nextAttempt = instant
    }

    /// A handshake with `id` completed (failures are reset only when the connection ends well,
    /// so a peer that accepts and then refuses us still backs off).
    mutating func markConnected(_ id: NodeID) {
        entries[id]?.succeeded = true
    }

    /// A connection to `id` ended without the peer refusing us.
    mutating func recordSuccess(_ id: NodeID) {
        guard var entry = entries[id] else { return }
        entry.failures = 0
        entry.succeeded = true
        entries[id] = entry
    }

    /// Addresses due for a dial, best first (fewest failures), excluding `busy`.
    func due(now: ContinuousClock.Instant, excluding busy: (NodeID) -> Bool) -> [Entry] {
        entries.values.filter { $0.nextAttempt <= now && !busy($0.address.id) }
            .sorted { ($0.persistent ? 0 : 1, $0.failures, $0.address.id) < ($1.persistent ? 0 : 1, $1.failures, $1.address.id) }
    }

    /// Up to `limit` addresses worth sharing: dialled successfully or not yet failing.
    func shareable(limit: Int, excluding: NodeID) -> [PeerAddress] {
        Array(entries.values.filter { $0.address.id != excluding && ($0.succeeded || $0.failures == 0) }
            .map(\.address).shuffled().prefix(limit))
    }
}
