import ArgumentParser
import CairnTools
import Foundation

struct LocalnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localnet",
        abstract: "Run a multi-validator network on this machine, one background process per validator.",
        discussion: """
        Node i serves JSON-RPC on 127.0.0.1:(base-port + 2i) and peers on 127.0.0.1:(base-port + 2i + 1). \
        The localnet directory holds localnet.json (the nodes), genesis.json, accounts.json (funded test \
        keys, unencrypted), pids.json while running, and one node home per validator with its node.log.
        """,
        subcommands: [Start.self, Stop.self, Status.self])

    struct DirOption: ParsableArguments {
        @Option(name: .long, help: "Localnet directory.")
        var dir: String = "./localnet"
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a localnet (first time or with --reset) and start its nodes in the background.",
            discussion: """
            If the directory already holds a localnet, its nodes are restarted as they are (nodes still \
            running are left alone); --validators, --chain-id, --base-port and --block-interval-ms then \
            apply only with --reset, which stops the nodes, deletes the directory and generates a new network.
            """)

        @OptionGroup var dir: DirOption

        @Option(name: .long, help: "Number of validators, 1–64 (default 4).")
        var validators: Int?

        @Option(name: .long, help: "Chain id of a new localnet (default \(LocalnetSpec.defaultChainID)).")
        var chainId: String?

        @Option(name: .long, help: "First port (default \(LocalnetSpec.defaultBasePort)): node i uses base+2i (RPC) and base+2i+1 (P2P).")
        var basePort: Int?

        @Option(name: .long, help: "Target milliseconds between blocks (default 200).")
        var blockIntervalMs: Int?

        @Flag(name: .long, help: "Stop the nodes, delete the localnet directory and generate a new one.")
        var reset = false

        @Option(name: .long, help: "Seconds to wait for every node's JSON-RPC to answer.")
        var waitSeconds: Int = 60

        func run() async throws {
            var spec = LocalnetSpec()
            if let validators { spec.validators = validators }
            if let chainId { spec.chainID = chainId }
            if let basePort { spec.basePort = basePort }
            if let blockIntervalMs { spec.blockIntervalMilliseconds = blockIntervalMs }
            try spec.validate()
            guard waitSeconds >= 1 else { throw ValidationError("--wait-seconds must be at least 1") }

            if reset {
                // A localnet whose manifest no longer reads is still removed (its nodes, if any,
                // cannot be found without it).
                if let existing = try? Localnet.open(directory: dir.dir) {
                    let stopped = try await LocalnetRunner.stop(existing)
                    if !stopped.isEmpty { print("Stopped \(stopped.count) running node(s) of the old localnet") }
                }
                try Localnet.remove(directory: dir.dir)
            }
            var localnet = try Localnet.open(directory: dir.dir)
            if let existing = localnet {
                try checkFlagsMatch(existing)
                print("Restarting the localnet in \(existing.directory) (pass --reset for a new one)")
            } else {
                localnet = try Localnet.generate(spec: spec, directory: dir.dir)
                print("Generated a localnet of \(spec.validators) validator(s) in \(localnet!.directory)")
            }
            let net = localnet!
            let started = try await LocalnetRunner.start(net, executable: DetachedProcess.currentExecutable(),
                                                         timeout: .seconds(waitSeconds))
            print("")
            for item in started {
                let node = item.node
                print("\(node.name)\(item.launched ? "" : " (was already running)")  pid \(item.pid)")
                print("  rpc:        \(net.rpcURL(node))")
                print("  p2p:        \(net.p2pAddress(node))")
                print("  node id:    \(node.node_id)")
                print("  validator:  \(node.validator)")
                print("  log:        \(net.logFile(node))")
            }
            print("")
            print("Chain \(net.manifest.chain_id); funded test keys in \(net.accountsFile)")
            print("Status: cairn localnet status --dir \(net.directory)")
            print("Stop:   cairn localnet stop --dir \(net.directory)")
        }

        /// Flags given explicitly must agree with the existing localnet, so nobody believes they
        /// got 7 validators when the directory holds 4.
        func checkFlagsMatch(_ net: Localnet) throws {
            var differences: [String] = []
            if let validators, validators != net.nodes.count { differences.append("--validators \(validators) (it has \(net.nodes.count))") }
            if let chainId, chainId != net.manifest.chain_id { differences.append("--chain-id \(chainId) (it has \(net.manifest.chain_id))") }
            if let basePort, basePort != net.manifest.base_port { differences.append("--base-port \(basePort) (it has \(net.manifest.base_port))") }
            if let blockIntervalMs, blockIntervalMs != net.manifest.block_interval_ms {
                differences.append("--block-interval-ms \(blockIntervalMs) (it has \(net.manifest.block_interval_ms))")
            }
            guard differences.isEmpty else {
                throw UserError("\(net.directory) already holds a localnet that differs from \(differences.joined(separator: ", ")); pass --reset to regenerate it, or drop those flags to restart it as it is")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the localnet's nodes: SIGTERM, then SIGKILL after 10 seconds.")

        @OptionGroup var dir: DirOption

        func run() async throws {
            guard let net = try Localnet.open(directory: dir.dir) else {
                print("No localnet in \(Localnet.absolute(dir.dir)); nothing to stop")
                return
            }
            let stopped = try await LocalnetRunner.stop(net)
            if stopped.isEmpty {
                print("No node of the localnet in \(net.directory) is running")
            }
            for item in stopped {
                print("Stopped \(item.node.name) (pid \(item.pid))\(item.killed ? " with SIGKILL: it ignored SIGTERM for 10 s" : "")")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each node's process and latest height.")

        @OptionGroup var dir: DirOption

        func run() async throws {
            guard let net = try Localnet.open(directory: dir.dir) else {
                throw UserError("no localnet in \(Localnet.absolute(dir.dir)); create one with `cairn localnet start`")
            }
            print("Localnet \(net.manifest.chain_id) in \(net.directory)")
            for status in try await LocalnetRunner.status(net) {
                let process = status.pid.map { "running (pid \($0))" } ?? "not running"
                let height = status.height.map { "height \($0)" } ?? "rpc: \(status.rpcProblem ?? "no answer")"
                print("  \(status.node.name)  \(process)  \(net.rpcURL(status.node))  \(height)")
            }
        }
    }
}
