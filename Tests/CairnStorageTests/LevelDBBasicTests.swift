import Foundation
import CairnTestSupport
import Testing
@testable import CairnStorage

@Suite("LevelDB basic reads and writes")
struct LevelDBBasicTests {
    @Test func putGetDeleteRoundTrip() throws {
        try withTemporaryDatabase { db, _ in
            #expect(try db.get(b("a")) == nil)
            try db.put(b("a"), b("1"))
            #expect(try db.get(b("a")) == b("1"))
            try db.put(b("a"), b("2"))
            #expect(try db.get(b("a")) == b("2"))
            #expect(try db.contains(b("a")))
            try db.delete(b("a"))
            #expect(try db.get(b("a")) == nil)
            #expect(try !db.contains(b("a")))
            // Deleting an absent key is not an error.
            try db.delete(b("never-written"), sync: true)
        }
    }

    @Test func emptyValueIsDistinctFromMissingKey() throws {
        try withTemporaryDatabase { db, _ in
            try db.put(b("empty"), [])
            let empty = try db.get(b("empty"))
            #expect(empty != nil)
            #expect(empty == [])
            #expect(try db.get(b("missing")) == nil)
            // The empty key is a valid key too.
            try db.put([], b("root"))
            #expect(try db.get([]) == b("root"))
        }
    }

    @Test func zeroBytesAndLargeValuesRoundTrip() throws {
        try withTemporaryDatabase { db, _ in
            let key: [UInt8] = [0, 0, 1, 0, 0xFF, 0]
            let value: [UInt8] = [0, 0, 0, 7, 0]
            try db.put(key, value)
            #expect(try db.get(key) == value)
            // A key that is a zero-byte prefix of another stays distinct (no C-string truncation).
            #expect(try db.get([0, 0]) == nil)
            try db.put([0, 0], [0])
            #expect(try db.get([0, 0]) == [0])
            #expect(try db.get(key) == value)

            var generator = SeededGenerator(seed: 42)
            let large = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try db.put(b("large"), large, sync: true)
            #expect(try db.get(b("large")) == large)
            let entries = try db.entries(prefix: b("large"))
            #expect(entries.count == 1)
            #expect(entries.first?.value == large)
        }
    }

    @Test func reopeningKeepsSyncedData() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/db"
            do {
                let db = try LevelDB(path: path)
                try db.put(b("k1"), b("v1"), sync: true)
                var batch = WriteBatch()
                batch.put(b("k2"), b("v2"))
                batch.put(b("k3"), [])
                batch.delete(b("k1"))
                try db.write(batch, sync: true)
                db.close()
            }
            do {
                let db = try LevelDB(path: path, options: .init(createIfMissing: false))
                #expect(try db.get(b("k1")) == nil)
                #expect(try db.get(b("k2")) == b("v2"))
                #expect(try db.get(b("k3")) == [])
                // Push the data into table files and reopen once more.
                try db.compact()
                db.close()
            }
            let db = try LevelDB(path: path, options: .init(createIfMissing: false, bloomFilterBitsPerKey: nil, compression: .none))
            #expect(try db.entries().map(\.key) == [b("k2"), b("k3")])
        }
    }

    @Test func deinitClosesTheDatabase() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/db"
            do {
                let db = try LevelDB(path: path)
                try db.put(b("k"), b("v"), sync: true)
            }
            // The lock was released when the first handle went away.
            let db = try LevelDB(path: path)
            #expect(try db.get(b("k")) == b("v"))
        }
    }

    @Test func snapshotIsolation() throws {
        try withTemporaryDatabase { db, _ in
            try db.put(b("a"), b("old"))
            try db.put(b("b"), b("old"))
            let snapshot = try db.snapshot()
            try db.put(b("a"), b("new"))
            try db.delete(b("b"))
            try db.put(b("c"), b("new"))
            var batch = WriteBatch()
            batch.put(b("d"), b("new"))
            try db.write(batch, sync: false)

            #expect(try db.get(b("a"), snapshot: snapshot) == b("old"))
            #expect(try db.get(b("b"), snapshot: snapshot) == b("old"))
            #expect(try db.get(b("c"), snapshot: snapshot) == nil)
            #expect(try db.entries(snapshot: snapshot).map(\.key) == [b("a"), b("b")])
            let cursor = try db.iterator(snapshot: snapshot)
            cursor.seekToLast()
            #expect(cursor.key == b("b"))

            #expect(try db.get(b("a")) == b("new"))
            #expect(try db.get(b("b")) == nil)
            #expect(try db.entries().map(\.key) == [b("a"), b("c"), b("d")])
        }
    }

    @Test func iteratorWithoutSnapshotSeesStateAtCreation() throws {
        try withTemporaryDatabase { db, _ in
            try db.put(b("a"), b("1"))
            let cursor = try db.iterator()
            try db.put(b("b"), b("2"))
            cursor.seekToFirst()
            #expect(cursor.key == b("a"))
            cursor.next()
            #expect(!cursor.isValid)
            try cursor.checkError()
        }
    }

    @Test func snapshotFromAnotherDatabaseIsRejected() throws {
        try withTemporaryDatabase { first, _ in
            try withTemporaryDatabase { second, _ in
                let foreign = try second.snapshot()
                #expect(throws: LevelDBError.self) { try first.get(b("a"), snapshot: foreign) }
                #expect(throws: LevelDBError.self) { try first.iterator(snapshot: foreign) }
            }
        }
    }

    @Test func propertiesAreReadable() throws {
        try withTemporaryDatabase { db, _ in
            try db.put(b("a"), b("1"))
            #expect(try db.property("leveldb.stats") != nil)
            #expect(try db.property("leveldb.no-such-property") == nil)
        }
    }
}
