import Foundation
import Testing
@testable import CairnStorage

@Suite("LevelDB errors")
struct LevelDBErrorTests {
    @Test func openingTheSameDirectoryTwiceIsLocked() throws {
        try withTemporaryDatabase { db, path in
            try db.put(b("k"), b("v"))
            #expect(throws: LevelDBError.locked(path: path)) { try LevelDB(path: path) }
            do throws(LevelDBError) {
                _ = try LevelDB(path: path)
                Issue.record("a second open must fail")
            } catch {
                #expect(error.description.contains(path))
                #expect(error.description.contains("another process"))
                #expect(error.description.contains("--home"))
            }
            // The failed open did not disturb the first handle.
            #expect(try db.get(b("k")) == b("v"))
        }
    }

    @Test func missingDatabaseWithoutCreateIfMissingIsNotFound() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: LevelDBError.notFound(path: directory)) {
                try LevelDB(path: directory, options: .init(createIfMissing: false))
            }
            let missing = directory + "/does/not/exist"
            #expect(throws: LevelDBError.notFound(path: missing)) {
                try LevelDB(path: missing, options: .init(createIfMissing: false))
            }
        }
    }

    @Test func errorIfExistsRejectsAnExistingDatabase() throws {
        try withTemporaryDirectory { directory in
            do { _ = try LevelDB(path: directory, options: .init(errorIfExists: true)) }
            let error = #expect(throws: LevelDBError.self) {
                try LevelDB(path: directory, options: .init(errorIfExists: true))
            }
            guard case .invalidArgument(let message) = error else {
                Issue.record("expected invalidArgument, got \(String(describing: error))")
                return
            }
            #expect(message.contains("exists"))
        }
    }

    @Test(arguments: [
        LevelDB.Options(writeBufferBytes: 0),
        LevelDB.Options(maxOpenFiles: 3),
        LevelDB.Options(blockCacheBytes: -1),
        LevelDB.Options(bloomFilterBitsPerKey: 0),
    ])
    func invalidOptionsAreRejectedBeforeOpening(options: LevelDB.Options) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/db"
            let error = #expect(throws: LevelDBError.self) { try LevelDB(path: path, options: options) }
            guard case .invalidArgument = error else {
                Issue.record("expected invalidArgument, got \(String(describing: error))")
                return
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    /// Creates a database with some data, closes it, lets `damage` modify its files and
    /// returns what opening it again throws.
    static func openAfterDamage(_ damage: (String) throws -> Void) throws -> LevelDBError? {
        try withTemporaryDirectory { directory -> LevelDBError? in
            let path = directory + "/db"
            do {
                let db = try LevelDB(path: path)
                try db.put(b("k"), b("v"), sync: true)
                try db.compact()
            }
            try damage(path)
            do throws(LevelDBError) {
                _ = try LevelDB(path: path)
                return nil
            } catch {
                return error
            }
        }
    }

    static func files(in path: String, prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasPrefix(prefix) }.sorted()
    }

    @Test func garbageInCurrentIsCorruption() throws {
        let error = try Self.openAfterDamage { path in
            try Data("garbage".utf8).write(to: URL(fileURLWithPath: path + "/CURRENT"))
        }
        guard case .corruption = error else {
            Issue.record("expected corruption, got \(String(describing: error))")
            return
        }
    }

    @Test func currentNamingAMissingManifestIsCorruption() throws {
        let error = try Self.openAfterDamage { path in
            try Data("MANIFEST-999999\n".utf8).write(to: URL(fileURLWithPath: path + "/CURRENT"))
        }
        guard case .corruption(let message) = error else {
            Issue.record("expected corruption, got \(String(describing: error))")
            return
        }
        #expect(message.contains("MANIFEST-999999"))
    }

    @Test func truncatedManifestIsAnError() throws {
        let error = try Self.openAfterDamage { path in
            for manifest in try Self.files(in: path, prefix: "MANIFEST-") {
                try Data().write(to: URL(fileURLWithPath: path + "/" + manifest))
            }
        }
        guard case .corruption = error else {
            Issue.record("expected corruption, got \(String(describing: error))")
            return
        }
    }

    @Test func garbageManifestIsAnError() throws {
        let error = try Self.openAfterDamage { path in
            for manifest in try Self.files(in: path, prefix: "MANIFEST-") {
                let url = URL(fileURLWithPath: path + "/" + manifest)
                let size = try Data(contentsOf: url).count
                try Data(repeating: 0xA5, count: max(size, 64)).write(to: url)
            }
        }
        #expect(error != nil)
    }

    @Test func damagedTableFileMakesReadsThrow() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/db"
            do {
                let db = try LevelDB(path: path)
                for index in 0..<100 { try db.put(b("key\(index)"), b("value\(index)")) }
                try db.compact()
            }
            let tables = try Self.files(in: path, prefix: "").filter { $0.hasSuffix(".ldb") }
            #expect(!tables.isEmpty)
            for table in tables {
                let url = URL(fileURLWithPath: path + "/" + table)
                let size = try Data(contentsOf: url).count
                try Data(repeating: 0x5A, count: size).write(to: url)
            }
            let db = try LevelDB(path: path)
            let scanError = #expect(throws: LevelDBError.self) { try db.entries() }
            guard case .corruption = scanError else {
                Issue.record("expected corruption, got \(String(describing: scanError))")
                return
            }
            #expect(throws: LevelDBError.self) { try db.get(b("key1")) }
            let cursor = try db.iterator()
            cursor.seekToFirst()
            #expect(!cursor.isValid)
            #expect(throws: LevelDBError.self) { try cursor.checkError() }
        }
    }

    @Test func truncatedTableFileMakesReadsThrow() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/db"
            do {
                let db = try LevelDB(path: path)
                for index in 0..<100 { try db.put(b("key\(index)"), b("value\(index)")) }
                try db.compact()
            }
            for table in try Self.files(in: path, prefix: "").filter({ $0.hasSuffix(".ldb") }) {
                try Data("short".utf8).write(to: URL(fileURLWithPath: path + "/" + table))
            }
            let db = try LevelDB(path: path)
            #expect(throws: LevelDBError.self) { try db.entries() }
            #expect(throws: LevelDBError.self) { try db.get(b("key1")) }
        }
    }

    @Test func missingParentDirectoriesAreCreated() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/a/b/db"
            let db = try LevelDB(path: path)
            try db.put(b("k"), b("v"))
            #expect(try db.get(b("k")) == b("v"))
        }
    }

    @Test func callsAfterCloseThrowClosed() throws {
        try withTemporaryDatabase { db, path in
            try db.put(b("k"), b("v"))
            #expect(!db.isClosed)
            db.close()
            db.close() // idempotent
            #expect(db.isClosed)
            #expect(throws: LevelDBError.closed) { try db.get(b("k")) }
            #expect(throws: LevelDBError.closed) { try db.contains(b("k")) }
            #expect(throws: LevelDBError.closed) { try db.put(b("k"), b("v")) }
            #expect(throws: LevelDBError.closed) { try db.delete(b("k")) }
            var batch = WriteBatch()
            batch.put(b("k"), b("v"))
            #expect(throws: LevelDBError.closed) { try db.write(batch, sync: true) }
            #expect(throws: LevelDBError.closed) { try db.write(WriteBatch(), sync: true) }
            #expect(throws: LevelDBError.closed) { try db.entries() }
            #expect(throws: LevelDBError.closed) { try db.iterator() }
            #expect(throws: LevelDBError.closed) { try db.snapshot() }
            #expect(throws: LevelDBError.closed) { try db.property("leveldb.stats") }
            #expect(throws: LevelDBError.closed) { try db.compact() }
            // Closing released the directory.
            let reopened = try LevelDB(path: path)
            #expect(try reopened.get(b("k")) == b("v"))
        }
    }

    @Test func liveIteratorsAndSnapshotsKeepTheFilesOpenAfterClose() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/db"
            let db = try LevelDB(path: path)
            try db.put(b("k"), b("v"))
            var cursor: LevelDB.Iterator? = try db.iterator()
            var snapshot: LevelDB.Snapshot? = try db.snapshot()
            db.close()
            // Still readable through the objects that keep the database alive...
            cursor?.seekToFirst()
            #expect(cursor?.key == b("k"))
            // ...so the directory is still locked.
            #expect(throws: LevelDBError.locked(path: path)) { try LevelDB(path: path) }
            cursor = nil
            #expect(throws: LevelDBError.locked(path: path)) { try LevelDB(path: path) }
            snapshot = nil
            _ = snapshot
            let reopened = try LevelDB(path: path)
            #expect(try reopened.get(b("k")) == b("v"))
        }
    }

    @Test func messagesAreClassified() {
        let path = "/data/cairn"
        #expect(LevelDBError(leveldbMessage: "IO error: lock /data/cairn/LOCK: already held by process", path: path) == .locked(path: path))
        #expect(LevelDBError(leveldbMessage: "IO error: lock /data/cairn/LOCK: Resource temporarily unavailable", path: path) == .locked(path: path))
        #expect(LevelDBError(leveldbMessage: "Invalid argument: /data/cairn: does not exist (create_if_missing is false)", path: path) == .notFound(path: path))
        #expect(LevelDBError(leveldbMessage: "Corruption: CURRENT file does not end with newline", path: path) == .corruption("CURRENT file does not end with newline"))
        #expect(LevelDBError(leveldbMessage: "NotFound: /data/cairn/000005.ldb: No such file or directory", path: path) == .corruption("NotFound: /data/cairn/000005.ldb: No such file or directory"))
        #expect(LevelDBError(leveldbMessage: "IO error: /data/cairn/000003.log: No space left on device", path: path) == .io("/data/cairn/000003.log: No space left on device"))
        #expect(LevelDBError(leveldbMessage: "Invalid argument: /data/cairn: exists (error_if_exists is true)", path: path) == .invalidArgument("/data/cairn: exists (error_if_exists is true)"))
        #expect(LevelDBError(leveldbMessage: "NotFound: /data/cairn/LOCK: No such file or directory", path: path) == .notFound(path: path))
        #expect(LevelDBError(leveldbMessage: "something new", path: path) == .io("something new"))
    }

    @Test func descriptionsSayWhatIsWrong() {
        #expect(LevelDBError.locked(path: "/d").description.contains("Stop the other cairn process or choose another --home"))
        #expect(LevelDBError.notFound(path: "/d").description.contains("/d"))
        #expect(LevelDBError.corruption("bad block").description.contains("bad block"))
        #expect(LevelDBError.io("disk full").description.contains("disk full"))
        #expect(LevelDBError.closed.description.contains("closed"))
    }
}
