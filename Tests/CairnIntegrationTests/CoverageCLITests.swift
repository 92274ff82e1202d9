import CairnCore
import Foundation
import Testing

/// `cairn coverage` as two hotspots' owners run it against a real devnet process: a challenge the
/// chain drew, a witness's signed receipt, the challengee's attestation through `attest_submit`,
/// and the verdicts, history and refusals read back.
@Suite("Coverage CLI against a devnet", .serialized)
struct CoverageCLITests: CLISuite {
    static let alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    static let wallet = ["CAIRN_PASSPHRASE": "coverage", "CAIRN_KEYSTORE_SCRYPT_N": "1024"]

    @Test func aWitnessedBeaconGetsItsVerdictsOnChain() async throws {
        let home = temporaryDirectory("coverage")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(NodeProcess.devnetArguments(home + "/node"), logPath: home + "/node.log")
        let rpc = ["--rpc", node.rpcURL], keyring = ["--home", home + "/wallet"]
        _ = try ok(["keys", "import", "alice"] + keyring, input: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d\n")
        let devnetKeys = try JSONText.parse(Array(try #require(FileManager.default.contents(atPath: NodeProcess.repoRoot + "/genesis/devnet-keys.json"))))
        _ = try ok(["keys", "import", "acme"] + keyring, input: try #require(devnetKeys["maker"]?["private_key"]?.stringValue) + "\n")

        // Two hotspots in Berlin about 1.4 km apart, onboarded and located by alice.
        var ids: [String] = []
        for (i, longitude) in ["13.404954", "13.425954"].enumerated() {
            let file = home + "/hotspot\(i).json"
            ids.append(try #require(try json(["device", "new-key", "--out", file])["device"]?.stringValue))
            let signature = try ok(["maker", "sign-device", "--maker", "acme", "--device-key-file", file, "--owner", Self.alice,
                                    "--kind", "hotspot", "--chain-id", "cairn-devnet"] + keyring)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try ok(["device", "onboard", "--from", "alice", "--device-key-file", file, "--kind", "hotspot",
                        "--maker-signature", signature, "--wait"] + keyring + rpc)
            _ = try ok(["device", "assert-location", "--from", "alice", "--device-key-file", file, "--latitude", "52.520008",
                        "--longitude", longitude, "--elevation", "34", "--antenna-gain", "3.0", "--wait"] + keyring + rpc)
        }

        // With two located hotspots the devnet challenges one per block: take the next block's.
        var height: Int64 = 0, challengee = ""
        for _ in 0..<50 {
            let c = try json(["coverage", "challenges"] + rpc)
            if let first = c["challenges"]?.arrayValue?.first, let id = first["challengee"]?.stringValue, first["attested"] == false {
                height = c["challenge_height"]?.integerValue ?? 0
                challengee = id
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let c = try #require(ids.firstIndex(of: challengee), "no challenge of the two hotspots appeared")
        let w = 1 - c
        let receipt = try ok(["coverage", "witness", "--device-key-file", home + "/hotspot\(w).json", "--height", String(height),
                              "--challengee", challengee, "--rssi", "-97.5", "--snr", "6.5"] + rpc)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // A second receipt of the same witness, claiming a signal free space cannot deliver over
        // 1.4 km: refused as a duplicate, the earlier rule.
        let second = try ok(["coverage", "witness", "--device-key-file", home + "/hotspot\(w).json", "--height", String(height),
                               "--challengee", challengee, "--rssi", "-20", "--snr", "6.5"] + rpc)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let submitted = try json(["coverage", "beacon", "--device-key-file", home + "/hotspot\(c).json", "--height", String(height),
                                  "--receipt", receipt, "--receipt", second] + rpc)
        let beacon = try #require(submitted["beacon_id"]?.stringValue)

        // The attestation lands in a block within the challenge window; every receipt has its verdict.
        var results: JSONValue = .null
        for _ in 0..<50 {
            let run = try cairn(["coverage", "witnesses", beacon, "--json"] + rpc, environment: Self.wallet)
            if run.status == 0 { results = try JSONText.parse(run.out); break }
            #expect(run.err.contains("no accepted attestation"), "\(run.err)")
            try await Task.sleep(for: .milliseconds(200))
        }
        // The same challenge again, at once, is refused by the node with the rule's reason. A loaded
        // machine can carry the devnet past the 20-block challenge window first, and the window
        // rule comes before the duplicate rule (Specs/depin/coverage.md §6.1): then the node must
        // say so, and its tip must really be past the window.
        let again = try cairn(["coverage", "beacon", "--device-key-file", home + "/hotspot\(c).json", "--height", String(height)] + rpc,
                              environment: Self.wallet)
        #expect(again.status != 0, "\(again.out)")
        if again.err.contains("challenge_expired") {
            let tip = try json(["coverage", "challenges"] + rpc)["challenge_height"]?.integerValue ?? 0
            #expect(tip + 1 > height + 20, "refused as expired with the tip at \(tip): \(again.err)")
        } else {
            #expect(again.err.contains("already_attested"), "\(again.err)")
        }
        let verdicts = results["witnesses"]?.arrayValue?.map { $0["verdict"]?.stringValue ?? "?" }
        #expect(verdicts == ["valid", "duplicate_witness"], "\(results)")
        // The text form says why, with the numbers compared.
        #expect(try ok(["coverage", "witnesses", beacon] + rpc).contains("valid"))
        let history = try json(["coverage", "history", ids[w]] + rpc)["history"]?.arrayValue ?? []
        #expect(history.map { $0["verdict"]?.stringValue } == ["valid"])
        let own = try json(["coverage", "history", challengee] + rpc)["history"]?.arrayValue ?? []
        #expect(own.first?["role"]?.stringValue == "beacon" && own.first?["selected"]?.integerValue == 1)

        // A hotspot not challenged at that height is told so before anything is signed.
        let notChallenged = try cairn(["coverage", "beacon", "--device-key-file", home + "/hotspot\(w).json", "--height", String(height)] + rpc,
                                      environment: Self.wallet)
        #expect(notChallenged.status != 0 && notChallenged.err.contains("was not challenged at height"), "\(notChallenged.err)")
        // The epoch of the including height counts it (devnet epochs are 100 blocks).
        let included = try #require(results["included_at"]?.integerValue)
        let epoch = try json(["coverage", "epoch", String((included - 1) / 100)] + rpc)
        #expect(epoch["beacons"]?.integerValue ?? 0 >= 1, "\(epoch)")
    }
}
