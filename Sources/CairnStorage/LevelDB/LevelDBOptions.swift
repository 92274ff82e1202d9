extension LevelDB {
    /// How to open a database. The defaults suit a node's state and block stores.
    ///
    /// Sizes are in bytes. Invalid values (negative sizes, fewer than 16 open files) make
    /// ``LevelDB/init(path:options:)`` throw ``LevelDBError/invalidArgument(_:)`` instead of
    /// being silently clamped, so a bad configuration file is noticed.
    public struct Options: Sendable, Equatable {
        /// Block compression for table files.
        public enum Compression: Sendable, Equatable {
            case none
            /// Snappy: cheap to compute, and LevelDB skips it for blocks that do not shrink.
            case snappy
        }

        /// Create an empty database when the directory holds none. When `false`, opening a
        /// missing database throws ``LevelDBError/notFound(path:)``.
        public var createIfMissing: Bool
        /// Refuse to open a directory that already holds a database
        /// (throws ``LevelDBError/invalidArgument(_:)``).
        public var errorIfExists: Bool
        /// Make LevelDB stop at the first sign of damage instead of skipping damaged records.
        public var paranoidChecks: Bool
        /// Size of the in-memory write buffer before it is flushed to a level-0 table. Larger
        /// values speed up bulk loads at the cost of memory and a longer recovery on reopen.
        public var writeBufferBytes: Int
        /// Table files LevelDB may keep open at once (each uses one file descriptor).
        public var maxOpenFiles: Int
        /// Capacity of the LRU cache of uncompressed blocks, shared by all reads of this handle.
        /// `nil` keeps LevelDB's internal 8 MiB cache.
        public var blockCacheBytes: Int?
        /// Bits per key of the Bloom filter stored with each table; 10 gives about 1% false
        /// positives and saves a disk read for most lookups of absent keys. `nil` disables the
        /// filter. Changing it on an existing database is safe (old tables keep their filters).
        public var bloomFilterBitsPerKey: Int?
        /// Block compression for new table files.
        public var compression: Compression

        public init(
            createIfMissing: Bool = true,
            errorIfExists: Bool = false,
            paranoidChecks: Bool = false,
            writeBufferBytes: Int = 4 << 20,
            maxOpenFiles: Int = 1000,
            blockCacheBytes: Int? = 32 << 20,
            bloomFilterBitsPerKey: Int? = 10,
            compression: Compression = .snappy
        ) {
            self.createIfMissing = createIfMissing
            self.errorIfExists = errorIfExists
            self.paranoidChecks = paranoidChecks
            self.writeBufferBytes = writeBufferBytes
            self.maxOpenFiles = maxOpenFiles
            self.blockCacheBytes = blockCacheBytes
            self.bloomFilterBitsPerKey = bloomFilterBitsPerKey
            self.compression = compression
        }

        /// Checks the values before anything is handed to LevelDB, whose C API takes unsigned
        /// sizes and would turn a negative Int into a huge number.
        func validate() throws(LevelDBError) {
            if writeBufferBytes <= 0 {
                throw .invalidArgument("writeBufferBytes must be positive, got \(writeBufferBytes)")
            }
            if maxOpenFiles < 16 {
                throw .invalidArgument("maxOpenFiles must be at least 16, got \(maxOpenFiles)")
            }
            if maxOpenFiles > Int(Int32.max) {
                throw .invalidArgument("maxOpenFiles is too large: \(maxOpenFiles)")
            }
            if let bytes = blockCacheBytes, bytes <= 0 {
                throw .invalidArgument("blockCacheBytes must be positive or nil, got \(bytes)")
            }
            if let bits = bloomFilterBitsPerKey, bits <= 0 || bits > 64 {
                throw .invalidArgument("bloomFilterBitsPerKey must be in 1...64 or nil, got \(bits)")
            }
        }
    }
}
