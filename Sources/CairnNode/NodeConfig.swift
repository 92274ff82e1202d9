import Foundation
import TOMLKit

/// A node's settings: `config/config.toml` under the home directory, then command-line overrides.
/// None of these decide validity; consensus parameters live in the genesis file.
public struct NodeConfig: Sendable, Equatable {
    public var rpcHost = "127.0.0.1"
    public var rpcPort = 8645
    public var rpcMaxBodyBytes = 1 << 20
    public var rpcMaxBatchLength = 100
    /// Target time between blocks.
    public var blockIntervalMilliseconds = 1000
    /// Whether to produce a block when the mempool is empty.
    public var createEmptyBlocks = true
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
        ],
        "block": [
            "interval_ms": { c, v throws(Error) in c.blockIntervalMilliseconds = try int(v, "block.interval_ms", 10...600_000) },
            "create_empty": { c, v throws(Error) in c.createEmptyBlocks = try bool(v, "block.create_empty") },
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

    [block]
    # Target time between blocks, in milliseconds.
    interval_ms = 1000
    # Produce blocks even when there are no transactions.
    create_empty = true

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

    private static func bool(_ v: TOMLValueConvertible, _ key: String) throws(Error) -> Bool {
        guard let b = v.bool else { throw Error(message: "\(key) must be true or false") }
        return b
    }
}
