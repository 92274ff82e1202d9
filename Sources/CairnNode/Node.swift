import CairnCore
import CairnCrypto
import CairnMempool
import CairnRPC
import CairnState
import CairnStorage
import Foundation
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle

/// A running Cairn node: chain, mempool, block producer and JSON-RPC, under one service group
/// that shuts down in order on SIGINT/SIGTERM.
public final class Node: Sendable {
    public let home: NodeHome
    public let config: NodeConfig
    public let chain: NodeChain
    public let mempool: Mempool
    public let producer: BlockProducer?
    public let logger: Logger

    public struct Error: Swift.Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Opens the node in `home`: reads its genesis, opens (or initialises) its chain, and loads
    /// its validator key if it has one.
    public init(home: NodeHome, config: NodeConfig, logger: Logger) throws {
        self.home = home
        self.config = config
        self.logger = logger
        let genesis: Genesis
        do { genesis = try GenesisFile.load(path: home.genesisFile) } catch {
            throw Error(message: "\(error); run `cairn init --home \(home.root)` first")
        }
        chain = try NodeChain(directory: home.chainDirectory, genesis: genesis)
        let database = chain.database
        mempool = Mempool(
            pool: TransactionPool(limits: MempoolLimits(maxTransactions: config.mempoolMaxTransactions,
                                                        maxBytes: config.mempoolMaxBytes),
                                  rules: chain.rules),
            state: database,
            isCommitted: { id in try database.committedHeight(of: id) })
        if FileManager.default.fileExists(atPath: home.validatorKeyFile) {
            let key = try KeyFile.read(home.validatorKeyFile)
            if genesis.validators.power(of: key.address) != nil {
                producer = try BlockProducer(
                    chain: chain, mempool: mempool, validatorKey: key,
                    settings: .init(interval: .milliseconds(config.blockIntervalMilliseconds),
                                    createEmptyBlocks: config.createEmptyBlocks),
                    logger: logger, clock: { UInt64(Date().timeIntervalSince1970 * 1000) })
            } else {
                logger.warning("the validator key \(key.address) is not in the genesis validator set; not producing blocks")
                producer = nil
            }
        } else {
            producer = nil
        }
    }

    public func makeRegistry() throws -> RPCRegistry {
        var registry = RPCRegistry()
        try ChainRPC(chain: chain, mempool: mempool, validator: producer.map { $0.validatorKey.address })
            .register(in: &registry)
        return registry
    }

    /// Runs until SIGINT or SIGTERM. `onRPCReady` gets the bound RPC port.
    public func run(onRPCReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let server = JSONRPCServer(
            registry: try makeRegistry(),
            configuration: JSONRPCServerConfiguration(host: config.rpcHost, port: config.rpcPort,
                                                      maxBodyBytes: config.rpcMaxBodyBytes,
                                                      maxBatchLength: config.rpcMaxBatchLength),
            logger: logger)
        let chain = self.chain
        let app = server.makeApplication(extraRoutes: { router in
            // For load balancers and supervisors: 200 with the tip while the chain can be read.
            router.get("/health") { _, _ -> Response in
                guard let tip = try? chain.tip() else { return Response(status: .serviceUnavailable) }
                let body = JSONText.bytes(["status": "ok", "height": .integer(Int64(clamping: tip.height))])
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
            }
        }, onServerRunning: onRPCReady)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app)]
        if let producer { services.insert(.init(service: producer), at: 0) }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        let tip = try chain.tip()
        logger.info("node started", metadata: [
            "chain_id": "\(chain.genesis.chainID)", "height": "\(tip.height)", "home": "\(home.root)",
        ])
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            chain.close()
            throw Error(message: "cannot serve JSON-RPC on \(config.rpcHost):\(config.rpcPort): the address is in use (another node?); choose another --rpc-port")
        }
        chain.close()
        logger.info("node stopped cleanly")
    }
}
