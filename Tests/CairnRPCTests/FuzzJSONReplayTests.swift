import CairnCore
import CairnRPC
import Foundation
import Testing

/// Replays the committed FuzzJSON inputs (Tests/Fuzz/FuzzJSON) through the fuzz target's checks
/// (FuzzTesting/Sources/FuzzJSON): parsing never traps, what parses serialises to JSON that
/// parses back equal, and the dispatcher answers with valid JSON or nothing.
@Suite("FuzzJSON replay")
struct FuzzJSONReplayTests {
    static var inputs: [URL] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/FuzzJSON")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasSuffix(".md") }.map { directory.appendingPathComponent($0) }
    }

    @Test func replaysEveryInput() async throws {
        let files = Self.inputs
        #expect(!files.isEmpty)
        let dispatcher = JSONRPCDispatcher(registry: RPCRegistry())
        for file in files {
            let data = Array(try Data(contentsOf: file))
            if let value = try? JSONText.parse(data) {
                #expect(try JSONText.parse(JSONText.bytes(value)) == value, "\(file.lastPathComponent)")
            }
            if let response = await dispatcher.handle(body: data) {
                #expect((try? JSONText.parse(response)) != nil, "\(file.lastPathComponent)")
            }
        }
    }
}
