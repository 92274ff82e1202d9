import CLevelDB

extension LevelDB {
    /// A lazy cursor over the database in byte order of keys, for scans too large to copy into
    /// an array with ``LevelDB/entries(prefix:from:reverse:limit:snapshot:)``.
    ///
    /// The iterator reads an implicit snapshot taken when it was created (or the explicit one
    /// given), so writes made afterwards are not seen. It starts unpositioned: call
    /// ``seekToFirst()``, ``seekToLast()`` or ``seek(to:)`` first. ``key`` and ``value`` return
    /// copies, since LevelDB reuses its buffers when the cursor moves. When ``isValid`` becomes
    /// false, call ``checkError()`` to tell the end of the data from a read failure.
    ///
    /// Not `Sendable`: a LevelDB iterator must not be used from two threads at once. It keeps
    /// the database open (even across ``LevelDB/close()``) until it is deinitialised.
    public final class Iterator {
        private let handle: LevelDBHandle
        /// Kept so that an explicit snapshot outlives the iterator reading through it.
        private let snapshot: Snapshot?
        private let readOptions: OpaquePointer?
        private let pointer: OpaquePointer

        init(handle: LevelDBHandle, snapshot: Snapshot?) throws(LevelDBError) {
            self.handle = handle
            self.snapshot = snapshot
            self.readOptions = try handle.makeReadOptions(snapshot: snapshot)
            self.pointer = leveldb_create_iterator(handle.db, readOptions ?? handle.defaultReadOptions)!
        }

        deinit {
            leveldb_iter_destroy(pointer)
            if let readOptions { leveldb_readoptions_destroy(readOptions) }
        }

        /// Whether the cursor is on an entry.
        public var isValid: Bool { leveldb_iter_valid(pointer) != 0 }

        /// Positions on the first entry.
        public func seekToFirst() { leveldb_iter_seek_to_first(pointer) }

        /// Positions on the last entry.
        public func seekToLast() { leveldb_iter_seek_to_last(pointer) }

        /// Positions on the first entry whose key is greater than or equal to `key`.
        public func seek(to key: [UInt8]) {
            LevelDBCall.withBytes(key) { k, kLen in leveldb_iter_seek(pointer, k, kLen) }
        }

        /// Moves to the next entry. Does nothing when the cursor is not valid (LevelDB itself
        /// would have undefined behaviour).
        public func next() {
            guard isValid else { return }
            leveldb_iter_next(pointer)
        }

        /// Moves to the previous entry. Does nothing when the cursor is not valid.
        public func prev() {
            guard isValid else { return }
            leveldb_iter_prev(pointer)
        }

        /// A copy of the current key, or nil when the cursor is not valid.
        public var key: [UInt8]? {
            guard isValid else { return nil }
            var length = 0
            let bytes = leveldb_iter_key(pointer, &length)
            return LevelDBCall.copy(bytes, count: length)
        }

        /// A copy of the current value, or nil when the cursor is not valid.
        public var value: [UInt8]? {
            guard isValid else { return nil }
            var length = 0
            let bytes = leveldb_iter_value(pointer, &length)
            return LevelDBCall.copy(bytes, count: length)
        }

        /// Throws if the scan stopped because of a read error (for example a damaged table
        /// file) rather than because it ran out of entries.
        public func checkError() throws(LevelDBError) {
            try LevelDBCall.checked(path: handle.path) { error in leveldb_iter_get_error(pointer, error) }
        }
    }
}
