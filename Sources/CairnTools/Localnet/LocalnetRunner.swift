import CairnState
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CairnCore
import CairnNode
import CairnRPC
import Foundation

/// Starts, stops and inspects a localnet's node processes. Each node runs as
/// `<executable> start --home <dir>/node<i>` in its own session, logging to `node<i>/node.log`;
/// their pids are kept in `pids.json` so a later `cairn` can stop them.
public enum LocalnetRunner {
    /// `pids.json`.
    public struct PidsFile: Codable, Sendable, Equatable {
        public struct Entry: Codable, Sendable, Equatable {
            public var name: String
            public var pid: Int32
        }
        public var nodes: [Entry]
    }

    public struct StartedNode: Sendable {
        public let node: Localnet.Node
        public let pid: Int32
        /// False when the node was already running and was left alone.
        public let launched: Bool
    }

    public struct StoppedNode: Sendable {
        public let node: Localnet.Node
        public let pid: Int32
        /// True when it ignored SIGTERM for the whole grace period and was killed.
        public let killed: Bool
    }

    public struct NodeStatus: Sendable {
        public let node: Localnet.Node
        /// The recorded pid, when that process is still this node.
        public let pid: Int32?
        public let height: Int64?
        /// Why there is no height, when there is none.
        public let rpcProblem: String?
    }

    public static func readPids(_ localnet: Localnet) throws(LocalnetError) -> PidsFile? {
        guard let data = FileManager.default.contents(atPath: localnet.pidsFile) else { return nil }
        do { return try JSONDecoder().decode(PidsFile.self, from: data) } catch {
            throw LocalnetError("\(localnet.pidsFile) is malformed (\(error)); stop stray nodes by hand (see `ps`) and delete it")
        }
    }

    /// The recorded pid of `node` if that process is alive and is this node.
    static func runningPid(_ node: Localnet.Node, in localnet: Localnet, pids: PidsFile?) -> Int32? {
        guard let pid = pids?.nodes.first(where: { $0.name == node.name })?.pid else { return nil }
        return DetachedProcess.isRunning(pid, marker: localnet.home(node).root) ? pid : nil
    }

    /// Launches every node that is not already running, records the pids, then waits until each
    /// node's JSON-RPC answers `node_status` for this chain.
    public static func start(_ localnet: Localnet, executable: String, timeout: Duration = .seconds(60))
        async throws(LocalnetError) -> [StartedNode]
    {
        let previous = try readPids(localnet)
        var started: [StartedNode] = []
        var entries: [PidsFile.Entry] = []
        for node in localnet.nodes {
            if let pid = runningPid(node, in: localnet, pids: previous) {
                started.append(StartedNode(node: node, pid: pid, launched: false))
            } else {
                let home = localnet.home(node)
                let pid = try DetachedProcess.spawn(executable: executable, arguments: ["start", "--home", home.root],
                                                    logPath: localnet.logFile(node))
                started.append(StartedNode(node: node, pid: pid, launched: true))
            }
            entries.append(.init(name: node.name, pid: started.last!.pid))
            // Recorded after every launch, so `stop` finds whatever was started even if this fails.
            try localnet.writeJSON(PidsFile(nodes: entries), to: localnet.pidsFile)
        }
        let genesisHash: String?
        do { genesisHash = try GenesisFile.load(path: localnet.genesisFile).hash.hex } catch { genesisHash = nil }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        for item in started {
            try await waitForRPC(item, localnet: localnet, chainID: localnet.manifest.chain_id,
                                 genesisHash: genesisHash, deadline: deadline, timeout: timeout)
        }
        return started
    }

    private static func waitForRPC(_ item: StartedNode, localnet: Localnet, chainID: String, genesisHash: String?,
                                   deadline: ContinuousClock.Instant, timeout: Duration) async throws(LocalnetError) {
        let node = item.node
        let client = JSONRPCClient(url: localnet.rpcURL(node))
        let log = localnet.logFile(node)
        let stopHint = "; `cairn localnet stop --dir \(localnet.directory)` stops the other nodes"
        var lastProblem = "no answer yet"
        while true {
            guard DetachedProcess.isRunning(item.pid, marker: localnet.home(node).root) else {
                throw LocalnetError("\(node.name) (pid \(item.pid)) exited during start-up; its log \(log) ends with:\n\(tail(of: log))\(stopHint)")
            }
            do {
                let status = try await client.call("node_status", timeout: .seconds(2))
                if let id = status["chain_id"]?.stringValue, id != chainID {
                    throw LocalnetError("\(localnet.rpcURL(node)) answers for chain '\(id)', not '\(chainID)': another node holds \(node.name)'s RPC port \(node.rpc_port); stop it or use another --base-port\(stopHint)")
                }
                if let genesisHash, let hash = status["genesis_hash"]?.stringValue, hash.lowercased() != genesisHash.lowercased() {
                    throw LocalnetError("\(localnet.rpcURL(node)) answers with another genesis (\(hash)): another node holds \(node.name)'s RPC port \(node.rpc_port)\(stopHint)")
                }
                return
            } catch let error as LocalnetError {
                throw error
            } catch {
                lastProblem = "\(error)"
            }
            guard ContinuousClock.now < deadline else {
                throw LocalnetError("\(node.name) did not answer node_status at \(localnet.rpcURL(node)) within \(timeout) (\(lastProblem)); see its log \(log)\(stopHint)")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The last lines of a log, for error messages.
    static func tail(of path: String, lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "  (no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
            .filter { !$0.isEmpty }.map { "  " + $0 }.joined(separator: "\n")
    }

    /// SIGTERM to every recorded node still running, up to `grace` for them to exit, then
    /// SIGKILL; removes `pids.json`. Returns the nodes that were running.
    public static func stop(_ localnet: Localnet, grace: Duration = .seconds(10)) async throws(LocalnetError) -> [StoppedNode] {
        let pids = try readPids(localnet)
        var running: [(Localnet.Node, Int32)] = []
        for node in localnet.nodes {
            if let pid = runningPid(node, in: localnet, pids: pids) { running.append((node, pid)) }
        }
        for (_, pid) in running { DetachedProcess.signal(pid, SIGTERM) }
        let deadline = ContinuousClock.now.advanced(by: grace)
        while ContinuousClock.now < deadline,
              running.contains(where: { DetachedProcess.isRunning($0.1, marker: localnet.home($0.0).root) }) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        var stopped: [StoppedNode] = []
        for (node, pid) in running {
            let stubborn = DetachedProcess.isRunning(pid, marker: localnet.home(node).root)
            if stubborn {
                DetachedProcess.signal(pid, SIGKILL)
                for _ in 0..<50 where DetachedProcess.isRunning(pid, marker: localnet.home(node).root) {
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            stopped.append(StoppedNode(node: node, pid: pid, killed: stubborn))
        }
        try? FileManager.default.removeItem(atPath: localnet.pidsFile)
        return stopped
    }

    /// Each node's process and, when it answers, its latest height.
    public static func status(_ localnet: Localnet) async throws(LocalnetError) -> [NodeStatus] {
        let pids = try readPids(localnet)
        var result: [NodeStatus] = []
        for node in localnet.nodes {
            let pid = runningPid(node, in: localnet, pids: pids)
            var height: Int64?
            var problem: String?
            do {
                let status = try await JSONRPCClient(url: localnet.rpcURL(node)).call("node_status", timeout: .seconds(3))
                height = status["latest_height"]?.integerValue
                if height == nil { problem = "node_status has no latest_height" }
            } catch .transport {
                problem = "not answering"
            } catch {
                problem = "\(error)"
            }
            result.append(NodeStatus(node: node, pid: pid, height: height, rpcProblem: problem))
        }
        return result
    }
}
