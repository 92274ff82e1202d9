import CairnCore
import Foundation
import Testing

/// `cairn storage` as a client and a provider run it, against a real devnet process: a storage
/// device onboarded and registered, a deal proposed for a real file and accepted, one period
/// proven from the file and the next answered from another file, which the chain records as
/// the fault `invalid_proof`.
@Suite("Storage CLI against a devnet", .serialized)
struct StorageCLITests: CLISuite {
    static let alice = DevnetAccounts.alice, bob = DevnetAccounts.bob
    static let wallet = ["CAIRN_PASSPHRASE": "storage", "CAIRN_KEYSTORE_SCRYPT_N": "1024"]

    /// The devnet genesis with 60-block periods whose last 40 blocks take proofs: 10 s at 250 ms
    /// blocks, so a machine busy with the other integration tests still answers in time (4 s was
    /// seen to be too short).
    static func genesis(in directory: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: NodeProcess.repoRoot + "/genesis/devnet.json"))
        var genesis = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var params = try #require(genesis["params"] as? [String: Any])
        var storage = params["storage"] as? [String: Any] ?? [:]
        storage["proving_period"] = 60
        storage["proof_window"] = 40
        params["storage"] = storage
        genesis["params"] = params
        let path = directory + "/genesis.json"
        try JSONSerialization.data(withJSONObject: genesis, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func proposeAcceptProveAndFault() async throws {
        let home = temporaryDirectory("storage")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(
            ["devnet", "--home", home + "/node", "--genesis", try Self.genesis(in: home),
             "--keys", NodeProcess.repoRoot + "/genesis/devnet-keys.json", "--block-interval-ms", "250"],
            logPath: home + "/node.log")
        defer { _ = node.terminate() }
        let rpc = ["--rpc", node.rpcURL], keyring = ["--home", home + "/wallet"]
        let send = keyring + rpc + ["--wait"]
        try importDevnetKeys(keyring)

        // Bob's storage device, vouched for by the devnet maker.
        let deviceFile = home + "/provider.json"
        let device = try onboardDevnetDevice(file: deviceFile, kind: "storage", owner: Self.bob, from: "bob", keyring: keyring, send: send)

        // Capacity needs collateral (1 CAIRN per GiB on the devnet); the node says which rule.
        let register = ["storage", "register-provider", "--from", "bob", "--device", device, "--capacity", "1048576"] + send
        #expect(try refused(register + ["--collateral", "0"]).contains("insufficient_provider_collateral"))
        #expect(try json(register + ["--collateral", "1cairn"])["status"] == "committed")
        let provider = try json(["storage", "provider", device] + rpc)
        #expect(provider["capacity"] == 1_048_576 && provider["collateral"] == "1000000000000000000", "\(provider)")

        // 3 000 bytes: three chunks of 1 KiB, the last zero-padded.
        let dataFile = home + "/data.bin", otherFile = home + "/other.bin"
        try Data((0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: URL(fileURLWithPath: dataFile))
        try Data((0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 1) }).write(to: URL(fileURLWithPath: otherFile))
        let root = try json(["storage", "root", dataFile])
        #expect(root["chunks"] == 3 && root["size"] == 3_000)

        let proposed = try json(["storage", "deal", "propose", "--from", "alice", "--provider", device, "--file", dataFile,
                                 "--price", "0.01cairn", "--periods", "2", "--collateral", "0.005cairn"] + send)
        #expect(proposed["status"] == "committed" && proposed["data_root"] == root["root"], "\(proposed)")
        #expect(try refused(["storage", "deal", "accept", "--from", "alice", "--deal", "1"] + send).contains("not_owner"))
        #expect(try json(["storage", "deal", "accept", "--from", "bob", "--deal", "1"] + send)["status"] == "committed")
        let listed = try json(["storage", "deal", "list", "--client", Self.alice] + rpc)
        #expect(listed["deals"]?[0]?["status"] == "active" && listed["deals"]?[0]?["data_root"] == root["root"], "\(listed)")

        // Each period: wait for its challenge to be drawn, answer it, read the outcome back.
        let prove = ["storage", "prove", "--deal", "1", "--device-key-file", deviceFile] + rpc
        for (period, file, outcome) in [(0, dataFile, "proven"), (1, otherFile, "fault")] {
            _ = try await eventually("period \(period)'s challenge", timeout: .seconds(90)) { () -> JSONValue? in
                let deal = try json(["storage", "deal", "show", "1"] + rpc)
                guard deal["challenge"]?["period"] == .integer(Int64(period)), deal["challenge"]?["indices"]?.arrayValue != nil else { return nil }
                return deal
            }
            #expect(try json(prove + ["--file", file])["period"] == .integer(Int64(period)))
            let decided = try await eventually("period \(period)'s outcome", timeout: .seconds(90)) { () -> JSONValue? in
                let periods = try json(["storage", "deal", "periods", "1"] + rpc)["periods"]?.arrayValue ?? []
                guard periods.count > period else { return nil }
                return periods[period]
            }
            #expect(decided["outcome"] == .string(outcome), "\(decided)")
            if outcome == "fault" { #expect(decided["reason"] == "invalid_proof" && decided["slashed"] != "0", "\(decided)") }
        }
        let ended = try await eventually("the deal's end", timeout: .seconds(90)) { () -> JSONValue? in
            let deal = try json(["storage", "deal", "show", "1"] + rpc)
            guard deal["status"] == "completed" else { return nil }
            return deal
        }
        #expect(ended["proven"] == 1 && ended["faults"] == 1 && ended["paid"] == "10000000000000000" && ended["escrow"] == "0", "\(ended)")
        #expect(try ok(["storage", "deal", "periods", "1"] + rpc).contains("fault invalid_proof"))
    }
}
