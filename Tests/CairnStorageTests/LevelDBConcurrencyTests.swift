import Foundation
import Testing
@testable import CairnStorage

/// The handle is shared across tasks without locks of its own around LevelDB calls; these tests
/// drive it from several tasks at once (outcomes are checked, not timings).
@Suite("LevelDB concurrent use")
struct LevelDBConcurrencyTests {
    @Test func concurrentWritersAndReaders() async throws {
        try await withTemporaryDirectoryAsync { directory in
            let db = try LevelDB(path: directory + "/db")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for index in 0..<250 {
                            var batch = WriteBatch()
                            batch.put(b("w\(writer)/\(index)"), b("\(index)"))
                            batch.put(b("last/\(writer)"), b("\(index)"))
                            try db.write(batch, sync: false)
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<100 {
                        // A snapshot read is internally consistent even while writers run.
                        let snapshot = try db.snapshot()
                        for writer in 0..<4 {
                            guard let last = try db.get(b("last/\(writer)"), snapshot: snapshot) else { continue }
                            let index = String(decoding: last, as: UTF8.self)
                            #expect(try db.get(b("w\(writer)/\(index)"), snapshot: snapshot) == last)
                        }
                    }
                }
                try await group.waitForAll()
            }
            for writer in 0..<4 {
                #expect(try db.entries(prefix: b("w\(writer)/")).count == 250)
                #expect(try db.get(b("last/\(writer)")) == b("249"))
            }
        }
    }

    @Test func closeWhileOtherTasksReadIsSafe() async throws {
        try await withTemporaryDirectoryAsync { directory in
            let db = try LevelDB(path: directory + "/db")
            try db.put(b("k"), b("v"))
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        for _ in 0..<500 {
                            do throws(LevelDBError) {
                                let value = try db.get(b("k"))
                                #expect(value == b("v"))
                            } catch {
                                #expect(error == .closed)
                            }
                        }
                    }
                }
                group.addTask { db.close() }
            }
            #expect(db.isClosed)
        }
    }
}

/// `withTemporaryDirectory` for async bodies.
func withTemporaryDirectoryAsync<R>(_ body: (String) async throws -> R) async throws -> R {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("cairn-leveldb-tests-\(UUID().uuidString)", isDirectory: true).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
