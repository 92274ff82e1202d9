import Testing
import CairnTestSupport
@testable import CairnStorage

/// Randomised model checking: a database driven by random batches must always hold exactly what
/// a dictionary driven by the same operations holds, in byte order, and snapshots must keep
/// showing the model as it was when they were taken. Seeds are fixed so a failure reproduces.
@Suite("LevelDB against a model dictionary")
struct LevelDBModelTests {
    typealias Model = [[UInt8]: [UInt8]]

    /// Keys from a tiny alphabet including 0x00 and 0xFF, so that operations collide often and
    /// prefix relations between keys are common.
    static func randomKey(_ generator: inout SeededGenerator) -> [UInt8] {
        let alphabet: [UInt8] = [0x00, 0x01, 0x7F, 0xFF]
        let length = Int.random(in: 0...3, using: &generator)
        return (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
    }

    static func randomValue(_ generator: inout SeededGenerator) -> [UInt8] {
        let length = Int.random(in: 0...6, using: &generator)
        return (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func sortedEntries(_ model: Model, prefix: [UInt8] = []) -> [(key: [UInt8], value: [UInt8])] {
        model.filter { $0.key.starts(with: prefix) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map { (key: $0.key, value: $0.value) }
    }

    static func same(_ lhs: [(key: [UInt8], value: [UInt8])], _ rhs: [(key: [UInt8], value: [UInt8])]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func randomBatchesMatchTheModel(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        try withTemporaryDirectory { directory in
            let path = directory + "/db"
            var db = try LevelDB(path: path, options: .init(writeBufferBytes: 64 << 10))
            var model: Model = [:]
            var snapshots: [(snapshot: LevelDB.Snapshot, model: Model)] = []

            for step in 0..<60 {
                var batch = WriteBatch()
                for _ in 0..<Int.random(in: 1...20, using: &generator) {
                    let key = Self.randomKey(&generator)
                    if Bool.random(using: &generator) {
                        let value = Self.randomValue(&generator)
                        batch.put(key, value)
                        model[key] = value
                    } else {
                        batch.delete(key)
                        model[key] = nil
                    }
                }
                try db.write(batch, sync: Bool.random(using: &generator))

                let all = try db.entries()
                #expect(Self.same(all, Self.sortedEntries(model)), "seed \(seed) step \(step)")

                let prefix = Self.randomKey(&generator)
                let expected = Self.sortedEntries(model, prefix: prefix)
                #expect(Self.same(try db.entries(prefix: prefix), expected), "seed \(seed) step \(step) prefix \(prefix)")
                #expect(Self.same(try db.entries(prefix: prefix, reverse: true), expected.reversed()), "seed \(seed) step \(step) reverse prefix \(prefix)")

                let start = Self.randomKey(&generator)
                let limit = Int.random(in: 0...5, using: &generator)
                let forward = expected.filter { !$0.key.lexicographicallyPrecedes(start) }.prefix(limit)
                #expect(Self.same(try db.entries(prefix: prefix, from: start, limit: limit), Array(forward)))
                let backward = expected.reversed().filter { !start.lexicographicallyPrecedes($0.key) }.prefix(limit)
                #expect(Self.same(try db.entries(prefix: prefix, from: start, reverse: true, limit: limit), Array(backward)))

                let probe = Self.randomKey(&generator)
                #expect(try db.get(probe) == model[probe])

                switch Int.random(in: 0..<10, using: &generator) {
                case 0:
                    snapshots.append((try db.snapshot(), model))
                case 1:
                    // Reopen: everything written so far must survive a clean close.
                    snapshots.removeAll()
                    db.close()
                    db = try LevelDB(path: path, options: .init(createIfMissing: false))
                case 2:
                    try db.compact()
                default:
                    break
                }
                for (snapshot, old) in snapshots {
                    #expect(Self.same(try db.entries(snapshot: snapshot), Self.sortedEntries(old)))
                }
            }
        }
    }
}
