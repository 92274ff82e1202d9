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

