import CairnCore
import CairnCrypto
import CairnNode
import CairnRPC
import Foundation
import Testing

/// Runs the real `cairn` binary: a transfer over JSON-RPC, balances, a state proof, then SIGKILL
/// and restart at the same height and state root.
@Suite("Devnet end to end", .serialized)
struct DevnetEndToEndTests {
    static let sender = try! PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
    static let validator = try! Address(hex: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
    static let initial: Amount = 1_000_000 * AmountFormat.unit

    @Test func transferProofKillAndRestart() async throws {
        let home = temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(NodeProcess.devnetArguments(home), logPath: home + "/node.log")
        let rpc = node.client

        let recipient = PrivateKey.generate().address
        let status = try await rpc.call("node_status")
        #expect(status["chain_id"]?.stringValue == "cairn-devnet")
        let fee: Amount = 1_000_000_000_000_000
        let amount: Amount = 12_345 * AmountFormat.unit
        let tx = UnsignedTransaction(chainID: "cairn-devnet", nonce: 0, fee: fee,
                                     operation: .transfer(to: recipient, amount: amount)).signed(with: Self.sender)
        let id = try await rpc.call("tx_send", ["tx": .string(Hex.prefixed(tx.canonicalBytes))])
        #expect(id.stringValue == tx.id.hex)

        let committed = try await eventually("commit") { () async throws -> JSONValue? in
            let t = try await rpc.call("chain_getTransaction", ["id": id])
            // JSONValue is nil-literal expressible: spell out Optional.none.
            return t["status"]?.stringValue == "committed" ? t : Optional<JSONValue>.none
        }
        let height = try #require(committed["height"]?.integerValue)

        let senderAccount = try await rpc.call("state_getAccount", ["address": .string(Self.sender.address.checksummed)])
        #expect(senderAccount["balance"]?.stringValue == String(Self.initial - amount - fee))
        #expect(senderAccount["nonce"]?.integerValue == 1)
        let recipientAccount = try await rpc.call("state_getAccount", ["address": .string(recipient.checksummed)])
        #expect(recipientAccount["balance"]?.stringValue == String(amount))

        // Proof of the recipient against the header of the block that committed the transfer.
        let block = try await rpc.call("chain_getBlock", ["block": .integer(height)])
        let stateRoot = try Hash32(hex: try #require(block["header"]?["state_root"]?.stringValue))
        let proofJSON = try await rpc.call("state_getProof", ["address": .string(recipient.checksummed), "height": .integer(height)])
        let proof = try SparseMerkleProof(json: try #require(proofJSON["proof"]))
        let expectedValue = StateKey.valueHash(encoded: Account(balance: amount, nonce: 0).canonicalBytes)
        #expect(proof.verify(root: stateRoot, key: StateKey.account(recipient).treeKey, valueHash: expectedValue))
        #expect(!proof.verify(root: stateRoot, key: StateKey.account(recipient).treeKey,
                              valueHash: StateKey.valueHash(encoded: Account(balance: amount + 1, nonce: 0).canonicalBytes)))
        // An address that never appeared is proven absent.
        let stranger = PrivateKey.generate().address
        let absent = try SparseMerkleProof(json: try #require(try await rpc.call("state_getProof", ["address": .string(stranger.checksummed), "height": .integer(height)])["proof"]))
        #expect(absent.verify(root: stateRoot, key: StateKey.account(stranger).treeKey, valueHash: nil))

        // The commit carries the validator's precommit over the block id.
        let commit = try #require(block["commit"])
        #expect(commit["signatures"]?[0]?["validator"]?.stringValue == Self.validator.checksummed)

        // SIGKILL, then restart: same block at the same height, same state root, chain continues.
        let before = try await rpc.call("node_status")
        let beforeHeight = try #require(before["latest_height"]?.integerValue)
        let beforeBlock = try await rpc.call("chain_getBlock", ["block": .integer(beforeHeight)])
        node.kill9()

        let restarted = try await NodeProcess(NodeProcess.devnetArguments(home), logPath: home + "/node.log")
        let after = try await restarted.client.call("node_status")
        let afterHeight = try #require(after["latest_height"]?.integerValue)
        #expect(afterHeight >= beforeHeight)
        let sameBlock = try await restarted.client.call("chain_getBlock", ["block": .integer(beforeHeight)])
        #expect(sameBlock["id"] == beforeBlock["id"])
        #expect(sameBlock["header"]?["state_root"] == beforeBlock["header"]?["state_root"])
        let recipientAgain = try await restarted.client.call("state_getAccount", ["address": .string(recipient.checksummed)])
        #expect(recipientAgain["balance"]?.stringValue == String(amount))
        _ = try await eventually("a new block after restart") { () async throws -> Bool? in
            let s = try await restarted.client.call("node_status")
            return (s["latest_height"]?.integerValue ?? 0) > afterHeight ? true : nil
        }
        #expect(restarted.terminate() == 0)
    }

    @Test func refusesAnotherGenesis() async throws {
        let home = temporaryDirectory("genesis")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(NodeProcess.devnetArguments(home), logPath: home + "/node.log")
        #expect(node.terminate() == 0)
        // Change the stored genesis: the chain data no longer matches it.
        let genesisPath = home + "/config/genesis.json"
        var text = try String(contentsOfFile: genesisPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"max_block_transactions\": 10000", with: "\"max_block_transactions\": 9999")
        try text.write(toFile: genesisPath, atomically: true, encoding: .utf8)
        let result = try runToEnd(NodeProcess.binary, ["start", "--home", home, "--rpc-port", "0", "--p2p-port", "0"], in: home)
        #expect(result.status != 0)
        #expect(result.output.contains("genesis"))
    }

    @Test func killNineUnderLoadKeepsCommittedState() async throws {
        let home = temporaryDirectory("kill")
        defer { try? FileManager.default.removeItem(atPath: home) }
        var nonce: UInt64 = 0
        for round in 0..<3 {
            let node = try await NodeProcess(NodeProcess.devnetArguments(home), logPath: home + "/node.log")
            let rpc = node.client
            let account = try await rpc.call("state_getAccount", ["address": .string(Self.sender.address.checksummed)])
            nonce = UInt64(try #require(account["nonce"]?.integerValue))
            var lastSeen: (height: Int64, id: JSONValue?, root: JSONValue?) = (0, nil, nil)
            for i in 0..<(20 + round * 7) {
                let tx = UnsignedTransaction(chainID: "cairn-devnet", nonce: nonce, fee: 1_000_000_000_000_000,
                                             operation: .transfer(to: Self.validator, amount: 1)).signed(with: Self.sender)
                if (try? await rpc.call("tx_send", ["tx": .string(Hex.prefixed(tx.canonicalBytes))])) != nil { nonce += 1 }
                if i % 5 == 0 {
                    let s = try await rpc.call("node_status")
                    lastSeen = (s["latest_height"]?.integerValue ?? 0, s["latest_block_id"], s["latest_state_root"])
                }
                try await Task.sleep(for: .milliseconds(15))
            }
            // At least one block must be committed for the check to mean anything (a slow first
            // height under load could leave the last status at height 0).
            while lastSeen.height == 0 {
                let s = try await rpc.call("node_status")
                lastSeen = (s["latest_height"]?.integerValue ?? 0, s["latest_block_id"], s["latest_state_root"])
                try await Task.sleep(for: .milliseconds(20))
            }
            node.kill9()
            let again = try await NodeProcess(NodeProcess.devnetArguments(home), logPath: home + "/node.log")
            let block = try await again.client.call("chain_getBlock", ["block": .integer(lastSeen.height)])
            #expect(block["id"] == lastSeen.id, "block at \(lastSeen.height) changed across kill -9")
            #expect(block["header"]?["state_root"] == lastSeen.root)
            let tip = try await again.client.call("node_status")
            // The block at the reported tip height (the node keeps committing, so not "latest").
            let tipBlock = try await again.client.call("chain_getBlock", ["block": tip["latest_height"] ?? .null])
            #expect(tipBlock["header"]?["state_root"] == tip["latest_state_root"])
            again.kill9()
        }
    }
}
