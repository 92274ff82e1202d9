import Foundation
import Testing

/// A node started with the usual soft limit of open files raises it to the hard limit, and warns
/// when even the hard limit is below what its configuration may hold open.
@Suite("Open file limit", .serialized)
struct OpenFileLimitTests {
    /// Starts `cairn devnet` under `ulimit LIMITS` and returns its "Max open files" soft and hard
    /// limits once it serves JSON-RPC, with its log.
    static func run(ulimit limits: String) async throws -> (soft: String, hard: String, log: String) {
        let home = temporaryDirectory("nofile")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let logPath = home + "/node.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit \(limits) && exec \"$@\"", "bash", NodeProcess.binary, "devnet", "--home", home + "/h",
                             "--genesis", NodeProcess.repoRoot + "/genesis/devnet.json",
                             "--keys", NodeProcess.repoRoot + "/genesis/devnet-keys.json", "--rpc-port", "0", "--p2p-port", "0"]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let text = { String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self) }
        // Early in the full suite two cores start dozens of nodes at once (and a debug build's
        // keystore import is slow): 30 s was seen to pass before this one served.
        _ = try await eventually("the node to serve JSON-RPC", timeout: .seconds(120)) { text().contains("JSON-RPC ready at") ? true : nil }
        let limits = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        return (String(fields[3]), String(fields[4]), text())
    }

    @Test func theSoftLimitIsRaisedToTheHardLimit() async throws {
        let hard = try String(contentsOfFile: "/proc/self/limits", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("Max open files") }!
            .split(separator: " ", omittingEmptySubsequences: true)[4]
        try #require(Int(hard).map { $0 > 300 } ?? true, "the hard limit here is too low to test raising it")
        let result = try await Self.run(ulimit: "-Sn 300")
        #expect(result.soft == result.hard && result.soft != "300", "soft \(result.soft), hard \(result.hard)")
    }

    @Test func aHardLimitBelowTheConfigurationIsReported() async throws {
        let result = try await Self.run(ulimit: "-n 1500")
        #expect(result.soft == "1500")
        #expect(result.log.contains("the open file limit is 1500, below the 2014 this configuration may use"), "\(result.log)")
    }
}
