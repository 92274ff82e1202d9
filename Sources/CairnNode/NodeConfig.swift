import Foundation
import TOMLKit

/// A node's settings: `config/config.toml` under the home directory, then command-line overrides.
/// None of these decide validity; consensus parameters live in the genesis file.
public struct NodeConfig: Sendable, Equatable {
    public var rpcHost = "127.0.0.1"
    public var rpcPort = 8645
    public var rpcMaxBodyBytes = 1 << 20
    public var rpcMaxBatchLength = 100
    /// JSON-RPC connection guards (Specs/rpc.md, HTTP rules).
    public var rpcIdleTimeoutMilliseconds = 75_000
    public var rpcReadTimeoutMilliseconds = 10_000
    public var rpcMaxConnections = 900
    /// Target time between blocks.
    public var blockIntervalMilliseconds = 1000
    /// Whether to produce a block when the mempool is empty.
    public var createEmptyBlocks = true
    /// Peer-to-peer: where to listen, whom to keep connected, how many peers.
    public var p2pListenHost = "0.0.0.0"
    public var p2pListenPort = 26656
    /// The `host:port` peers should dial, when it differs from the listen address.
    public var p2pExternalAddress = ""
    /// `id@host:port` entries: always connected, redialled forever.
    public var persistentPeers: [String] = []
    /// `id@host:port` entries dialled to learn addresses, then dropped.
    public var seeds: [String] = []
    public var maxInboundPeers = 40
    public var maxOutboundPeers = 10
    public var peerExchange = true
    /// Consensus timeouts (Specs/consensus.md): base and per-round growth, milliseconds.
    public var timeoutProposeMilliseconds = 1000
    public var timeoutProposeDeltaMilliseconds = 500
    public var timeoutPrevoteMilliseconds = 500
    public var timeoutPrevoteDeltaMilliseconds = 250
    public var timeoutPrecommitMilliseconds = 500
    public var timeoutPrecommitDeltaMilliseconds = 250
    public var mempoolMaxTransactions = 50_000
    public var mempoolMaxBytes = 64 << 20
    public var logLevel = "info"

    public init() {}

    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
    }

    /// Every key the file may hold, by section, with how to apply it.
    private typealias Setter = @Sendable (inout NodeConfig, any TOMLValueConvertible) throws(Error) -> Void
    private static let keys: [String: [String: Setter]] = [
        "rpc": [
            "host": { c, v throws(Error) in c.rpcHost = try string(v, "rpc.host") },
            "port": { c, v throws(Error) in c.rpcPort = try int(v, "rpc.port", 0...65535) },
            "max_body_bytes": { c, v throws(Error) in c.rpcMaxBodyBytes = try int(v, "rpc.max_body_bytes", 1024...(256 << 20)) },
            "max_batch_length": { c, v throws(Error) in c.rpcMaxBatchLength = try int(v, "rpc.max_batch_length", 1...10_000) },
            "idle_timeout_ms": { c, v throws(Error) in c.rpcIdleTimeoutMilliseconds = try int(v, "rpc.idle_timeout_ms", 100...3_600_000) },
            "read_timeout_ms": { c, v throws(Error) in c.rpcReadTimeoutMilliseconds = try int(v, "rpc.read_timeout_ms", 100...3_600_000) },
            "max_connections": { c, v throws(Error) in c.rpcMaxConnections = try int(v, "rpc.max_connections", 1...1_000_000) },
        ],
        "block": [
            "interval_ms": { c, v throws(Error) in c.blockIntervalMilliseconds = try int(v, "block.interval_ms", 10...600_000) },
            "create_empty": { c, v throws(Error) in c.createEmptyBlocks = try bool(v, "block.create_empty") },
        ],
        "p2p": [
            "listen_host": { c, v throws(Error) in c.p2pListenHost = try string(v, "p2p.listen_host") },
            "listen_port": { c, v throws(Error) in c.p2pListenPort = try int(v, "p2p.listen_port", 0...65535) },
            "external_address": { c, v throws(Error) in c.p2pExternalAddress = try string(v, "p2p.external_address") },
            "persistent_peers": { c, v throws(Error) in c.persistentPeers = try strings(v, "p2p.persistent_peers") },
            "seeds": { c, v throws(Error) in c.seeds = try strings(v, "p2p.seeds") },
            "max_inbound_peers": { c, v throws(Error) in c.maxInboundPeers = try int(v, "p2p.max_inbound_peers", 0...10_000) },
            "max_outbound_peers": { c, v throws(Error) in c.maxOutboundPeers = try int(v, "p2p.max_outbound_peers", 0...1_000) },
            "pex": { c, v throws(Error) in c.peerExchange = try bool(v, "p2p.pex") },
        ],
        "consensus": [
            "timeout_propose_ms": { c, v throws(Error) in c.timeoutProposeMilliseconds = try int(v, "consensus.timeout_propose_ms", 1...600_000) },
            "timeout_propose_delta_ms": { c, v throws(Error) in c.timeoutProposeDeltaMilliseconds = try int(v, "consensus.timeout_propose_delta_ms", 0...600_000) },
            "timeout_prevote_ms": { c, v throws(Error) in c.timeoutPrevoteMilliseconds = try int(v, "consensus.timeout_prevote_ms", 1...600_000) },
            "timeout_prevote_delta_ms": { c, v throws(Error) in c.timeoutPrevoteDeltaMilliseconds = try int(v, "consensus.timeout_prevote_delta_ms", 0...600_000) },
            "timeout_precommit_ms": { c, v throws(Error) in c.timeoutPrecommitMilliseconds = try int(v, "consensus.timeout_precommit_ms", 1...600_000) },
            "timeout_precommit_delta_ms": { c, v throws(Error) in c.timeoutPrecommitDeltaMilliseconds = try int(v, "consensus.timeout_precommit_delta_ms", 0...600_000) },
        ],
        "mempool": [
            "max_transactions": { c, v throws(Error) in c.mempoolMaxTransactions = try int(v, "mempool.max_transactions", 1...10_000_000) },
            "max_bytes": { c, v throws(Error) in c.mempoolMaxBytes = try int(v, "mempool.max_bytes", 1 << 16...(16 << 30)) },
        ],
        "log": [
            "level": { c, v throws(Error) in
                let level = try string(v, "log.level")
                guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                    throw Error(message: "log.level must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
                }
                c.logLevel = level
            },
        ],
    ]

    /// Parses TOML text. Unknown sections or keys are errors, so a typo never goes unnoticed.
    public static func parse(_ text: String, source: String = "config.toml") throws(Error) -> NodeConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch {
            if let e = error as? TOMLParseError {
                throw Error(message: "\(source) line \(e.source.begin.line): \(e.description)")
            }
            throw Error(message: "\(source): \(error)")
        }
        var config = NodeConfig()
        for section in table.keys.sorted() {
            guard let setters = keys[section] else {
                throw Error(message: "\(source): unknown section [\(section)]; known: \(keys.keys.sorted().joined(separator: ", "))")
            }
            guard let sub = table[section]?.table else {
                throw Error(message: "\(source): [\(section)] must be a table")
            }
            for key in sub.keys.sorted() {
                guard let apply = setters[key] else {
                    throw Error(message: "\(source): unknown key '\(key)' in [\(section)]; known: \(setters.keys.sorted().joined(separator: ", "))")
                }
                try apply(&config, sub[key]!)
            }
        }
        return config
    }

    public static func load(path: String) throws(Error) -> NodeConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return NodeConfig() }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// The file `cairn init` writes: every setting with its default, commented.
    public static let defaultFile = """
    # Cairn node configuration. Command-line flags override these values.

    [rpc]
    # JSON-RPC listens here. Keep it on 127.0.0.1 unless a proxy guards it.
    host = "127.0.0.1"
    port = 8645
    max_body_bytes = 1048576
    max_batch_length = 100
    # A connection is closed after this long without a request (between keep-alive requests).
    idle_timeout_ms = 75000
    # A request must be read in full (headers and body) this long after its first byte, or its connection is closed.
    read_timeout_ms = 10000
    # Connections open at once; more are closed when accepted. Keep it below the open-file limit
    # (ulimit -n) minus peers and database files.
    max_connections = 900

    [block]
    # Least time between blocks, in milliseconds: after a commit the next height starts as soon as
    # this has passed since the previous block (consensus itself adds no fixed commit delay).
    interval_ms = 1000
    # Produce blocks even when there are no transactions.
    create_empty = true

    [p2p]
    # Peers connect here. 26656 is the default port; use another per node on one machine.
    listen_host = "0.0.0.0"
    listen_port = 26656
    # The address peers should dial, as host:port, if not the listen address (e.g. behind NAT).
    external_address = ""
    # Always-connected peers, as "node_id@host:port" (`cairn show-node-id` prints an id).
    persistent_peers = []
    # Peers dialled only to learn addresses.
    seeds = []
    max_inbound_peers = 40
    max_outbound_peers = 10
    # Learn and share peer addresses (peer exchange).
    pex = true

    [consensus]
    # Round timeouts: base + delta × round, in milliseconds (Specs/consensus.md).
    timeout_propose_ms = 1000
    timeout_propose_delta_ms = 500
    timeout_prevote_ms = 500
    timeout_prevote_delta_ms = 250
    timeout_precommit_ms = 500
    timeout_precommit_delta_ms = 250

    [mempool]
    max_transactions = 50000
    max_bytes = 67108864

    [log]
    # trace, debug, info, notice, warning, error or critical
    level = "info"

    """

    private static func string(_ v: TOMLValueConvertible, _ key: String) throws(Error) -> String {
        guard let s = v.string else { throw Error(message: "\(key) must be a string") }
        return s
    }

    private static func int(_ v: TOMLValueConvertible, _ key: String, _ range: ClosedRange<Int>) throws(Error) -> Int {
        guard let i = v.int else { throw Error(message: "\(key) must be an integer") }
        guard range.contains(i) else { throw Error(message: "\(key) must be between \(range.lowerBound) and \(range.upperBound), got \(i)") }
        return i
    }

    private static func strings(_ v: TOMLValueConvertible, _ key: String) throws(Error) -> [String] {
        guard let array = v.array else { throw Error(message: "\(key) must be an array of strings") }
        var out: [String] = []
        for element in array {
            guard let s = element.string else { throw Error(message: "\(key) must be an array of strings") }
            out.append(s)
        }
        return out
    }

    private static func bool(_ v: TOMLValueConvertible, _ key: String) throws(Error) -> Bool {
        guard let b = v.bool else { throw Error(message: "\(key) must be true or false") }
        return b
    }
}
