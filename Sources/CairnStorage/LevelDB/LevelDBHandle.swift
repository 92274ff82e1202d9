import CLevelDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Owns one open `leveldb_t` and the C objects whose lifetime must exceed it.
///
/// Every object that needs the database open (the ``LevelDB`` wrapper until it is closed, each
/// ``LevelDB/Snapshot`` and ``LevelDB/Iterator``) holds a strong reference to the handle, so
/// `leveldb_close` runs only after the last of them is gone: LevelDB requires iterators to be
/// destroyed and snapshots released before the database is closed.
///
/// `@unchecked Sendable`: the `leveldb_t` is documented as safe for concurrent use from many
/// threads without external locking, and the other pointers are immutable after `init` (the
/// shared read/write option objects are only read by LevelDB).
final class LevelDBHandle: @unchecked Sendable {
    let path: String
    let db: OpaquePointer
    let defaultReadOptions: OpaquePointer
    let asyncWriteOptions: OpaquePointer
    let syncWriteOptions: OpaquePointer
    private let cache: OpaquePointer?
    private let filterPolicy: OpaquePointer?

    init(path: String, options: LevelDB.Options) throws(LevelDBError) {
        try options.validate()
        if options.createIfMissing {
            // LevelDB creates only the last path component; a node's --home may not exist yet.
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw .io("cannot create the database directory \(path): \(error)")
            }
        }
        let cOptions = leveldb_options_create()!
        // The options object is copied by leveldb_open; the cache and filter policy it points to
        // are not, so they live in the handle until after leveldb_close.
        defer { leveldb_options_destroy(cOptions) }
        leveldb_options_set_create_if_missing(cOptions, options.createIfMissing ? 1 : 0)
        leveldb_options_set_error_if_exists(cOptions, options.errorIfExists ? 1 : 0)
        leveldb_options_set_paranoid_checks(cOptions, options.paranoidChecks ? 1 : 0)
        leveldb_options_set_write_buffer_size(cOptions, options.writeBufferBytes)
        leveldb_options_set_max_open_files(cOptions, Int32(options.maxOpenFiles))
        switch options.compression {
        case .none: leveldb_options_set_compression(cOptions, Int32(leveldb_no_compression))
        case .snappy: leveldb_options_set_compression(cOptions, Int32(leveldb_snappy_compression))
        }
        let cache = options.blockCacheBytes.map { leveldb_cache_create_lru($0)! }
        if let cache { leveldb_options_set_cache(cOptions, cache) }
        let filterPolicy = options.bloomFilterBitsPerKey.map { leveldb_filterpolicy_create_bloom(Int32($0))! }
        if let filterPolicy { leveldb_options_set_filter_policy(cOptions, filterPolicy) }

        let opened: OpaquePointer?
        do {
            opened = try LevelDBCall.checked(path: path) { error in leveldb_open(cOptions, path, error) }
        } catch {
            if let cache { leveldb_cache_destroy(cache) }
            if let filterPolicy { leveldb_filterpolicy_destroy(filterPolicy) }
            throw error
        }
        guard let opened else {
            if let cache { leveldb_cache_destroy(cache) }
            if let filterPolicy { leveldb_filterpolicy_destroy(filterPolicy) }
            throw .io("leveldb_open returned no database and no error for \(path)")
        }
        self.path = path
        self.db = opened
        self.cache = cache
        self.filterPolicy = filterPolicy
        self.defaultReadOptions = leveldb_readoptions_create()!
        self.asyncWriteOptions = leveldb_writeoptions_create()!
        self.syncWriteOptions = leveldb_writeoptions_create()!
        leveldb_writeoptions_set_sync(syncWriteOptions, 1)
    }

    deinit {
        leveldb_close(db)
        leveldb_readoptions_destroy(defaultReadOptions)
        leveldb_writeoptions_destroy(asyncWriteOptions)
        leveldb_writeoptions_destroy(syncWriteOptions)
        // Only now: the closed database no longer reads through them.
        if let cache { leveldb_cache_destroy(cache) }
        if let filterPolicy { leveldb_filterpolicy_destroy(filterPolicy) }
    }

    func writeOptions(sync: Bool) -> OpaquePointer {
        sync ? syncWriteOptions : asyncWriteOptions
    }

    /// Read options for a read through `snapshot`, or nil to use ``defaultReadOptions``.
    /// The caller destroys a non-nil result.
    func makeReadOptions(snapshot: LevelDB.Snapshot?) throws(LevelDBError) -> OpaquePointer? {
        guard let snapshot else { return nil }
        guard snapshot.handle === self else {
            throw .invalidArgument("the snapshot was taken from another database handle")
        }
        let options = leveldb_readoptions_create()!
        leveldb_readoptions_set_snapshot(options, snapshot.pointer)
        return options
    }
}
