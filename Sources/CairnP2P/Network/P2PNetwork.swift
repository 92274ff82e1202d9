import CairnCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The peer-to-peer network: listens, dials, runs the encrypted handshake, keeps the peer set
/// within its limits, exchanges addresses (PEX), scores and bans misbehaving peers, and hands
/// the node every message on channels 1…255 as an event.
///
/// Thread-safe: every method may be called from any task or thread. State lives behind one lock
/// that is never held while calling into NIO (closing a channel can re-enter the delegate).
/// A network is started once and stopped once.
public final class P2PNetwork: Sendable {
    public let identity: NodeIdentity
    public let config: P2PConfig
    let stream: AsyncStream<P2PEvent>

    let logger: Logger
    let continuation: AsyncStream<P2PEvent>.Continuation
    let group: any EventLoopGroup
    let persistentIDs: Set<NodeID>
    let core: Mutex<State>

    struct PeerRecord {
        let connection: PeerConnection
        var info: PeerInfo
        var isSeed: Bool
        /// When we sent a PEX request that is still unanswered.
        var pexRequestedAt: ContinuousClock.Instant?
        var lastPexSent: ContinuousClock.Instant?
        var lastPexReceived: ContinuousClock.Instant?
        let since: ContinuousClock.Instant
        /// Whether we stopped reading from its socket because the node is behind on its messages.
        var readingPaused = false
    }

    struct SeedState {
        let address: PeerAddress
        var attempts = 0
        var nextAttempt: ContinuousClock.Instant
    }

    struct State {
        var starting = false
        var running = false
        var stopped = false
        var server: (any Channel)?
        var localInfo: NodeInfo?
        var boundPort: Int?
        var nextSerial: UInt64 = 1
        /// Every open connection, handshaking or established.
        var connections: [UInt64: PeerConnection] = [:]
        var established: Set<UInt64> = []
        /// Why we closed a connection ourselves, for its `disconnected` event.
        var closeReasons: [UInt64: String] = [:]
        var peers: [NodeID: PeerRecord] = [:]
        /// Messages handed to `events` but not yet taken by the consumer, per peer.
        var undelivered: [NodeID: Int] = [:]
        var dialling: Set<NodeID> = []
        var book: AddressBook
        var scores: ScoreBook
        var seeds: [NodeID: SeedState] = [:]
        var maintenance: Task<Void, Never>?
    }

    public init(identity: NodeIdentity, config: P2PConfig, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.identity = identity
        self.config = config
        self.logger = logger
        self.group = group
        self.persistentIDs = Set(config.persistentPeers.map(\.id))
        (stream, continuation) = AsyncStream.makeStream(of: P2PEvent.self)
        core = Mutex(State(
            book: AddressBook(capacity: config.addressBookCapacity, perSourceLimit: config.addressBookPerSourceLimit),
            scores: ScoreBook(threshold: config.banThreshold, recoveryInterval: config.scoreRecoveryInterval,
                              banDuration: config.banDuration)))
    }

    public var nodeID: NodeID { identity.nodeID }

    /// The port the listener is bound to (nil before `start`), e.g. when `listenPort` was 0.
    public var listenPort: Int? { core.withLock { $0.boundPort } }

    /// What this node tells its peers in the handshake (nil before `start`).
    public var nodeInfo: NodeInfo? { core.withLock { $0.localInfo } }

    /// What happens on the network, for a single consumer. Per peer the order is `connected`,
    /// its messages, `disconnected`. Inbound back-pressure: when `inboundQueueLimit` messages of
    /// one peer are waiting here, the network stops reading that peer's socket until the
    /// consumer has taken half of them.
    public var events: P2PEvents { P2PEvents(stream: stream, network: self) }

    /// The consumer took a message of `peer`: resume reading it if it was paused.
    func consumed(_ peer: NodeID) {
        let resume = core.withLock { state -> PeerConnection? in
            guard let waiting = state.undelivered[peer] else { return nil }
            state.undelivered[peer] = waiting > 1 ? waiting - 1 : nil
            guard let record = state.peers[peer], record.readingPaused, waiting - 1 <= config.inboundQueueLimit / 2 else {
                return nil
            }
            state.peers[peer]!.readingPaused = false
            return record.connection
        }
        if let resume { resume.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in } }
    }

    // MARK: Starting and stopping

    /// Binds the listener, then dials the persistent peers and seeds. Returns the bound port.
    public func start() async throws -> Int {
        let fresh = core.withLock { state -> Bool in
            guard !state.starting else { return false }
            state.starting = true
            return true
        }
        guard fresh else { throw P2PNetworkError.alreadyStarted }
        if let problem = config.problem {
            core.withLock { $0.starting = false }
            throw P2PNetworkError.invalidConfig(problem)
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 128)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in initialize(channel, dialled: nil) }
        let server: any Channel
        do { server = try await bootstrap.bind(host: config.listenHost, port: config.listenPort).get() } catch {
            core.withLock { $0.starting = false }  // the caller may fix the cause and try again
            throw error
        }
        let port = server.localAddress?.port ?? config.listenPort
        let external = config.externalHostPort
        let externalHost = external?.host ?? ""
        let advertisedPort = external?.port ?? port
        let info = NodeInfo(nodeID: identity.nodeID, chainID: config.chainID, genesisHash: config.genesisHash,
                            listenPort: advertisedPort, externalHost: externalHost,
                            moniker: Self.truncated(config.moniker, to: NodeInfo.maxMonikerLength),
                            software: Self.truncated(config.software, to: NodeInfo.maxSoftwareLength))
        let now = ContinuousClock.now
        core.withLock { state in
            state.server = server
            state.localInfo = info
            state.boundPort = port
            state.running = true
            for address in config.persistentPeers where address.id != identity.nodeID {
                state.book.add(address, source: nil, persistent: true, now: now)
            }
            for seed in config.seeds where seed.id != identity.nodeID && !persistentIDs.contains(seed.id) {
                state.seeds[seed.id] = SeedState(address: seed, nextAttempt: now)
            }
        }
        logger.info("p2p listening", metadata: ["node_id": "\(identity.nodeID)", "port": "\(port)"])
        for seed in config.seeds { connect(seed) }
        maintain()
        let interval = config.maintenanceInterval
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                self.maintain()
            }
        }
        core.withLock { $0.maintenance = task }
        return port
    }

    /// At most `limit` UTF-8 bytes, cut between characters.
    static func truncated(_ text: String, to limit: Int) -> String {
        var text = text
        while text.utf8.count > limit { text.removeLast() }
        return text
    }

    /// Closes the listener and every connection, and finishes `events`.
    public func stop() async {
        let (server, connections, task) = core.withLock { state in
            state.running = false
            state.stopped = true
            for serial in state.connections.keys { state.closeReasons[serial] = "shutting down" }
            return (state.server, Array(state.connections.values), state.maintenance)
        }
        task?.cancel()
        try? await server?.close()
        for connection in connections { try? await connection.channel.close() }
        continuation.finish()
    }

    // MARK: The node's API

    /// Queues `payload` for `peer` on `channel` (1…255; 0 belongs to the P2P layer). False if
    /// there is no such peer, its send queue is full, or the payload exceeds the frame limit:
    /// nothing is buffered beyond the queue limit, the caller decides whether to retry.
    public func send(_ payload: [UInt8], channel: UInt8, to peer: NodeID) -> Bool {
        guard channel != 0, let connection = core.withLock({ $0.peers[peer]?.connection }),
              connection.trySend(channel: channel, payload: payload) else { return false }
        core.withLock { state in
            guard state.peers[peer]?.connection.serial == connection.serial else { return }
            state.peers[peer]!.info.messagesSent += 1
            state.peers[peer]!.info.bytesSent += UInt64(payload.count + 1)
        }
        return true
    }

    /// Sends to every connected peer except `except`; peers whose queue is full miss it.
    public func broadcast(_ payload: [UInt8], channel: UInt8, except: NodeID? = nil) {
        let ids = core.withLock { state in state.peers.keys.filter { $0 != except } }
        for id in ids { _ = send(payload, channel: channel, to: id) }
    }

    public func peers() -> [PeerInfo] {
        let now = ContinuousClock.now
        return core.withLock { state in
            state.peers.values.map { record in
                var info = record.info
                info.score = state.scores.score(.node(info.id), now: now)
                return info
            }.sorted { $0.id < $1.id }
        }
    }

    /// Whether the node id `peer` is currently banned.
    public func isBanned(_ peer: NodeID) -> Bool {
        let now = ContinuousClock.now
        return core.withLock { $0.scores.isBanned(.node(peer), now: now) }
    }

    /// The node reports a peer that sent something undecodable or invalid: its score drops, and
    /// at the threshold it is disconnected and banned.
    public func report(_ peer: NodeID, _ misbehaviour: Misbehaviour) {
        let ip = core.withLock { $0.peers[peer]?.connection.remoteIP }
        penalize(peer: peer, ip: ip, misbehaviour)
    }

    /// Dials `address` now (if not connected, banned or already dialling) and remembers it in
    /// the address book.
    public func dial(_ address: PeerAddress) {
        let now = ContinuousClock.now
        core.withLock { _ = $0.book.add(address, source: nil, now: now) }
        connect(address)
    }

    /// Closes the connection to `peer`, if any, with `reason` in its `disconnected` event.
    public func disconnect(_ peer: NodeID, reason: String) {
        let connection = core.withLock { state -> PeerConnection? in
            guard let connection = state.peers[peer]?.connection else { return nil }
            state.closeReasons[connection.serial] = reason
            return connection
        }
        connection?.close()
    }
}

/// `P2PNetwork.events`: an `AsyncStream` that tells the network when the node has taken a
/// message, for inbound back-pressure.
public struct P2PEvents: AsyncSequence, Sendable {
    public typealias Element = P2PEvent
    let stream: AsyncStream<P2PEvent>
    let network: P2PNetwork

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), network: network)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<P2PEvent>.AsyncIterator
        let network: P2PNetwork

        public mutating func next() async -> P2PEvent? {
            let event = await base.next()
            if case .message(let peer, _, _)? = event { network.consumed(peer) }
            return event
        }
    }
}

public enum P2PNetworkError: Error, Equatable, CustomStringConvertible {
    case alreadyStarted
    case invalidConfig(String)

    public var description: String {
        switch self {
        case .alreadyStarted: "the P2P network was already started (a network starts once)"
        case .invalidConfig(let why): "invalid P2P configuration: \(why)"
        }
    }
}
