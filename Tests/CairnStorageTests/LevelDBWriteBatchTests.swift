import Testing
@testable import CairnStorage

@Suite("LevelDB write batches")
struct LevelDBWriteBatchTests {
    @Test func batchRecordsOperationsInOrder() {
        var batch = WriteBatch()
        #expect(batch.isEmpty)
        #expect(batch.count == 0)
        #expect(batch.approximateBytes == 12)
        batch.put(b("k"), b("v"))
        batch.delete(b("k"))
        #expect(batch.count == 2)
        #expect(!batch.isEmpty)
        #expect(batch.operations == [.put(key: b("k"), value: b("v")), .delete(key: b("k"))])
        #expect(batch.operations.map(\.key) == [b("k"), b("k")])
        // LevelDB's encoding: header, then tag + len + "k" + len + "v", then tag + len + "k".
        #expect(batch.approximateBytes == 12 + 5 + 3)
        batch.removeAll()
        #expect(batch.isEmpty)
        #expect(batch.approximateBytes == 12)
    }

    @Test func approximateBytesCountsMultiByteLengths() {
        var batch = WriteBatch()
        batch.put([UInt8](repeating: 1, count: 200), [UInt8](repeating: 2, count: 20_000))
        // 200 needs a 2-byte varint, 20,000 a 3-byte one.
        #expect(batch.approximateBytes == 12 + 1 + 2 + 200 + 3 + 20_000)
    }

    @Test func appendKeepsOrderAndSizes() {
        var first = WriteBatch()
        first.put(b("a"), b("1"))
        var second = WriteBatch()
        second.delete(b("a"))
        second.put(b("b"), b("2"))
        var combined = first
        combined.append(contentsOf: second)
        #expect(combined.operations == first.operations + second.operations)
        #expect(combined.approximateBytes == first.approximateBytes + second.approximateBytes - 12)
        // Value semantics: the originals are unchanged.
        #expect(first.count == 1)
        #expect(second.count == 2)
    }

    @Test func laterOperationsOnTheSameKeyWin() throws {
        try withTemporaryDatabase { db, _ in
            try db.put(b("gone"), b("before"))
            var batch = WriteBatch()
            batch.put(b("gone"), b("x"))
            batch.delete(b("gone"))
            batch.delete(b("back"))
            batch.put(b("back"), b("y"))
            batch.put(b("twice"), b("1"))
            batch.put(b("twice"), b("2"))
            try db.write(batch, sync: true)
            #expect(try db.get(b("gone")) == nil)
            #expect(try db.get(b("back")) == b("y"))
            #expect(try db.get(b("twice")) == b("2"))
        }
    }

    @Test func batchIsAtomicForReaders() throws {
        try withTemporaryDatabase { db, _ in
            try db.put(b("a"), b("0"))
            let before = try db.snapshot()
            var batch = WriteBatch()
            for index in 0..<100 {
                batch.put(b("key\(index)"), b("\(index)"))
            }
            batch.delete(b("a"))
            try db.write(batch, sync: false)
            let after = try db.snapshot()
            // Every snapshot sees all of the batch or none of it.
            #expect(try db.entries(snapshot: before).map(\.key) == [b("a")])
            let visible = try db.entries(snapshot: after)
            #expect(visible.count == 100)
            #expect(try db.get(b("a"), snapshot: after) == nil)
        }
    }

    @Test func emptyBatchWritesNothing() throws {
        try withTemporaryDatabase { db, _ in
            try db.write(WriteBatch(), sync: true)
            #expect(try db.entries().isEmpty)
        }
    }
}
