import Testing
@testable import CairnStorage

@Suite("LevelDB iteration")
struct LevelDBIterationTests {
    /// Keys chosen to exercise byte order: 0x00 and 0xFF bytes, a key that is a prefix of
    /// others, and keys just outside the "b" prefix on both sides.
    static let keys: [[UInt8]] = [
        [0x00], b("a"), b("a\u{7F}"), b("b"), [0x62, 0x00], b("ba"), b("bb"), [0x62, 0xFF],
        [0x62, 0xFF, 0xFF], b("c"), [0xFF], [0xFF, 0xFF],
    ]

    static func filled(_ db: LevelDB) throws {
        var batch = WriteBatch()
        // Insert in a scrambled order; LevelDB must sort.
        for key in keys.reversed() { batch.put(key, key + [0xEE]) }
        try db.write(batch, sync: false)
    }

    static func sorted(_ keys: [[UInt8]]) -> [[UInt8]] {
        keys.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test func forwardScanIsInByteOrder() throws {
        try withTemporaryDatabase { db, _ in
            try Self.filled(db)
            let entries = try db.entries()
            #expect(entries.map(\.key) == Self.sorted(Self.keys))
            #expect(entries.allSatisfy { $0.value == $0.key + [0xEE] })
        }
    }

    @Test func reverseScanIsInDescendingByteOrder() throws {
        try withTemporaryDatabase { db, _ in
            try Self.filled(db)
            #expect(try db.entries(reverse: true).map(\.key) == Self.sorted(Self.keys).reversed())
        }
    }

    @Test func prefixScans() throws {
        try withTemporaryDatabase { db, _ in
            try Self.filled(db)
            let bKeys: [[UInt8]] = [b("b"), [0x62, 0x00], b("ba"), b("bb"), [0x62, 0xFF], [0x62, 0xFF, 0xFF]]
            #expect(try db.entries(prefix: b("b")).map(\.key) == bKeys)
            #expect(try db.entries(prefix: b("b"), reverse: true).map(\.key) == bKeys.reversed())
            // A prefix ending in 0xFF has no simple successor.
            #expect(try db.entries(prefix: [0x62, 0xFF]).map(\.key) == [[0x62, 0xFF], [0x62, 0xFF, 0xFF]])
            #expect(try db.entries(prefix: [0x62, 0xFF], reverse: true).map(\.key) == [[0x62, 0xFF, 0xFF], [0x62, 0xFF]])
            #expect(try db.entries(prefix: [0xFF], reverse: true).map(\.key) == [[0xFF, 0xFF], [0xFF]])
            #expect(try db.entries(prefix: b("z")).isEmpty)
            #expect(try db.entries(prefix: b("z"), reverse: true).isEmpty)
            #expect(try db.entries(prefix: b("bc")).isEmpty)
            #expect(try db.entries(prefix: b("bc"), reverse: true).isEmpty)
        }
    }

    @Test func startBoundIsInclusiveInBothDirections() throws {
        try withTemporaryDatabase { db, _ in
            try Self.filled(db)
            #expect(try db.entries(prefix: b("b"), from: b("ba")).map(\.key) == [b("ba"), b("bb"), [0x62, 0xFF], [0x62, 0xFF, 0xFF]])
            // A start between keys begins at the next key forward, the previous key in reverse.
            #expect(try db.entries(prefix: b("b"), from: b("baa")).map(\.key).first == b("bb"))
            #expect(try db.entries(prefix: b("b"), from: b("baa"), reverse: true).map(\.key) == [b("ba"), [0x62, 0x00], b("b")])
            #expect(try db.entries(prefix: b("b"), from: b("ba"), reverse: true).map(\.key) == [b("ba"), [0x62, 0x00], b("b")])
            // A start before the prefix range starts at the range; after it, nothing forward.
            #expect(try db.entries(prefix: b("b"), from: b("a")).count == 6)
            #expect(try db.entries(prefix: b("b"), from: b("c")).isEmpty)
            // In reverse, a start above the range starts at its end; below it, nothing.
            #expect(try db.entries(prefix: b("b"), from: b("c"), reverse: true).count == 6)
            #expect(try db.entries(prefix: b("b"), from: b("a"), reverse: true).isEmpty)
            // Starts beyond every key.
            #expect(try db.entries(from: [0xFF, 0xFF, 0xFF]).isEmpty)
            #expect(try db.entries(from: [0xFF, 0xFF, 0xFF], reverse: true).first?.key == [0xFF, 0xFF])
            #expect(try db.entries(from: [], reverse: true).isEmpty)
        }
    }

    @Test func limit() throws {
        try withTemporaryDatabase { db, _ in
            try Self.filled(db)
            #expect(try db.entries(limit: 3).map(\.key) == Array(Self.sorted(Self.keys).prefix(3)))
            #expect(try db.entries(prefix: b("b"), reverse: true, limit: 2).map(\.key) == [[0x62, 0xFF, 0xFF], [0x62, 0xFF]])
            #expect(try db.entries(limit: 0).isEmpty)
            #expect(try db.entries(limit: 1000).count == Self.keys.count)
            #expect(throws: LevelDBError.invalidArgument("limit must not be negative, got -1")) {
                try db.entries(limit: -1)
            }
        }
    }

    @Test func cursorMovesBothWays() throws {
        try withTemporaryDatabase { db, _ in
            try Self.filled(db)
            let cursor = try db.iterator()
            #expect(!cursor.isValid)
            #expect(cursor.key == nil)
            #expect(cursor.value == nil)
            cursor.next() // ignored while unpositioned
            cursor.seek(to: b("b\u{01}"))
            #expect(cursor.key == b("ba"))
            #expect(cursor.value == b("ba") + [0xEE])
            cursor.prev()
            #expect(cursor.key == [0x62, 0x00])
            cursor.seekToFirst()
            #expect(cursor.key == [0x00])
            cursor.prev()
            #expect(!cursor.isValid)
            cursor.seekToLast()
            #expect(cursor.key == [0xFF, 0xFF])
            cursor.next()
            #expect(!cursor.isValid)
            try cursor.checkError()

            var walked: [[UInt8]] = []
            cursor.seekToFirst()
            while let key = cursor.key {
                walked.append(key)
                cursor.next()
            }
            try cursor.checkError()
            #expect(walked == Self.sorted(Self.keys))
        }
    }

    @Test func emptyDatabase() throws {
        try withTemporaryDatabase { db, _ in
            #expect(try db.entries().isEmpty)
            #expect(try db.entries(reverse: true).isEmpty)
            let cursor = try db.iterator()
            cursor.seekToFirst()
            #expect(!cursor.isValid)
            cursor.seekToLast()
            #expect(!cursor.isValid)
        }
    }

    @Test func prefixEnd() {
        #expect(LevelDB.prefixEnd([]) == nil)
        #expect(LevelDB.prefixEnd([0xFF, 0xFF]) == nil)
        #expect(LevelDB.prefixEnd([0x01, 0xFF]) == [0x02])
        #expect(LevelDB.prefixEnd([0x01, 0x02]) == [0x01, 0x03])
    }
}
