import Foundation

/// Specs/vectors/*.json: produced by the tests' generators, then checked against them. With
/// CAIRN_WRITE_VECTORS=1 a test writes its file; otherwise it reads it back and must reproduce it.
public enum SpecVectors {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Specs/vectors", isDirectory: true)

    public static var writing: Bool { ProcessInfo.processInfo.environment["CAIRN_WRITE_VECTORS"] == "1" }

    /// Writing: stores `generated` (sorted keys, snake_case) and returns it. Otherwise: the stored
    /// file, for the caller to compare with `generated` and to check in the other direction.
    public static func load<F: Codable>(_ name: String, generated: F) throws -> F {
        let url = directory.appendingPathComponent(name)
        if writing {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try (encoder.encode(generated) + Data("\n".utf8)).write(to: url)
            return generated
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(F.self, from: Data(contentsOf: url))
    }
}
