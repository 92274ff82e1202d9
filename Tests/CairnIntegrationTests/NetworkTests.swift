import CairnCore
import CairnCrypto
import CairnNode
import CairnRPC
import CairnTools
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Four real `cairn` validators on loopback: they commit; one killed, the rest go on; it comes
/// back, catches up and votes; two stopped, nothing commits and nothing forks; back, commits
/// resume; every node holds the same block at every height.
@Suite("Four-validator network", .serialized)
struct NetworkTests {
    /// A localnet of four equal validators on free loopback ports, nodes started one process each.
    final class Network {
        let directory: String
        let localnet: Localnet
        var nodes: [NodeProcess?]

        init(validators: Int = 4) async throws {
            directory = temporaryDirectory("net")
            // Ports are fixed in each node's peer list, so pick a base unlikely to be in use.
            let base = 20_000 + Int.random(in: 0..<2_000) * 16
            localnet = try Localnet.generate(
                spec: LocalnetSpec(validators: validators, chainID: "cairn-it-net", basePort: base, blockIntervalMilliseconds: 100),
                directory: directory)
            nodes = Array(repeating: nil, count: validators)
            for i in 0..<validators { try await start(i) }
        }

        func start(_ i: Int) async throws {
            let node = localnet.nodes[i]
            nodes[i] = try await NodeProcess(
                ["start", "--home", localnet.home(node).root, "--rpc-port", "\(node.rpc_port)", "--p2p-port", "\(node.p2p_port)"],
                logPath: localnet.home(node).root + "/test-node.log")
        }

        /// A non-validator node with the network's genesis and every validator as a persistent peer.
        func startObserver() async throws -> NodeProcess {
            let home = NodeHome(directory + "/observer")
            try FileManager.default.createDirectory(atPath: home.configDirectory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: localnet.home(localnet.nodes[0]).genesisFile, toPath: home.genesisFile)
            let peers = localnet.nodes.map { "\"\(localnet.p2pAddress($0))\"" }.joined(separator: ", ")
            try "[p2p]\nlisten_host = \"127.0.0.1\"\npersistent_peers = [\(peers)]\n"
                .write(toFile: home.configFile, atomically: true, encoding: .utf8)
            return try await NodeProcess(["start", "--home", home.root], logPath: home.root + "/test-node.log")
        }

        func kill(_ i: Int) {
            nodes[i]?.kill9()
            nodes[i] = nil
        }

        func client(_ i: Int) -> JSONRPCClient { JSONRPCClient(url: localnet.rpcURL(localnet.nodes[i])) }

        func height(_ i: Int) async throws -> Int64 {
            let status = try await client(i).call("node_status")
            return try #require(status["latest_height"]?.integerValue)
        }

        /// Waits until every listed node has committed `height`.
        func waitForHeight(_ height: Int64, nodes list: [Int], timeout: Duration = .seconds(60)) async throws {
            _ = try await eventually("nodes \(list) at height \(height)", timeout: timeout) { () async throws -> Bool? in
                for i in list where try await self.height(i) < height { return nil }
                return true
            }
        }

        func blockID(_ i: Int, _ height: Int64) async throws -> String {
            let block = try await client(i).call("chain_getBlock", ["block": .integer(height)])
            return try #require(block["id"]?.stringValue)
        }

        func logs() -> String {
            nodes.enumerated().map { "--- node\($0.offset)\n" + String(($0.element?.log ?? "").suffix(3_000)) }.joined(separator: "\n")
        }

        deinit {
            for node in nodes { node?.kill9() }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func commitsSurvivesCrashesHaltsWithoutQuorumAndNeverForks() async throws {
        let net = try await Network()
        let all = [0, 1, 2, 3]
        try await net.waitForHeight(5, nodes: all)

        // One validator killed: the other three hold 3/4 of the power and keep committing.
        net.kill(3)
        let before = try await net.height(0)
        try await net.waitForHeight(before + 5, nodes: [0, 1, 2])

        // Restarted: it catches up through block sync and votes again (its precommit shows up in
        // commits of heights after it rejoined).
        try await net.start(3)
        let rejoin = try await net.height(0)
        try await net.waitForHeight(rejoin, nodes: [3])
        let validator3 = try await net.client(3).call("node_status")["validator"]?.stringValue
        let signedAgain = try await eventually("node 3 precommits again") { () async throws -> Bool? in
            let top = try await net.height(0)
            for h in max(rejoin + 1, top - 5)...max(rejoin + 1, top) where h <= top {
                for i in 0..<3 {
                    let block = try await net.client(i).call("chain_getBlock", ["block": .integer(h)])
                    let signers = block["commit"]?["signatures"]?.arrayValue?.compactMap { $0["validator"]?.stringValue } ?? []
                    if signers.contains(where: { $0 == validator3 }) { return true }
                }
            }
            return nil
        }
        #expect(signedAgain)

        // Two of four stopped: 2/4 of the power cannot commit anything.
        net.kill(2)
        net.kill(3)
        try await Task.sleep(for: .seconds(2))  // a height whose precommits were already out may still finish
        let stalled = [try await net.height(0), try await net.height(1)]
        try await Task.sleep(for: .seconds(4))
        #expect(try await net.height(0) == stalled[0], "\(net.logs())")
        #expect(try await net.height(1) == stalled[1])

        // Both back: commits resume on every node.
        try await net.start(2)
        try await net.start(3)
        try await net.waitForHeight(stalled.max()! + 3, nodes: all)

        // Prometheus metrics follow the chain and the peer set.
        let (data, _) = try await URLSession.shared.data(from: URL(string: net.localnet.rpcURL(net.localnet.nodes[0]) + "/metrics")!)
        let metrics = String(decoding: data, as: UTF8.self).split(separator: "\n")
        func gauge(_ name: String) -> Double? {
            metrics.first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect(try #require(gauge("cairn_consensus_height")) >= Double(stalled[0]))
        let peers = [#"cairn_p2p_peers{direction="inbound"}"#, #"cairn_p2p_peers{direction="outbound"}"#].compactMap(gauge)
        #expect(peers.reduce(0, +) == 3, "\(peers)")

        // A node that joins long after genesis (not a validator) syncs every block and then follows.
        let late = try await net.startObserver()
        let target = try await net.height(0)
        _ = try await eventually("the late node reaches \(target)", timeout: .seconds(60)) { () async throws -> Bool? in
            let status = try await late.client.call("node_status")
            return (status["latest_height"]?.integerValue ?? 0) >= target ? true : nil
        }
        _ = try await eventually("the late node follows and is not syncing") { () async throws -> Bool? in
            let status = try await late.client.call("node_status")
            return (status["latest_height"]?.integerValue ?? 0) > target && status["syncing"] == false ? true : nil
        }

        // No fork: every node holds the same block id at every height.
        let top = try await net.height(0)
        for h in 1...top {
            let reference = try await net.blockID(0, h)
            for i in 1..<4 {
                #expect(try await net.blockID(i, h) == reference, "node \(i) differs at height \(h)")
            }
            let lateBlock = try await late.client.call("chain_getBlock", ["block": .integer(h)])
            #expect(lateBlock["id"]?.stringValue == reference, "the late node differs at height \(h)")
        }
        _ = late.terminate()
    }
}
