import ArgumentParser
import CairnNode
import Foundation
import Logging

struct HomeOption: ParsableArguments {
    @Option(name: .long, help: "Node home directory (config, chain data, keys).")
    var home: String = NodeHome.defaultRoot

    var nodeHome: NodeHome { NodeHome(home) }
}

struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "JSON-RPC address of the node.")
    var rpc: String = "http://127.0.0.1:8645"

    @Flag(name: .long, help: "Print JSON instead of text, for scripts.")
    var json = false
}

/// Node settings that flags may override on top of config.toml.
struct NodeOverrides: ParsableArguments {
    @Option(name: .long, help: "JSON-RPC listen address (default from config: 127.0.0.1).")
    var rpcHost: String?

    @Option(name: .long, help: "JSON-RPC port (default from config: 8645; 0 picks a free port).")
    var rpcPort: Int?

    @Option(name: .long, help: "P2P listen port (default from config: 26656; 0 picks a free port).")
    var p2pPort: Int?

    @Option(name: .long, help: "P2P listen address (default from config: 0.0.0.0).")
    var p2pHost: String?

    @Option(name: .long, help: "Least milliseconds between blocks (default from config: 1000).")
    var blockIntervalMs: Int?

    @Option(name: .long, help: "Produce blocks with no transactions: true or false (default from config: true).")
    var createEmptyBlocks: Bool?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func apply(to config: inout NodeConfig) throws {
        if let rpcHost { config.rpcHost = rpcHost }
        if let rpcPort {
            guard (0...65535).contains(rpcPort) else { throw ValidationError("--rpc-port must be between 0 and 65535") }
            config.rpcPort = rpcPort
        }
        if let p2pHost { config.p2pListenHost = p2pHost }
        if let p2pPort {
            guard (0...65535).contains(p2pPort) else { throw ValidationError("--p2p-port must be between 0 and 65535") }
            config.p2pListenPort = p2pPort
        }
        if let blockIntervalMs {
            guard (10...600_000).contains(blockIntervalMs) else { throw ValidationError("--block-interval-ms must be between 10 and 600000") }
            config.blockIntervalMilliseconds = blockIntervalMs
        }
        if let createEmptyBlocks { config.createEmptyBlocks = createEmptyBlocks }
        if let logLevel {
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
            config.logLevel = logLevel
        }
    }
}

/// Runs a node in the foreground until SIGINT/SIGTERM.
/// `adjust` changes the file's settings before the flags apply (the devnet keeps P2P on loopback).
func runNode(home: NodeHome, overrides: NodeOverrides, adjust: (inout NodeConfig) -> Void = { _ in }) async throws {
    var config = try NodeConfig.load(path: home.configFile)
    adjust(&config)
    try overrides.apply(to: &config)
    let level = Logger.Level(rawValue: config.logLevel) ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    let logger = Logger(label: "cairn")
    let node = try Node(home: home, config: config, logger: logger)
    let host = config.rpcHost
    try await node.run { port in
        logger.notice("JSON-RPC ready at http://\(host):\(port)")
    }
}

/// Errors a user can act on: printed as one line, exit code 1.
struct UserError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

func printJSON(_ value: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]) {
        print(String(decoding: data, as: UTF8.self))
    }
}
