import CairnCore
import Foundation
import Testing

/// Runs `cairn ARGS`, feeding `input` to standard input, with `environment` added to this
/// process's environment; returns (exit status, stdout, stderr).
@discardableResult
func cairn(_ arguments: [String], input: String? = nil,
           environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: NodeProcess.binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// A suite that runs `cairn` as one wallet: every run gets the suite's environment (its
/// passphrase and a cheap keystore work factor).
protocol CLISuite {
    static var wallet: [String: String] { get }
}

extension CLISuite {
    /// `cairn ARGS` that must succeed: its standard output.
    func ok(_ arguments: [String], input: String? = nil) throws -> String {
        let run = try cairn(arguments, input: input, environment: Self.wallet)
        #expect(run.status == 0, "cairn \(arguments.joined(separator: " ")): \(run.err)")
        return run.out
    }

    func json(_ arguments: [String]) throws -> JSONValue { try JSONText.parse(try ok(arguments + ["--json"])) }

    /// `cairn ARGS` that must fail: its standard error.
    func refused(_ arguments: [String]) throws -> String {
        let run = try cairn(arguments, environment: Self.wallet)
        #expect(run.status != 0, "cairn \(arguments.joined(separator: " ")) should have failed: \(run.out)")
        return run.err
    }
}

/// The devnet's public test accounts and maker (genesis/devnet-keys.json), as the CLI tests use them.
enum DevnetAccounts {
    static let alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    static let bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
    static let aliceKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
    static let bobKey = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"
}

extension CLISuite {
    /// Imports alice, bob and the devnet maker (as `acme`) into the keyring `--home` names.
    func importDevnetKeys(_ keyring: [String]) throws {
        _ = try ok(["keys", "import", "alice"] + keyring, input: DevnetAccounts.aliceKey + "\n")
        _ = try ok(["keys", "import", "bob"] + keyring, input: DevnetAccounts.bobKey + "\n")
        let devnetKeys = try JSONText.parse(Array(try #require(FileManager.default.contents(atPath: NodeProcess.repoRoot + "/genesis/devnet-keys.json"))))
        _ = try ok(["keys", "import", "acme"] + keyring, input: try #require(devnetKeys["maker"]?["private_key"]?.stringValue) + "\n")
    }

    /// A new device key in `file`, vouched for by the devnet maker for `owner` and onboarded by the
    /// keyring's `from` (who must be `owner`); returns the device id.
    func onboardDevnetDevice(file: String, kind: String, owner: String, from: String, keyring: [String],
                             send: [String]) throws -> String {
        let device = try #require(try json(["device", "new-key", "--out", file])["device"]?.stringValue)
        let signature = try ok(["maker", "sign-device", "--maker", "acme", "--device-key-file", file, "--owner", owner,
                                "--kind", kind, "--chain-id", "cairn-devnet"] + keyring).trimmingCharacters(in: .whitespacesAndNewlines)
        let onboarded = try json(["device", "onboard", "--from", from, "--device-key-file", file, "--kind", kind,
                                  "--maker-signature", signature] + send)
        #expect(onboarded["status"] == "committed", "\(onboarded)")
        return device
    }
}
