import CairnRPC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The `cairn` command line as a user runs it, against a real devnet process.
@Suite("CLI against a devnet", .serialized)
struct CLITests {
    /// Runs `cairn ARGS`, feeding `input` to standard input; returns (exit status, stdout, stderr).
    @discardableResult
    func cairn(_ arguments: [String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NodeProcess.binary)
        process.arguments = arguments
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

    @Test func keysTransferAndQueries() async throws {
        let home = temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(
            ["devnet", "--home", home + "/node", "--genesis", NodeProcess.repoRoot + "/genesis/devnet.json",
             "--keys", NodeProcess.repoRoot + "/genesis/devnet-keys.json", "--block-interval-ms", "100"],
            logPath: home + "/node.log")
        let rpc = ["--rpc", node.rpcURL]
        let keyring = ["--home", home + "/wallet"]

        // Import the devnet's second account from its mnemonic (index 1), the way a wallet user would.
        let imported = try cairn(["keys", "import", "carol", "--mnemonic", "--index", "1"] + keyring,
                                 input: "test test test test test test test test test test test junk\n")
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.contains("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"))
        let created = try cairn(["keys", "create", "dave", "--words", "12", "--json"] + keyring)
        #expect(created.status == 0)
        let dave = try JSONText.parse(created.out)["address"]?.stringValue ?? ""
        #expect(dave.hasPrefix("0x") && dave.count == 42)
        let list = try cairn(["keys", "list"] + keyring)
        #expect(list.out.contains("carol") && list.out.contains("dave"))
        let duplicate = try cairn(["keys", "create", "dave"] + keyring)
        #expect(duplicate.status != 0 && duplicate.err.contains("already exists"))

        let sent = try cairn(["tx", "transfer", "--from", "carol", "--to", dave, "--amount", "1.25cairn", "--wait", "--json"] + keyring + rpc)
        #expect(sent.status == 0, "\(sent.err)")
        let receipt = try JSONText.parse(sent.out)
        #expect(receipt["status"] == "committed")

        let account = try JSONText.parse(try cairn(["query", "account", dave, "--json"] + rpc).out)
        #expect(account["balance"] == "1250000000000000000")
        let tx = try cairn(["query", "tx", receipt["id"]?.stringValue ?? ""] + rpc)
        #expect(tx.out.contains("committed"))
        let status = try cairn(["query", "status"] + rpc)
        #expect(status.out.contains("cairn-devnet"))
        let block = try JSONText.parse(try cairn(["query", "block", "latest", "--json"] + rpc).out)
        #expect(block["header"]?["chain_id"] == "cairn-devnet")

        // Mistakes get a message that says what is wrong, and a non-zero exit.
        let badAmount = try cairn(["tx", "transfer", "--from", "carol", "--to", dave, "--amount", "lots"] + keyring + rpc)
        #expect(badAmount.status != 0 && badAmount.err.contains("is not an amount"))
        let broke = try cairn(["tx", "transfer", "--from", "dave", "--to", dave, "--amount", "5cairn"] + keyring + rpc)
        #expect(broke.status != 0 && broke.err.contains("insufficient funds"))
        let noNode = try cairn(["query", "status", "--rpc", "http://127.0.0.1:1"])
        #expect(noNode.status != 0 && noNode.err.contains("not reachable"))

        // The health endpoint answers plain GETs.
        let (data, response) = try await URLSession.shared.data(from: URL(string: node.rpcURL + "/health")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(try JSONText.parse(Array(data))["status"] == "ok")

        // A second node on the same data directory is refused plainly.
        let second = try cairn(["start", "--home", home + "/node", "--rpc-port", "0"])
        #expect(second.status != 0)
        #expect(second.err.contains("another process"), "\(second.err)")
        // A second node on the same RPC port is refused plainly too.
        let port = String(node.rpcURL.split(separator: ":").last ?? "")
        let clash = try cairn(["devnet", "--home", home + "/other", "--rpc-port", port,
                               "--genesis", NodeProcess.repoRoot + "/genesis/devnet.json",
                               "--keys", NodeProcess.repoRoot + "/genesis/devnet-keys.json"])
        #expect(clash.status != 0)
        #expect(clash.err.contains("the address is in use"), "\(clash.err)")
        #expect(node.terminate() == 0)
    }

    @Test func initThenStartRunsANewChain() async throws {
        let home = temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let initialised = try cairn(["init", "--home", home, "--chain-id", "my-net"])
        #expect(initialised.status == 0, "\(initialised.err)")
        let validator = try #require(initialised.out.split(separator: "\n").first { $0.contains("validator:") }?
            .split(separator: " ").last.map(String.init))
        let again = try cairn(["init", "--home", home])
        #expect(again.status != 0 && again.err.contains("already initialised"))

        let node = try await NodeProcess(["start", "--home", home, "--block-interval-ms", "50"], logPath: home + "/node.log")
        let status = try await eventually("a block") { () async throws -> JSONValue? in
            let s = try await node.client.call("node_status")
            return (s["latest_height"]?.integerValue ?? 0) >= 2 ? s : Optional<JSONValue>.none
        }
        #expect(status["chain_id"] == "my-net")
        #expect(status["validator"] == .string(validator))
        let account = try await node.client.call("state_getAccount", ["address": .string(validator)])
        #expect(account["balance"] == "1000000000000000000000000")
        #expect(node.terminate() == 0)
        #expect(node.log.contains("node stopped cleanly"))
    }

    @Test func benchPrintsFigures() throws {
        let run = try cairn(["bench", "transfers", "--txs", "300", "--accounts", "10"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("committed transfers:"))
        #expect(run.out.contains("ratio committed / recover"))
    }
}
