import Foundation
import Testing

/// `cairn devnet` started outside the repository: without flags it finds genesis/devnet.json and
/// genesis/devnet-keys.json in the repository the binary was built in; a flag naming a missing
/// file, or no files anywhere, is an error saying what to pass.
@Suite("Devnet from another directory")
struct DevnetElsewhereTests {
    @Test func startsFromATemporaryDirectoryWithoutFlags() async throws {
        let dir = temporaryDirectory("elsewhere")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let node = try await NodeProcess(["devnet", "--block-interval-ms", "100"], logPath: dir + "/node.log",
                                         workingDirectory: dir)
        let status = try await node.client.call("node_status")
        #expect(status["chain_id"]?.stringValue == "cairn-devnet")
        // The default home is in the working directory; the genesis came from the repository.
        #expect(FileManager.default.fileExists(atPath: dir + "/devnet-data/config/genesis.json"))
        #expect(node.log.contains("Initialised devnet in ./devnet-data from \(Self.realRepoRoot)/genesis/devnet.json"))
        #expect(node.terminate() == 0)
    }

    @Test func missingExplicitFileNamesTheFlag() throws {
        let dir = temporaryDirectory("elsewhere-flag")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for flag in ["--genesis", "--keys"] {
            let result = try runToEnd(NodeProcess.binary, ["devnet", "--home", dir + "/home", flag, dir + "/missing.json"], in: dir)
            #expect(result.status != 0)
            #expect(result.output.contains("cannot read \(dir)/missing.json (given with \(flag) FILE)"), "\(result.output)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/home/config"))
        }
    }

    /// Through a symbolic link the binary still finds its repository (its real path is walked up).
    /// An invalid port stops it right after initialising the home, which shows where the genesis
    /// came from.
    @Test func symlinkedBinaryFindsItsRepository() throws {
        let dir = temporaryDirectory("elsewhere-link")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/cairn", withDestinationPath: NodeProcess.binary)
        let result = try runToEnd(dir + "/cairn", ["devnet", "--home", "h", "--rpc-port", "70000"], in: dir)
        #expect(result.output.contains("Initialised devnet in h from \(Self.realRepoRoot)/genesis/devnet.json"), "\(result.output)")
        #expect(result.output.contains("--rpc-port must be between 0 and 65535"))
    }

    /// The binary outside any repository, run where there is no genesis/: the error lists the paths.
    @Test func nothingFoundListsWhatWasLookedFor() throws {
        let dir = temporaryDirectory("elsewhere-copy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A hard link where the file systems allow it (its path is its real path), else a copy.
        if (try? FileManager.default.linkItem(atPath: NodeProcess.binary, toPath: dir + "/cairn")) == nil {
            try FileManager.default.copyItem(atPath: NodeProcess.binary, toPath: dir + "/cairn")
        }
        let result = try runToEnd(dir + "/cairn", ["devnet", "--home", dir + "/home"], in: dir)
        #expect(result.status != 0)
        let real = realPath(dir)
        #expect(result.output.contains("cannot find the devnet's files: looked for \(real)/genesis/devnet.json, "
            + "\(real)/genesis/devnet-keys.json, genesis/devnet.json in every directory above \(real)/cairn; "
            + "run from the repository root or pass --genesis FILE and --keys FILE"), "\(result.output)")
    }

    static var realRepoRoot: String { realPath(NodeProcess.repoRoot) }
}

/// `path` with every symbolic link resolved (as the binary sees its own location).
func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// Runs `executable ARGS` in `directory` to its end; stdout and stderr together.
func runToEnd(_ executable: String, _ arguments: [String], in directory: String,
              environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
