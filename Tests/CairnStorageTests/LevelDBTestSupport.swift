import Foundation
@testable import CairnStorage

/// Runs `body` with the path of a fresh, empty temporary directory that is removed afterwards
/// (after every database opened inside `body` has been released).
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cairn-leveldb-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

/// Runs `body` with a database opened in a fresh temporary directory.
func withTemporaryDatabase<R>(
    options: LevelDB.Options = .init(),
    _ body: (LevelDB, String) throws -> R
) throws -> R {
    try withTemporaryDirectory { path in
        let db = try LevelDB(path: path + "/db", options: options)
        defer { db.close() }
        return try body(db, path + "/db")
    }
}

/// Bytes of a UTF-8 string, for readable keys.
func b(_ string: String) -> [UInt8] { Array(string.utf8) }

/// A small deterministic generator (SplitMix64) so that randomised tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
