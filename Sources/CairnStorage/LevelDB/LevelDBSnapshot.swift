import CLevelDB

extension LevelDB {
    /// A consistent, read-only view of the database as it was when ``LevelDB/snapshot()`` was
    /// called. Reads through it ignore every later write, so that a long scan or a multi-key read
    /// sees one state even while blocks are being committed.
    ///
    /// The snapshot keeps the database files open (even across ``LevelDB/close()``) and is
    /// released when the last reference goes away. Holding one for long keeps LevelDB from
    /// discarding overwritten values during compaction, so release it promptly.
    ///
    /// `@unchecked Sendable`: a LevelDB snapshot is immutable, and reading through it from
    /// several threads at once is supported by LevelDB; the release happens once, in `deinit`.
    public final class Snapshot: @unchecked Sendable {
        let handle: LevelDBHandle
        let pointer: OpaquePointer

        init(handle: LevelDBHandle) {
            self.handle = handle
            self.pointer = leveldb_create_snapshot(handle.db)!
        }

        deinit {
            leveldb_release_snapshot(handle.db, pointer)
        }
    }
}
