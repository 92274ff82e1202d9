import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
import CairnP2P
import CairnRPC
import CairnState
import CairnStorage
import Foundation
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle
import Synchronization

/// A running Cairn node: chain, mempool, consensus, peer-to-peer network, block sync and
/// JSON-RPC, under one service group that shuts down in order on SIGINT/SIGTERM.
public final class Node: Sendable {
    public let home: NodeHome
    public let config: NodeConfig
    public let chain: NodeChain
    public let mempool: Mempool
    public let attestations: AttestationPool
    public let identity: NodeIdentity
    public let network: P2PNetwork
    public let driver: ConsensusDriver
    public let syncer: BlockSyncer
    public let gossip: TransactionGossip
    public let attestationGossip: AttestationGossip
    public let signer: ValidatorSigner?
    public let metrics: NodeMetrics
    public let logger: Logger
    /// The local fault consensus stopped on, if any.
    let localFault = LocalFaultLatch()

    public struct Error: Swift.Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Opens the node in `home`: reads its genesis, opens (or initialises) its chain, its node
    /// identity and, if it has one, its validator key with the double-sign guard.
    public init(home: NodeHome, config: NodeConfig, logger: Logger) throws {
        self.home = home
        self.config = config
        self.logger = logger
        // Before the database opens its files.
        if let limit = OpenFileLimit.raise(), limit < OpenFileLimit.needed(config) {
            logger.warning("the open file limit is \(limit), below the \(OpenFileLimit.needed(config)) this configuration may use (rpc.max_connections + peers + storage); raise it (ulimit -n, or LimitNOFILE= for systemd) or lower rpc.max_connections")
        }
        let genesis: Genesis
        do { genesis = try GenesisFile.load(path: home.genesisFile) } catch {
            throw Error(message: "\(error); run `cairn init --home \(home.root)` first")
        }
        chain = try NodeChain(directory: home.chainDirectory, genesis: genesis)
        mempool = try chain.makeMempool(limits: MempoolLimits(maxTransactions: config.mempoolMaxTransactions,
                                                              maxBytes: config.mempoolMaxBytes))
        attestations = chain.makeAttestationPool()
        do { identity = try NodeIdentity.loadOrCreate(path: home.nodeKeyFile) } catch {
            throw Error(message: "\(error)")
        }
        if FileManager.default.fileExists(atPath: home.validatorKeyFile) {
            let key = try KeyFile.read(home.validatorKeyFile)
            signer = try ValidatorSigner(key: key, stateFile: home.signStateFile)
        } else {
            signer = nil
        }
        // A node with committed blocks has opened (so created) its journal before: a missing one is reported.
        let journal = try ConsensusJournal(path: home.consensusJournalFile, logger: logger,
                                           expectExisting: try chain.tip().height > 0)
        network = P2PNetwork(identity: identity, config: try Self.p2pConfig(config, chain: chain), logger: logger)
        let timeouts = TimeoutConfig(
            propose: UInt64(config.timeoutProposeMilliseconds), proposeDelta: UInt64(config.timeoutProposeDeltaMilliseconds),
            prevote: UInt64(config.timeoutPrevoteMilliseconds), prevoteDelta: UInt64(config.timeoutPrevoteDeltaMilliseconds),
            precommit: UInt64(config.timeoutPrecommitMilliseconds), precommitDelta: UInt64(config.timeoutPrecommitDeltaMilliseconds))
        let metrics = NodeMetrics()
        self.metrics = metrics
        let gossip = TransactionGossip(mempool: mempool, messenger: network, logger: logger)
        self.gossip = gossip
        attestationGossip = AttestationGossip(pool: attestations, messenger: network)
        driver = try ConsensusDriver(
            chain: chain, mempool: mempool, attestations: attestations, signer: signer, journal: journal, messenger: network,
            settings: .init(timeouts: timeouts, minBlockInterval: .milliseconds(config.blockIntervalMilliseconds),
                            createEmptyBlocks: config.createEmptyBlocks),
            logger: logger, observer: NodeObserver(metrics: metrics, gossip: gossip),
            clock: { UInt64(Date().timeIntervalSince1970 * 1000) },
            onLocalFault: { [latch = localFault] message in
                latch.record(message)
                // The service group's graceful shutdown, as on SIGTERM; `run` then fails with the fault.
                kill(getpid(), SIGTERM)
            })
        syncer = BlockSyncer(driver: driver, chain: chain, messenger: network, logger: logger, onProgress: { progress in
            metrics.syncProgress(height: progress.height, target: progress.target, syncing: progress.syncing)
        })
    }

    static func p2pConfig(_ config: NodeConfig, chain: NodeChain) throws -> P2PConfig {
        var p2p = P2PConfig(chainID: chain.genesis.chainID, genesisHash: chain.genesisHash)
        p2p.listenHost = config.p2pListenHost
        p2p.listenPort = config.p2pListenPort
        p2p.externalAddress = config.p2pExternalAddress.isEmpty ? nil : config.p2pExternalAddress
        p2p.maxInboundPeers = config.maxInboundPeers
        p2p.maxOutboundPeers = config.maxOutboundPeers
        p2p.pexEnabled = config.peerExchange
        func parse(_ list: [String], _ key: String) throws -> [PeerAddress] {
            try list.map { text in
                do { return try PeerAddress(text) } catch { throw Error(message: "p2p.\(key): '\(text)': \(error)") }
            }
        }
        p2p.persistentPeers = try parse(config.persistentPeers, "persistent_peers")
        p2p.seeds = try parse(config.seeds, "seeds")
        return p2p
    }

    public func makeRegistry() throws -> RPCRegistry {
        var registry = RPCRegistry()
        let gossip = self.gossip
        let syncer = self.syncer
        try ChainRPC(chain: chain, mempool: mempool, validator: signer?.address,
                     submit: { bytes throws(MempoolError) in try await gossip.submit(encoded: bytes) },
                     syncing: { await syncer.progress().syncing },
                     signing: signer == nil ? nil : driver.signingHealth)
            .register(in: &registry)
        if !chain.executor.runtime.latest.attestationOwners.isEmpty {
            try AttestationRPC(gossip: attestationGossip).register(in: &registry)
        }
        try ConsensusRPC(chain: chain, driver: driver, network: network, syncer: syncer, mempool: mempool)
            .register(in: &registry)
        try ModuleRPC(chain: chain).register(in: &registry)
        try RewardsRPC(chain: chain).register(in: &registry)
        return registry
    }

    /// Runs until SIGINT or SIGTERM. `onRPCReady` gets the bound RPC port.
    public func run(onRPCReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let server = JSONRPCServer(
            registry: try makeRegistry(),
            configuration: JSONRPCServerConfiguration(host: config.rpcHost, port: config.rpcPort,
                                                      maxBodyBytes: config.rpcMaxBodyBytes,
                                                      maxBatchLength: config.rpcMaxBatchLength,
                                                      idleTimeout: .milliseconds(config.rpcIdleTimeoutMilliseconds),
                                                      readTimeout: .milliseconds(config.rpcReadTimeoutMilliseconds),
                                                      maxConnections: config.rpcMaxConnections),
            logger: logger)
        let chain = self.chain
        let metrics = self.metrics
        let signing = driver.signingHealth
        let app = server.makeApplication(extraRoutes: { router in
            NodeMetrics.addRoute(to: router, metrics: metrics)
            // For load balancers and supervisors: 200 with the tip while the chain can be read and
            // (for a validator) signing works; 503 with the reason otherwise.
            router.get("/health") { _, _ -> Response in
                let body: JSONValue
                let status: HTTPResponse.Status
                if let tip = try? chain.tip() {
                    let height = JSONValue.integer(Int64(clamping: tip.height))
                    if let failure = signing.failure {
                        (status, body) = (.serviceUnavailable, ["status": "signing_failed", "height": height,
                                                                "reason": .string(failure.reason)])
                    } else {
                        (status, body) = (.ok, ["status": "ok", "height": height])
                    }
                } else {
                    (status, body) = (.serviceUnavailable, ["status": "storage_failed", "reason": "the chain database cannot be read"])
                }
                return Response(status: status, headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONText.bytes(body))))
            }
        }, onServerRunning: onRPCReady)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: NetworkService(node: self)), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        let tip = try chain.tip()
        logger.info("node started", metadata: [
            "chain_id": "\(chain.genesis.chainID)", "height": "\(tip.height)", "home": "\(home.root)",
            "node_id": "\(identity.nodeID)", "validator": "\(signer.map { "\($0.address)" } ?? "none")",
        ])
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            chain.close()
            throw Error(message: "cannot listen on \(config.rpcHost):\(config.rpcPort) (JSON-RPC) or \(config.p2pListenHost):\(config.p2pListenPort) (P2P): the address is in use (another node?); choose other ports")
        }
        chain.close()
        if let fault = localFault.message {
            throw Error(message: "stopped on a local fault: \(fault)")
        }
        logger.info("node stopped cleanly")
    }
}

extension Node {
    func updatePeerMetrics() {
        let peers = network.peers()
        metrics.peersChanged(inbound: peers.filter { !$0.isOutbound }.count, outbound: peers.filter(\.isOutbound).count)
    }
}

/// Feeds consensus progress to the metrics, with finality measured from when this node first
/// admitted each transaction.
struct NodeObserver: ConsensusObserver {
    let metrics: NodeMetrics
    let gossip: TransactionGossip

    func blockCommitted(height: UInt64, transactions: Int, interval: Duration?) {
        metrics.blockCommitted(height: height, transactions: transactions, interval: interval)
    }

    func roundChanged(_ round: UInt64) { metrics.roundChanged(round) }

    func stepCompleted(_ step: String, duration: Duration) { metrics.stepCompleted(step, duration: duration) }

    func signingChanged(failing: Bool) { metrics.signingChanged(failing: failing) }

    func transactionsCommitted(_ ids: [Hash32]) {
        guard !ids.isEmpty else { return }
        Task {
            for latency in await gossip.committed(ids) { metrics.finalityObserved(latency) }
        }
    }
}

/// The peer-to-peer side of a node as one service: the network, consensus, block sync and
/// mempool gossip, with each channel's messages handled by its own task so a slow block check
/// never holds up transactions or sync.
struct NetworkService: Service {
    let node: Node

    func run() async throws {
        let port = try await node.network.start()
        node.logger.info("P2P listening", metadata: [
            "address": "\(node.config.p2pListenHost):\(port)", "node_id": "\(node.identity.nodeID)",
        ])
        try await node.driver.start()
        let (consensus, consensusIn) = AsyncStream.makeStream(of: (NodeMessage, NodeID).self,
                                                             bufferingPolicy: .bufferingNewest(50_000))
        let (sync, syncIn) = AsyncStream.makeStream(of: (NodeMessage, NodeID).self, bufferingPolicy: .bufferingNewest(10_000))
        let (mempool, mempoolIn) = AsyncStream.makeStream(of: ([[UInt8]], NodeID).self, bufferingPolicy: .bufferingNewest(10_000))
        let (attested, attestedIn) = AsyncStream.makeStream(of: ([[UInt8]], NodeID).self, bufferingPolicy: .bufferingNewest(1_000))
        // On SIGTERM/SIGINT every loop below is cancelled; then the network closes its peers.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await event in node.network.events {
                        switch event {
                        case .connected(let info):
                            node.updatePeerMetrics()
                            await node.syncer.peerConnected(info.id)
                            await node.gossip.peerConnected(info.id)
                            await node.attestationGossip.peerConnected(info.id)
                        case .disconnected(let id, _):
                            node.updatePeerMetrics()
                            await node.syncer.peerDisconnected(id)
                        case .message(let peer, let channel, let payload):
                            let message: NodeMessage
                            do { message = try NodeMessage(channel: channel, payload: payload) } catch {
                                node.network.report(peer, .undecodableMessage("\(error)"))
                                continue
                            }
                            switch message.channel {
                            case .consensus: consensusIn.yield((message, peer))
                            case .blockSync: syncIn.yield((message, peer))
                            case .mempool:
                                switch message {
                                case .transactions(let txs): mempoolIn.yield((txs, peer))
                                case .attestations(let items): attestedIn.yield((items, peer))
                                default: break
                                }
                            }
                        }
                    }
                }
                group.addTask { for await (message, peer) in consensus { await node.driver.receive(message, from: peer) } }
                group.addTask { for await (message, peer) in sync { await node.syncer.receive(message, from: peer) } }
                group.addTask { for await (txs, peer) in mempool { await node.gossip.received(txs, from: peer) } }
                group.addTask { for await (items, peer) in attested { await node.attestationGossip.received(items, from: peer) } }
                group.addTask { await node.driver.regossipLoop() }
                group.addTask { await node.syncer.run() }
                group.addTask {
                    while !Task.isCancelled {
                        let size = await node.mempool.size
                        node.metrics.mempoolChanged(transactions: size.transactions, bytes: size.bytes)
                        do { try await Task.sleep(for: .seconds(1)) } catch { return }
                    }
                }
            }
        }
        consensusIn.finish()
        syncIn.finish()
        mempoolIn.finish()
        attestedIn.finish()
        await node.network.stop()
    }
}

/// The first local fault reported, kept for `Node.run` to fail with.
final class LocalFaultLatch: Sendable {
    private let stored = Mutex<String?>(nil)

    func record(_ message: String) {
        stored.withLock { if $0 == nil { $0 = message } }
    }

    var message: String? { stored.withLock { $0 } }
}
