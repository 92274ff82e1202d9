import CairnRPC
import Foundation

/// A real `cairn` process on loopback, for end-to-end tests.
final class NodeProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String
    private(set) var rpcURL = ""
    /// Where this process's output starts in the log file.
    private var logStart = 0

    static var repoRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The `cairn` binary built next to the test bundle (or CAIRN_BINARY).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CAIRN_BINARY"] { return path }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [besideTests, besideTests.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("cairn").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return repoRoot + "/.build/debug/cairn"
    }

    /// `cairn devnet` in `home` from the repository's genesis/ files, with 100 ms blocks.
    static func devnetArguments(_ home: String) -> [String] {
        ["devnet", "--home", home,
         "--genesis", repoRoot + "/genesis/devnet.json",
         "--keys", repoRoot + "/genesis/devnet-keys.json",
         "--block-interval-ms", "100"]
    }

    /// Starts `cairn ARGS --rpc-port 0 --p2p-port 0` (unless ARGS name ports) and waits until its
    /// JSON-RPC answers; in `workingDirectory` if given, else in the test's.
    init(_ arguments: [String], logPath: String, workingDirectory: String? = nil) async throws {
        self.logPath = logPath
        if !FileManager.default.fileExists(atPath: logPath) {
            FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        // Only what this process appends counts: an earlier process may have logged its port here.
        logStart = Int(try log.seekToEnd())
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
            + (arguments.contains("--rpc-port") ? [] : ["--rpc-port", "0"])
            + (arguments.contains("--p2p-port") ? [] : ["--p2p-port", "0"])
        process.standardOutput = log
        process.standardError = log
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            if let port = readPort() {
                rpcURL = "http://127.0.0.1:\(port)"
                return
            }
            guard process.isRunning else { throw TestFailure("cairn exited early:\n\(self.log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("cairn did not report its RPC port:\n\(self.log)")
    }

    /// This process's part of the log file.
    var log: String {
        guard let data = FileManager.default.contents(atPath: logPath), data.count >= logStart else { return "" }
        return String(decoding: data[logStart...], as: UTF8.self)
    }

    private func readPort() -> Int? {
        // The "JSON-RPC ready at http://127.0.0.1:PORT" line of this process.
        guard let line = log.split(separator: "\n").last(where: { $0.contains("JSON-RPC ready at") }),
              let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else { return nil }
        return port
    }

    var client: JSONRPCClient { JSONRPCClient(url: rpcURL) }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "cairn-it-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Polls `body` until it returns a value or the time runs out.
func eventually<T>(_ what: String, timeout: Duration = .seconds(30), _ body: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if let v = try await body() { return v }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TestFailure("timed out waiting for \(what)")
}
