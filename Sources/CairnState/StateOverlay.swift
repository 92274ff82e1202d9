import CairnCore
import CairnCrypto

/// Pending state changes on top of committed state, for executing one block.
/// Reads are cached apart from writes, so only entries a transaction actually set count as
/// changes; `atomically` undoes a failed transaction's writes.
public struct StateOverlay {
    /// An entry as the overlay holds it: absent = nil.
    private typealias Value = [UInt8]?

    private let base: any StateReader
    private var read: [StateKey: Value] = [:]
    private var dirty: [StateKey: Value] = [:]
    /// Previous dirty values of what the running `atomically` body set, to roll back on failure
    /// (the outer nil = the key was not dirty before).
    private var undo: [(StateKey, Value?)] = []
    private var events: [Event] = []
    /// Node index entries in the order written (a later write of a key wins).
    private var indexed: [StateChange] = []

    public init(base: any StateReader) { self.base = base }

    /// The current encoding of `key`'s entry; nil when absent.
    public mutating func value(_ key: StateKey) throws -> [UInt8]? {
        if let v = dirty[key] ?? read[key] { return v }
        let v = try base.value(at: key)
        read[key] = .some(v)
        return v
    }

    public mutating func get<T: CanonicalDecodable>(_ type: T.Type, _ key: StateKey) throws -> T? {
        guard let bytes = try value(key) else { return nil }
        return try T(canonicalBytes: bytes)
    }

    public mutating func set(_ key: StateKey, _ value: some CanonicalEncodable) {
        write(key, value.canonicalBytes)
    }

    public mutating func delete(_ key: StateKey) {
        write(key, nil)
    }

    /// Records an event of the running hook or transaction; a failed `atomically` body's events
    /// are dropped with its writes.
    /// Events beyond the stored form's limits are cut to them (Specs/runtime.md §7), so every
    /// stored result decodes.
    public mutating func emit(_ event: Event) {
        events.append(event.withinLimits)
    }

    /// The events emitted since the last call, in order.
    public mutating func takeEvents() -> [Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Writes a node index entry (Specs/runtime.md §7.3): stored with the block, outside the state
    /// tree, for queries only. Rules never read the index, so it can grow with history while
    /// consensus state does not. A failed `atomically` body's entries are dropped with its writes.
    public mutating func index(_ key: StateKey, _ value: some CanonicalEncodable) {
        indexed.append(StateChange(key: key, value: value.canonicalBytes))
    }

    /// The index entries written so far, in order.
    public var indexEntries: [StateChange] { indexed }

    /// Sets an entry's raw encoding (records the runtime validated in encoded form).
    mutating func write(_ key: StateKey, _ value: [UInt8]?) {
        undo.append((key, dirty[key]))
        dirty[key] = .some(value)
    }

    /// Runs `body`; if it throws, every write it made is undone. Cost ∝ what the body set,
    /// never the size of the overlay.
    public mutating func atomically<T>(_ body: (inout StateOverlay) throws -> T) rethrows -> T {
        undo.removeAll(keepingCapacity: true)
        let eventCount = events.count, indexCount = indexed.count
        do {
            return try body(&self)
        } catch {
            for (key, previous) in undo.reversed() { dirty[key] = previous }
            undo.removeAll(keepingCapacity: true)
            events.removeSubrange(eventCount...)
            indexed.removeSubrange(indexCount...)
            throw error
        }
    }

    /// Entries set so far, sorted by key: the order state commitment and storage use.
    public var changes: [StateChange] {
        dirty.keys.sorted().map { StateChange(key: $0, value: dirty[$0]!) }
    }
}
