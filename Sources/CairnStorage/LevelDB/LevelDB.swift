import CLevelDB
import Synchronization

/// A LevelDB database: an ordered map from byte-string keys to byte-string values, kept in a
/// directory on disk. Keys are ordered bytewise (unsigned, shorter prefix first), which is the
/// order of ``entries(prefix:from:reverse:limit:snapshot:)`` and ``Iterator``.
///
/// One handle may be shared by any number of threads and tasks: LevelDB's `leveldb_t` is safe
/// for concurrent reads and writes without external locking, so this class is `Sendable`. The
/// only mutable Swift state is the open/closed flag, kept in a `Mutex` that is held just long
/// enough to take a reference to the open database; LevelDB calls run outside it.
///
/// Only one handle, in one process, can have a directory open at a time; a second opener gets
/// ``LevelDBError/locked(path:)``.
///
/// Durability: writes with `sync: false` survive a crash of this process but may be lost if the
/// machine loses power; `sync: true` fsyncs the log before returning (use it for commits whose
/// loss would be noticed, such as a finalised block).
public final class LevelDB: Sendable {
    /// The database directory, as given to `init`.
    public let path: String
    /// The options the database was opened with.
    public let options: Options
    /// nil once ``close()`` has been called. Snapshots and iterators hold their own reference,
    /// so the files close when the last of them is released.
    private let state: Mutex<LevelDBHandle?>

    /// Opens (and by default creates) the database in the directory `path`.
    ///
    /// - Throws: ``LevelDBError/locked(path:)`` if another handle or process has it open,
    ///   ``LevelDBError/notFound(path:)`` if it does not exist and `createIfMissing` is false,
    ///   ``LevelDBError/corruption(_:)`` if its metadata is damaged, ``LevelDBError/io(_:)`` for
    ///   file-system failures, ``LevelDBError/invalidArgument(_:)`` for bad options.
    public init(path: String, options: Options = .init()) throws(LevelDBError) {
        self.path = path
        self.options = options
        self.state = Mutex(try LevelDBHandle(path: path, options: options))
    }

    deinit {
        close()
    }

    /// Closes the database. Later calls on this handle throw ``LevelDBError/closed``; calling
    /// `close()` again does nothing. The files (and the directory lock) are released now if no
    /// ``Snapshot`` or ``Iterator`` from this handle is alive, otherwise when the last is released.
    public func close() {
        let handle = state.withLock { current -> LevelDBHandle? in
            let previous = current
            current = nil
            return previous
        }
        // The last reference may go here, running leveldb_close outside the lock.
        withExtendedLifetime(handle) {}
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool {
        state.withLock { $0 == nil }
    }

    private func openHandle() throws(LevelDBError) -> LevelDBHandle {
        guard let handle = state.withLock({ $0 }) else { throw .closed }
        return handle
    }

    // MARK: Reads

    /// The value stored under `key`, or nil if the key is absent. An empty stored value is
    /// returned as `[]`, distinct from nil.
    ///
    /// - Parameter snapshot: read the state captured by this snapshot instead of the latest.
    public func get(_ key: [UInt8], snapshot: Snapshot? = nil) throws(LevelDBError) -> [UInt8]? {
        let handle = try openHandle()
        let readOptions = try handle.makeReadOptions(snapshot: snapshot)
        defer { if let readOptions { leveldb_readoptions_destroy(readOptions) } }
        var length = 0
        let result = try LevelDBCall.checked(path: path) { error in
            LevelDBCall.withBytes(key) { k, kLen in
                leveldb_get(handle.db, readOptions ?? handle.defaultReadOptions, k, kLen, &length, error)
            }
        }
        // NULL means absent; a non-NULL pointer with length 0 is an empty value.
        guard let result else { return nil }
        defer { leveldb_free(result) }
        return LevelDBCall.copy(result, count: length)
    }

    /// Whether `key` is present.
    public func contains(_ key: [UInt8], snapshot: Snapshot? = nil) throws(LevelDBError) -> Bool {
        try get(key, snapshot: snapshot) != nil
    }

    /// Takes a consistent read-only view of the current state.
    public func snapshot() throws(LevelDBError) -> Snapshot {
        Snapshot(handle: try openHandle())
    }

    /// A lazy cursor over all entries, for scans too large for ``entries(prefix:from:reverse:limit:snapshot:)``.
    public func iterator(snapshot: Snapshot? = nil) throws(LevelDBError) -> Iterator {
        try Iterator(handle: try openHandle(), snapshot: snapshot)
    }

    /// Copies out the entries whose key starts with `prefix`, in key order (descending when
    /// `reverse` is true).
    ///
    /// - Parameters:
    ///   - prefix: only keys starting with these bytes; empty means all keys.
    ///   - start: where to begin, inclusive: the first key `>= start` going forward, the last
    ///     key `<= start` in reverse. Keys outside the prefix range are never returned.
    ///   - reverse: scan from high keys to low keys.
    ///   - limit: at most this many entries; nil means no limit.
    ///   - snapshot: read the state captured by this snapshot instead of the latest.
    /// - Throws: ``LevelDBError/invalidArgument(_:)`` for a negative limit, or the read error
    ///   that stopped the scan.
    public func entries(
        prefix: [UInt8] = [],
        from start: [UInt8]? = nil,
        reverse: Bool = false,
        limit: Int? = nil,
        snapshot: Snapshot? = nil
    ) throws(LevelDBError) -> [(key: [UInt8], value: [UInt8])] {
        if let limit, limit < 0 {
            throw .invalidArgument("limit must not be negative, got \(limit)")
        }
        let cursor = try iterator(snapshot: snapshot)
        if reverse {
            Self.positionReverse(cursor, prefix: prefix, start: start)
        } else if let start, !start.lexicographicallyPrecedes(prefix) {
            cursor.seek(to: start)
        } else {
            cursor.seek(to: prefix)
        }
        var result: [(key: [UInt8], value: [UInt8])] = []
        while limit.map({ result.count < $0 }) ?? true, let key = cursor.key, key.starts(with: prefix) {
            result.append((key: key, value: cursor.value ?? []))
            if reverse { cursor.prev() } else { cursor.next() }
        }
        try cursor.checkError()
        return result
    }

    /// Puts a reverse scan on the last key that is both `<= start` (if given) and below the end
    /// of the prefix range.
    private static func positionReverse(_ cursor: Iterator, prefix: [UInt8], start: [UInt8]?) {
        let end = prefixEnd(prefix)
        if let start, end.map({ start.lexicographicallyPrecedes($0) }) ?? true {
            cursor.seek(to: start)
            if !cursor.isValid {
                cursor.seekToLast()
            } else if cursor.key != start {
                cursor.prev()
            }
        } else if let end {
            cursor.seek(to: end)
            if cursor.isValid { cursor.prev() } else { cursor.seekToLast() }
        } else {
            cursor.seekToLast()
        }
    }

    /// The smallest key greater than every key starting with `prefix`, or nil when there is none
    /// (the prefix is empty or all 0xFF bytes).
    static func prefixEnd(_ prefix: [UInt8]) -> [UInt8]? {
        var end = prefix
        while let last = end.last {
            if last == 0xFF {
                end.removeLast()
            } else {
                end[end.count - 1] = last + 1
                return end
            }
        }
        return nil
    }

    // MARK: Writes

    /// Stores `value` under `key`, replacing any previous value.
    /// - Parameter sync: fsync the log before returning (see the durability note on the type).
    public func put(_ key: [UInt8], _ value: [UInt8], sync: Bool = false) throws(LevelDBError) {
        let handle = try openHandle()
        try LevelDBCall.checked(path: path) { error in
            LevelDBCall.withBytes(key) { k, kLen in
                LevelDBCall.withBytes(value) { v, vLen in
                    leveldb_put(handle.db, handle.writeOptions(sync: sync), k, kLen, v, vLen, error)
                }
            }
        }
    }

    /// Removes `key`. Removing an absent key is not an error.
    public func delete(_ key: [UInt8], sync: Bool = false) throws(LevelDBError) {
        let handle = try openHandle()
        try LevelDBCall.checked(path: path) { error in
            LevelDBCall.withBytes(key) { k, kLen in
                leveldb_delete(handle.db, handle.writeOptions(sync: sync), k, kLen, error)
            }
        }
    }

    /// Applies all operations of `batch`, in order, atomically: readers and a crash recovery
    /// see either none or all of them. An empty batch writes nothing.
    public func write(_ batch: WriteBatch, sync: Bool) throws(LevelDBError) {
        let handle = try openHandle()
        guard !batch.isEmpty else { return }
        let cBatch = LevelDBCall.makeBatch(batch)
        defer { leveldb_writebatch_destroy(cBatch) }
        try LevelDBCall.checked(path: path) { error in
            leveldb_write(handle.db, handle.writeOptions(sync: sync), cBatch, error)
        }
    }

    // MARK: Maintenance

    /// A LevelDB property such as `"leveldb.stats"`, `"leveldb.sstables"`,
    /// `"leveldb.approximate-memory-usage"` or `"leveldb.num-files-at-level0"`; nil if LevelDB
    /// does not know the name.
    public func property(_ name: String) throws(LevelDBError) -> String? {
        let handle = try openHandle()
        guard let value = leveldb_property_value(handle.db, name) else { return nil }
        defer { leveldb_free(value) }
        return String(cString: value)
    }

    /// Compacts the key range `[start, end]` (nil means unbounded on that side), discarding
    /// overwritten and deleted values. Blocks until done; useful after a large deletion.
    public func compact(from start: [UInt8]? = nil, to end: [UInt8]? = nil) throws(LevelDBError) {
        let handle = try openHandle()
        func withOptionalBytes(_ bytes: [UInt8]?, _ body: (UnsafePointer<CChar>?, Int) -> Void) {
            if let bytes { LevelDBCall.withBytes(bytes) { body($0, $1) } } else { body(nil, 0) }
        }
        withOptionalBytes(start) { s, sLen in
            withOptionalBytes(end) { e, eLen in leveldb_compact_range(handle.db, s, sLen, e, eLen) }
        }
    }

    /// Deletes the database in `path` (its files, then the directory if it became empty).
    /// The database must not be open.
    public static func destroy(path: String) throws(LevelDBError) {
        let cOptions = leveldb_options_create()!
        defer { leveldb_options_destroy(cOptions) }
        try LevelDBCall.checked(path: path) { error in leveldb_destroy_db(cOptions, path, error) }
    }
}
