import CairnCore
import CairnCrypto
import CairnNode
import CairnP2P
import CairnState
@testable import CairnTools
import Foundation
import Testing

@Suite("Localnet generation")
struct LocalnetGenerationTests {
    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "cairn-localnet-\(name)-\(UInt64.random(in: 0...UInt64.max))"
    }

    @Test func fourValidatorsShareOneGenesisAndPointAtEachOther() throws {
        let dir = Self.temporaryPath("four")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spec = LocalnetSpec(validators: 4, chainID: "cairn-localnet", basePort: 31000, blockIntervalMilliseconds: 250)
        let net = try Localnet.generate(spec: spec, directory: dir)
        #expect(net.nodes.map(\.name) == ["node0", "node1", "node2", "node3"])

        let genesisBytes = try #require(FileManager.default.contents(atPath: net.genesisFile))
        let genesis = try GenesisFile.parse(Array(genesisBytes))
        #expect(genesis.chainID == "cairn-localnet")
        #expect(genesis.validators.validators.count == 4)
        #expect(Set(genesis.validators.validators.map(\.power)) == [Localnet.validatorPower])

        var ports: [Int] = []
        for (i, node) in net.nodes.enumerated() {
            let home = net.home(node)
            // Every home holds the same genesis.
            #expect(FileManager.default.contents(atPath: home.genesisFile) == genesisBytes)
            // The validator key is one of the genesis validators, and is funded.
            let key = try KeyFile.read(home.validatorKeyFile)
            #expect(key.address.checksummed == node.validator)
            #expect(genesis.validators.power(of: key.address) == Localnet.validatorPower)
            #expect(genesis.allocations.contains { $0.address == key.address && $0.balance == Localnet.fundedBalance })
            // The node key is the identity the manifest names.
            let identity = try NodeIdentity.load(path: home.nodeKeyFile)
            #expect(identity.nodeID.description == node.node_id)

            let config = try NodeConfig.load(path: home.configFile)
            #expect(config.rpcHost == "127.0.0.1")
            #expect(config.rpcPort == 31000 + 2 * i && config.rpcPort == node.rpc_port)
            #expect(config.p2pListenHost == "127.0.0.1")
            #expect(config.p2pListenPort == 31000 + 2 * i + 1 && config.p2pListenPort == node.p2p_port)
            #expect(config.blockIntervalMilliseconds == 250)
            #expect(config.logLevel == "info")
            ports += [config.rpcPort, config.p2pListenPort]

            // Persistent peers: exactly every other node, by its node id and P2P port.
            let peers = try config.persistentPeers.map { try PeerAddress($0) }
            let others = net.nodes.filter { $0.name != node.name }
            #expect(peers.count == 3)
            for other in others {
                let otherID = try NodeIdentity.load(path: net.home(other).nodeKeyFile).nodeID
                #expect(peers.contains(PeerAddress(id: otherID, host: "127.0.0.1", port: other.p2p_port)))
            }
            #expect(!peers.contains { $0.id == identity.nodeID })
        }
        #expect(Set(ports).count == 8, "all eight ports are distinct")
        #expect(Set(genesis.validators.validators.map(\.address.checksummed)) == Set(net.nodes.map(\.validator)))

        // The reopened manifest is the same localnet.
        let reopened = try #require(try Localnet.open(directory: dir))
        #expect(reopened.manifest == net.manifest)
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + Localnet.generatingMarker))
    }

    @Test func testAccountsAreFundedAndTheirKeysMatch() throws {
        let dir = Self.temporaryPath("accounts")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let net = try Localnet.generate(spec: LocalnetSpec(validators: 2, basePort: 31100), directory: dir)
        let data = try #require(FileManager.default.contents(atPath: net.accountsFile))
        let file = try JSONDecoder().decode(Localnet.AccountsFile.self, from: data)
        #expect(file.accounts.count == 4)
        #expect(file.chain_id == LocalnetSpec.defaultChainID)
        let genesis = try GenesisFile.load(path: net.genesisFile)
        for account in file.accounts {
            let key = try PrivateKey(hex: account.private_key)
            #expect(key.address.checksummed == account.address)
            #expect(genesis.allocations.contains { $0.address == key.address && $0.balance == Localnet.fundedBalance })
        }
        // Two validators and four accounts, no duplicates.
        #expect(genesis.allocations.count == 6)
        let mode = try FileManager.default.attributesOfItem(atPath: net.accountsFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func oneValidatorHasNoPeers() throws {
        let dir = Self.temporaryPath("one")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let net = try Localnet.generate(spec: LocalnetSpec(validators: 1, basePort: 31200), directory: dir)
        let config = try NodeConfig.load(path: net.home(net.nodes[0]).configFile)
        #expect(config.persistentPeers.isEmpty)
        #expect(try GenesisFile.load(path: net.genesisFile).validators.validators.count == 1)
    }

    @Test(arguments: [
        (LocalnetSpec(validators: 0), "--validators must be between 1 and 64"),
        (LocalnetSpec(validators: 65), "--validators must be between 1 and 64"),
        (LocalnetSpec(validators: 4, basePort: 80), "--base-port"),
        (LocalnetSpec(validators: 4, basePort: 65530), "--base-port"),
        (LocalnetSpec(validators: 1, chainID: "Bad_ID"), "--chain-id"),
        (LocalnetSpec(validators: 1, blockIntervalMilliseconds: 1), "--block-interval-ms"),
    ])
    func badFlagsAreRefusedBeforeAnythingIsWritten(spec: LocalnetSpec, message: String) {
        let dir = Self.temporaryPath("bad")
        #expect {
            _ = try Localnet.generate(spec: spec, directory: dir)
        } throws: { error in
            "\(error)".contains(message)
        }
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test func anUnwritableDirectoryIsAClearErrorAndLeavesNothing() throws {
        // A path under a regular file cannot be created, even by root.
        let file = Self.temporaryPath("file")
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect {
            _ = try Localnet.generate(spec: LocalnetSpec(validators: 2), directory: file + "/net")
        } throws: { error in
            "\(error)" == "cannot create \(file)/net: \(file) is a file, not a directory"
        }
        #expect {
            _ = try Localnet.generate(spec: LocalnetSpec(validators: 2), directory: file)
        } throws: { error in
            "\(error)".contains("is not a directory")
        }
    }

    @Test func existingDirectoriesAreRespected() throws {
        let dir = Self.temporaryPath("existing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Someone else's files: refused, untouched, and `remove` will not delete them.
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/notes.txt", contents: Data("mine".utf8))
        #expect(throws: LocalnetError.self) { _ = try Localnet.generate(spec: LocalnetSpec(validators: 1), directory: dir) }
        #expect(throws: LocalnetError.self) { try Localnet.remove(directory: dir) }
        #expect(FileManager.default.fileExists(atPath: dir + "/notes.txt"))
        try FileManager.default.removeItem(atPath: dir + "/notes.txt")

        // An empty directory is fine; a second generation into the same localnet is refused.
        let net = try Localnet.generate(spec: LocalnetSpec(validators: 1, basePort: 31300), directory: dir)
        #expect {
            _ = try Localnet.generate(spec: LocalnetSpec(validators: 1), directory: dir)
        } throws: { error in
            "\(error)".contains("already holds a localnet")
        }

        // An interrupted generation (marker, no manifest) is wiped and redone.
        try FileManager.default.removeItem(atPath: dir + "/" + Localnet.manifestName)
        FileManager.default.createFile(atPath: dir + "/" + Localnet.generatingMarker, contents: Data())
        let again = try Localnet.generate(spec: LocalnetSpec(validators: 2, basePort: 31300), directory: dir)
        #expect(again.nodes.count == 2)
        #expect(again.nodes[0].node_id != net.nodes[0].node_id)

        // --reset's removal deletes a real localnet.
        try Localnet.remove(directory: dir)
        #expect(!FileManager.default.fileExists(atPath: dir))
        #expect(try Localnet.open(directory: dir) == nil)
    }

    @Test func relativeDirectoriesBecomeAbsolute() {
        #expect(Localnet.absolute("/a/b/../c/") == "/a/c")
        #expect(Localnet.absolute("net").hasPrefix("/"))
        #expect(Localnet.absolute("net").hasSuffix("/net"))
    }
}

/// The built `cairn` binary, if there is one beside the test bundle.
private let cairnBinary: String? = {
    if let path = ProcessInfo.processInfo.environment["CAIRN_BINARY"] { return path }
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [besideTests, besideTests.deletingLastPathComponent()] {
        let candidate = dir.appendingPathComponent("cairn").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}()

@Suite("Localnet processes", .serialized, .enabled(if: cairnBinary != nil, "needs the built cairn binary"))
struct LocalnetProcessTests {
    @Test func oneNodeStartsAnswersAndStops() async throws {
        let dir = LocalnetGenerationTests.temporaryPath("run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Below Linux's ephemeral range (32768+), where port-0 listeners of other tests land.
        let basePort = Int.random(in: 20000...32000)
        let net = try Localnet.generate(spec: LocalnetSpec(validators: 1, basePort: basePort, blockIntervalMilliseconds: 100), directory: dir)
        let binary = try #require(cairnBinary)

        let started = try await LocalnetRunner.start(net, executable: binary, timeout: .seconds(60))
        #expect(started.count == 1 && started[0].launched)
        let pids = try #require(try LocalnetRunner.readPids(net))
        #expect(pids.nodes == [.init(name: "node0", pid: started[0].pid)])

        let status = try await LocalnetRunner.status(net)
        #expect(status[0].pid == started[0].pid)
        #expect(status[0].height != nil)

        // Starting again leaves the running node alone.
        let again = try await LocalnetRunner.start(net, executable: binary, timeout: .seconds(30))
        #expect(again[0].pid == started[0].pid && !again[0].launched)

        let stopped = try await LocalnetRunner.stop(net)
        #expect(stopped.map(\.pid) == [started[0].pid])
        #expect(stopped[0].killed == false, "the node stops on SIGTERM")
        #expect(!FileManager.default.fileExists(atPath: net.pidsFile))
        #expect(!DetachedProcess.isRunning(started[0].pid, marker: net.home(net.nodes[0]).root))
        #expect(try await LocalnetRunner.status(net)[0].pid == nil)
        #expect(try await LocalnetRunner.stop(net).isEmpty)
        #expect(FileManager.default.fileExists(atPath: net.logFile(net.nodes[0])))
    }

    @Test func aNodeThatCannotStartIsNamedWithItsLog() async throws {
        let dir = LocalnetGenerationTests.temporaryPath("fail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let net = try Localnet.generate(spec: LocalnetSpec(validators: 1, basePort: Int.random(in: 20000...32000)), directory: dir)
        // A broken config makes `cairn start` exit at once.
        try "[rpc\n".write(toFile: net.home(net.nodes[0]).configFile, atomically: true, encoding: .utf8)
        await #expect {
            _ = try await LocalnetRunner.start(net, executable: try #require(cairnBinary), timeout: .seconds(30))
        } throws: { error in
            "\(error)".contains("node0") && "\(error)".contains(net.logFile(net.nodes[0]))
        }
        _ = try await LocalnetRunner.stop(net)
    }
}
