import CairnCrypto
import Logging
import Synchronization
@testable import CairnP2P

/// A node under test: a network plus everything its event stream said so far.
final class TestNode: Sendable {
    let network: P2PNetwork
    let port: Int
    private let recorded = EventLog()
    let logs = LogStore()
    private let consumer: Task<Void, Never>

    var id: NodeID { network.nodeID }
    var address: PeerAddress { PeerAddress(id: id, host: "127.0.0.1", port: port) }

    static let genesis = Hash32.sha256(Array("cairn-p2p-tests".utf8))

    /// Short intervals so the tests run quickly; deadlines generous, because the whole suite runs
    /// in parallel with multi-process tests on two shared cores (a handshake must not time out
    /// just because the machine is busy).
    static func config(chainID: String = "p2p-test", genesis: Hash32 = TestNode.genesis,
                       _ adjust: (inout P2PConfig) -> Void = { _ in }) -> P2PConfig {
        var config = P2PConfig(chainID: chainID, genesisHash: genesis)
        config.listenHost = "127.0.0.1"
        config.listenPort = 0
        config.handshakeTimeout = .seconds(15)
        config.dialTimeout = .seconds(10)
        config.maintenanceInterval = .milliseconds(100)
        config.redialBaseDelay = .milliseconds(100)
        config.redialMaxDelay = .milliseconds(500)
        config.pexRequestInterval = .milliseconds(400)
        config.banIPAddresses = false
        adjust(&config)
        return config
    }

    init(identity: NodeIdentity = .generate(), config: P2PConfig = TestNode.config()) async throws {
        let logs = logs
        var logger = Logger(label: "p2p-test") { _ in CapturingLogHandler(store: logs) }
        logger.logLevel = .debug
        let network = P2PNetwork(identity: identity, config: config, logger: logger)
        self.network = network
        port = try await network.start()
        let recorded = recorded
        consumer = Task {
            for await event in network.events { recorded.append(event) }
        }
    }

    var events: [P2PEvent] { recorded.all }

    /// Polls the recorded events until `predicate` holds for one of them or `seconds` pass.
    func waitFor(seconds: Double = 30, _ predicate: (P2PEvent) -> Bool) async -> Bool {
        await eventually(seconds: seconds) { self.events.contains(where: predicate) }
    }

    /// Waits for a log line whose message and metadata mention every one of `parts`.
    func waitForLog(seconds: Double = 30, _ parts: String...) async -> Bool {
        await eventually(seconds: seconds) { self.logs.contains(parts) }
    }

    func connected(to peer: NodeID) -> Bool { network.peers().contains { $0.id == peer } }

    func messages(from peer: NodeID) -> [(UInt8, [UInt8])] {
        events.compactMap { event in
            if case .message(let from, let channel, let payload) = event, from == peer { return (channel, payload) }
            return nil
        }
    }

    func disconnectReasons(_ peer: NodeID) -> [String] {
        events.compactMap { event in
            if case .disconnected(let id, let reason) = event, id == peer { return reason }
            return nil
        }
    }

    func stop() async {
        await network.stop()
        consumer.cancel()
    }
}

final class EventLog: Sendable {
    private let events = Mutex<[P2PEvent]>([])
    func append(_ event: P2PEvent) { events.withLock { $0.append(event) } }
    var all: [P2PEvent] { events.withLock { $0 } }
}

/// Polls `condition` every 20 ms for up to `seconds`; the result says whether it became true.
func eventually(seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

extension P2PEvent {
    var connectedPeer: NodeID? {
        if case .connected(let info) = self { return info.id }
        return nil
    }
}

/// Log lines of one node, as "message key=value …", for asserting on why connections ended.
final class LogStore: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
    func contains(_ parts: [String]) -> Bool { all.contains { line in parts.allSatisfy { line.contains($0) } } }
}

struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message) = (event.level, event.message)
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }.joined(separator: " ")
        store.append("\(level) \(message) \(fields)")
    }
}
