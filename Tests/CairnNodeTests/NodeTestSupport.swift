import CairnCore
import CairnCrypto
import CairnConsensus
import CairnMempool
import CairnP2P
import CairnRPC
@testable import CairnNode
import CairnState
import Foundation
import Logging

/// An in-process single-validator node on a temporary directory: chain, mempool, the consensus
/// driver with heights started by hand, and the RPC methods a real node registers (no sockets
/// unless a test starts `network`).
struct TestNode {
    static let alice = try! PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
    static let bob = try! PrivateKey(hex: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a")
    static let validator = try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
    static let minFee: Amount = 1_000
    static let chainID = "cairn-test"

    let directory: String
    let chain: NodeChain
    let mempool: Mempool
    let attestations: AttestationPool
    let driver: ConsensusDriver
    let messenger = RecordingMessenger()
    /// Started only by a test that wants a peer: consensus talks to `messenger`; only net_peers
    /// and net_info read the network.
    let network: P2PNetwork
    let dispatcher: JSONRPCDispatcher
    let registry: RPCRegistry

    static var genesis: Genesis {
        Genesis(chainID: chainID, genesisTime: 1_000, protocolVersion: 1,
                parameters: [.consensus(ConsensusParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: minFee))],
                allocations: [.init(address: alice.address, balance: 1_000_000), .init(address: bob.address, balance: 500)],
                validators: ValidatorSet([Validator(address: validator.address, power: 10)]))
    }

    init(directory: String? = nil, genesis: Genesis = TestNode.genesis, clockStart: UInt64 = 10_000,
         createEmptyBlocks: Bool = true, observer: (any ConsensusObserver)? = nil,
         mempoolLimits: MempoolLimits = MempoolLimits(), runtime: Runtime = .standard,
         onLocalFault: (@Sendable (String) -> Void)? = nil) throws {
        let dir = directory ?? NSTemporaryDirectory() + "cairn-node-test-\(UInt64.random(in: 0...UInt64.max))"
        self.directory = dir
        chain = try NodeChain(directory: dir + "/chain", genesis: genesis, runtime: runtime)
        mempool = try chain.makeMempool(limits: mempoolLimits)
        attestations = chain.makeAttestationPool()
        let ticks = Counter(clockStart)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        driver = try ConsensusDriver(
            chain: chain, mempool: mempool, attestations: attestations,
            signer: try ValidatorSigner(key: Self.validator, stateFile: dir + "/sign_state.json"),
            journal: try ConsensusJournal(path: dir + "/consensus.journal", logger: logger),
            messenger: messenger,
            settings: .init(createEmptyBlocks: createEmptyBlocks, startsHeightsAutomatically: false),
            logger: logger, observer: observer, clock: { ticks.next() }, onLocalFault: onLocalFault)
        var p2p = P2PConfig(chainID: genesis.chainID, genesisHash: chain.genesisHash)
        p2p.listenHost = "127.0.0.1"
        p2p.listenPort = 0
        network = P2PNetwork(identity: .generate(), config: p2p, logger: logger)
        var registry = RPCRegistry()
        let mempool = self.mempool
        try ChainRPC(chain: chain, mempool: mempool, validator: Self.validator.address,
                     submit: { bytes throws(MempoolError) in try await mempool.submit(encoded: bytes) },
                     syncing: { false }, signing: driver.signingHealth).register(in: &registry)
        // In the order a real node registers them (Node.makeRegistry), so rpc_discover lists the same.
        if !runtime.latest.attestationOwners.isEmpty { try AttestationRPC(gossip: AttestationGossip(pool: attestations, messenger: messenger)).register(in: &registry) }
        try ConsensusRPC(chain: chain, driver: driver, network: network,
                         syncer: BlockSyncer(driver: driver, chain: chain, messenger: messenger, logger: logger),
                         mempool: mempool).register(in: &registry)
        try ModuleRPC(chain: chain).register(in: &registry)
        try RewardsRPC(chain: chain).register(in: &registry)
        self.registry = registry
        dispatcher = JSONRPCDispatcher(registry: registry)
    }

    /// Runs consensus on the next height and returns its committed block; nil when no height
    /// starts (empty blocks off and an empty mempool).
    @discardableResult
    func produceBlock() async throws -> Block? {
        try await driver.start()
        let height = try chain.tip().height + 1
        guard await driver.startNextHeight() else { return nil }
        await driver.waitForCommit(of: height)
        return try chain.database.block(height: height)
    }

    func close() {
        chain.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func transfer(_ from: PrivateKey, to: Address, amount: Amount, nonce: UInt64, fee: Amount = minFee,
                         chainID: String = chainID) -> Transaction {
        UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee, operation: .transfer(to: to, amount: amount)).signed(with: from)
    }

    /// The path of `Specs/<name>` in this checkout.
    static func specsFile(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs/" + name).path
    }

    /// Calls a method through the real dispatcher; returns the whole response object.
    func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        let request: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
        let out = await dispatcher.handle(body: JSONText.bytes(request))
        return try JSONText.parse(out ?? [])
    }

    func result(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        let response = try await call(method, params)
        guard let result = response["result"] else { throw TestError("no result: \(response)") }
        return result
    }
}

/// Deterministic milliseconds for header times.
final class Counter: Sendable {
    private let value: Mutex<UInt64>
    init(_ start: UInt64) { value = Mutex(start) }
    func next() -> UInt64 { value.withLock { $0 += 7; return $0 } }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

import Synchronization

/// Keeps what the node would have sent to peers.
final class RecordingMessenger: PeerMessenger, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [NodeMessage] = []

    var messages: [NodeMessage] { lock.withLock { sent } }

    func broadcast(_ message: NodeMessage, except: NodeID?) { lock.withLock { sent.append(message) } }
    func send(_ message: NodeMessage, to peer: NodeID) -> Bool {
        lock.withLock { sent.append(message) }
        return true
    }
    func report(_ peer: NodeID, _ misbehaviour: Misbehaviour) {}
}
