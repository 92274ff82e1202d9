import CLevelDB

/// Small adapters between Swift byte arrays and LevelDB's C calling conventions, shared by the
/// database, iterator and batch code so that the error and memory rules live in one place.
enum LevelDBCall {
    /// Runs a fallible C call with a nil-initialised `char *err`. If LevelDB set it, the message
    /// is copied, freed with `leveldb_free` and thrown as a classified ``LevelDBError``.
    static func checked<R>(
        path: String,
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) throws(LevelDBError) -> R {
        var error: UnsafeMutablePointer<CChar>? = nil
        let result = body(&error)
        if let error {
            let message = String(cString: error)
            leveldb_free(error)
            throw LevelDBError(leveldbMessage: message, path: path)
        }
        return result
    }

    /// Lends the bytes of `bytes` as a `(const char *, size_t)` pair. An empty array still gets a
    /// valid, non-NULL pointer, because LevelDB copies with `memcpy`, whose behaviour with NULL
    /// is undefined even for length 0.
    static func withBytes<R>(
        _ bytes: [UInt8],
        _ body: (UnsafePointer<CChar>, Int) -> R
    ) -> R {
        if bytes.isEmpty {
            var placeholder: CChar = 0
            return withUnsafePointer(to: &placeholder) { body($0, 0) }
        }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!, buffer.count) }
        }
    }

    /// Copies `count` bytes LevelDB owns (iterator slices, `leveldb_get` results) into a Swift
    /// array, since LevelDB may free or reuse that memory as soon as the caller moves on.
    static func copy(_ pointer: UnsafePointer<CChar>?, count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Builds a C write batch holding `batch`'s operations in order. The caller destroys it.
    static func makeBatch(_ batch: WriteBatch) -> OpaquePointer {
        let cBatch = leveldb_writebatch_create()!
        for operation in batch.operations {
            switch operation {
            case .put(let key, let value):
                withBytes(key) { k, kLen in
                    withBytes(value) { v, vLen in leveldb_writebatch_put(cBatch, k, kLen, v, vLen) }
                }
            case .delete(let key):
                withBytes(key) { k, kLen in leveldb_writebatch_delete(cBatch, k, kLen) }
            }
        }
        return cBatch
    }
}
