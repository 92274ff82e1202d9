import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
@testable import CairnNode
import CairnState
import CairnP2P
import CairnStorage
import CairnTestSupport
import Foundation
import Logging
import Synchronization

/// A deterministic discrete-event simulation of real validators: every node is the production
/// `ConsensusDriver` with its own LevelDB chain, double-sign guard and journal on disk, its
/// proposal checks, block building and verification, and block sync through `applySynced`. Only
/// the network and the clock are simulated: messages cross a seeded network with delays, losses
/// and a partition before `gst`, timers run on virtual time, and nodes crash and restart (with
/// their journal lost, when the scenario says so) from what they had on disk.
///
/// Determinism: the driver starts no task of its own (every timer goes through the scheduler
/// given to it), and the loop below awaits each event to the end before taking the next, so a
/// seed replays exactly. `failures` lists every violation of agreement, progress, or an honest
/// validator reported as misbehaving by another.
final class DriverSimulation: @unchecked Sendable {
    static let chainID = "cairn-driver-sim"
    static let genesisTime: UInt64 = 1_000
    /// Header times: the virtual clock plus this (every block is after genesis).
    static let wallClockOffset: UInt64 = 1_000_000
    static let timeouts = TimeoutConfig(propose: 400, proposeDelta: 200, prevote: 200, prevoteDelta: 100,
                                        precommit: 200, precommitDelta: 100)
    static let tickInterval: UInt64 = 1_000
    static let maxEvents = 2_000_000
    /// Block sync asks for this many heights at once (the real syncer's per-peer window).
    static let syncWindow: UInt64 = 8

    /// What the network does to one message, beyond the scenario's delays and losses.
    enum Shaping {
        case normal
        case delay(UInt64)
        case drop
    }

    enum Event {
        case start(Int)
        case deliver(to: Int, from: Int, NodeMessage)
        case work(node: Int, epoch: Int, @Sendable () async -> Void)
        case crash(Int, journalLoss: Bool)
        case restart(Int)
        case tick(Int)
        case synced(to: Int, epoch: Int, Block, Commit)
    }

    struct Report: CustomStringConvertible {
        let reporter: Int
        let reported: Int
        let at: UInt64
        let misbehaviour: Misbehaviour
        var description: String { "node \(reporter) reported node \(reported) at t=\(at)ms: \(misbehaviour)" }
    }

    final class Node {
        let index: Int
        let key: PrivateKey
        let peerID: NodeID
        let honest: Bool
        let directory: String
        var chain: NodeChain?
        var driver: ConsensusDriver?
        var up = false
        /// Bumped at every crash: timers and sync answers of an earlier life are dropped.
        var epoch = 0

        init(index: Int, key: PrivateKey, honest: Bool, directory: String) {
            self.index = index
            self.key = key
            self.peerID = NodeID(hex: Hex.encode(Array(Hash32.sha256(parts: [UInt8(index)], [0x1D]).bytes.prefix(NodeID.byteCount))))!
            self.honest = honest
            self.directory = directory
        }

        var signStatePath: String { directory + "/sign_state.json" }
        var journalPath: String { directory + "/consensus.journal" }
    }

    let scenario: SimulatorScenario
    let genesis: Genesis
    let nodes: [Node]
    let root: String
    let shaping: (@Sendable (_ from: Int, _ to: Int, _ message: NodeMessage, _ now: UInt64) -> Shaping)?
    let logs: Bool

    private let lock = NSLock()
    private var queue = SimulatorEventQueue<Event>()
    private var rng: SeededGenerator
    private(set) var now: UInt64 = 0
    private let origin = ContinuousClock.now
    private(set) var reports: [Report] = []
    private(set) var failures: [String] = []
    private(set) var events = 0

    init(scenario: SimulatorScenario, directory: String,
         shaping: (@Sendable (Int, Int, NodeMessage, UInt64) -> Shaping)? = nil) throws {
        self.scenario = scenario
        self.root = directory
        self.shaping = shaping
        self.logs = ProcessInfo.processInfo.environment["CAIRN_SIM_LOG"] == "1"
        rng = SeededGenerator(seed: scenario.seed ^ 0xD21E_5EED)
        let keys = (0..<scenario.count).map { try! PrivateKey(bytes: Hash32.sha256(parts: [UInt8($0)], [0x4B]).bytes) }
        genesis = Genesis(
            chainID: Self.chainID, genesisTime: Self.genesisTime, protocolVersion: 1,
            parameters: [.consensus(ConsensusParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: 1))],
            allocations: keys.map { .init(address: $0.address, balance: 1_000) },
            validators: ValidatorSet(zip(keys, scenario.powers).map { Validator(address: $0.address, power: $1) }))
        nodes = keys.indices.map {
            Node(index: $0, key: keys[$0], honest: scenario.behaviours[$0] == .honest, directory: directory + "/node\($0)")
        }
    }

    /// Where simulations put their nodes: memory-backed when the machine has it, so the many
    /// synced writes of a run cost no disk flushes.
    static func scratchDirectory(_ name: String) -> String {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        return base + "cairn-\(name)-\(UInt64.random(in: 0...UInt64.max))"
    }

    var honest: [Node] { nodes.filter(\.honest) }

    // MARK: - Running

    /// Runs until every honest validator has committed `scenario.targetHeight` blocks (or the
    /// deadline passes), then checks agreement and that nobody reported an honest validator. The
    /// chains stay open for the caller's checks until `close()`.
    func run() async {
        for node in honest { push(.start(node.index), at: 0) }
        for crash in scenario.crashes where nodes[crash.node].honest {
            push(.crash(crash.node, journalLoss: crash.journalLoss > 0), at: crash.at)
            push(.restart(crash.node), at: crash.at + crash.downFor)
        }
        for node in honest { push(.tick(node.index), at: Self.tickInterval + UInt64(node.index)) }
        let lastRestart = scenario.crashes.map { $0.at + $0.downFor }.max() ?? 0
        let deadline = max(scenario.gst, lastRestart) + 120_000

        while !(await finished()), let (time, event) = pop() {
            guard time <= deadline, events < Self.maxEvents else { break }
            now = time
            events += 1
            await handle(event)
            // Hops onto idle actors run on this thread without suspending, so without a yield a
            // run would hold a thread of the (two-thread) test pool to itself for its whole length.
            await Task.yield()
        }
        await check()
    }

    /// Closes every node's chain (after `run` and the reads of what it committed).
    func close() {
        for node in nodes {
            node.driver = nil
            node.chain?.close()
            node.chain = nil
        }
    }

    private func finished() async -> Bool {
        for node in honest {
            guard node.up, let driver = node.driver, await driver.committedTip.height >= scenario.targetHeight else { return false }
        }
        return true
    }

    private func handle(_ event: Event) async {
        switch event {
        case .start(let index):
            await boot(nodes[index])
        case .deliver(let to, let from, let message):
            let node = nodes[to]
            guard node.up, let driver = node.driver else { return }
            await driver.receive(message, from: nodes[from].peerID)
        case .work(let index, let epoch, let work):
            guard nodes[index].up, nodes[index].epoch == epoch else { return }
            await work()
        case .crash(let index, let journalLoss):
            let node = nodes[index]
            guard node.up else { return }
            node.up = false
            node.epoch += 1
            node.driver = nil
            node.chain?.close()
            node.chain = nil
            if journalLoss { try? FileManager.default.removeItem(atPath: node.journalPath) }
        case .restart(let index):
            guard !nodes[index].up else { return }
            await boot(nodes[index])
        case .tick(let index):
            push(.tick(index), at: now + Self.tickInterval)
            let node = nodes[index]
            guard node.up, let driver = node.driver else { return }
            await driver.regossipIfStuck()
            await requestBlocks(for: node, driver)
        case .synced(let to, let epoch, let block, let commit):
            let node = nodes[to]
            guard node.up, node.epoch == epoch, let driver = node.driver else { return }
            do { try await driver.applySynced(block, commit: commit) } catch {
                fail("node \(to) refused synced block \(block.header.height) from an honest peer: \(error)")
            }
        }
    }

    /// Opens the node's chain, guard and journal as a process start would, and starts its driver.
    private func boot(_ node: Node) async {
        do {
            let chain = try NodeChain(directory: node.directory + "/chain", genesis: genesis)
            let mempool = try chain.makeMempool()
            let logger = logger(node.index)
            let driver = try ConsensusDriver(
                chain: chain, mempool: mempool,
                signer: try ValidatorSigner(key: node.key, stateFile: node.signStatePath),
                journal: try ConsensusJournal(path: node.journalPath, logger: logger),
                messenger: Messenger(simulation: self, node: node.index),
                settings: .init(timeouts: Self.timeouts, minBlockInterval: .zero, regossipInterval: .milliseconds(Int64(Self.tickInterval))),
                logger: logger, clock: { [unowned self] in Self.wallClockOffset + self.now },
                scheduler: Scheduler(simulation: self, node: node.index, epoch: node.epoch))
            node.chain = chain
            node.driver = driver
            node.up = true
            try await driver.start()
        } catch {
            fail("node \(node.index) cannot start at t=\(now)ms: \(error)")
        }
    }

    private func logger(_ index: Int) -> Logger {
        guard logs else { return Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() }) }
        var logger = Logger(label: "node\(index)", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .debug
        return logger
    }

    /// Block sync reduced to its effect: a node behind an up, reachable peer asks it for the next
    /// blocks with their commits, which arrive after a network delay and go through the driver's
    /// `applySynced` as the real syncer's do.
    private func requestBlocks(for node: Node, _ driver: ConsensusDriver) async {
        let mine = await driver.committedTip.height
        for peer in nodes where peer.index != node.index && peer.up && reachable(peer.index, node.index) {
            guard let database = peer.chain?.database, let theirs = (try? database.tip())??.height, theirs > mine else { continue }
            for height in (mine + 1)...min(theirs, mine + Self.syncWindow) {
                guard let block = try? database.block(height: height), let commit = try? database.commit(height: height) else { break }
                push(.synced(to: node.index, epoch: node.epoch, block, commit), at: now + delay())
            }
            return
        }
    }

    // MARK: - Network and clock

    private func reachable(_ from: Int, _ to: Int) -> Bool {
        !scenario.partitions.contains { $0.start <= now && now < $0.end && $0.side[from] != $0.side[to] }
    }

    private func delay() -> UInt64 {
        lock.withLock {
            UInt64.random(in: 1...(now < scenario.gst ? scenario.maxDelayBeforeGST : scenario.maxDelayAfterGST), using: &rng)
        }
    }

    fileprivate func send(_ message: NodeMessage, from: Int, except: NodeID?) {
        switch message {
        case .proposal, .vote: break
        default: return
        }
        for peer in nodes where peer.index != from && peer.peerID != except {
            var extra: UInt64 = 0
            switch shaping?(from, peer.index, message, now) ?? .normal {
            case .drop: continue
            case .delay(let d): extra = d
            case .normal: break
            }
            if now < scenario.gst {
                let lost = lock.withLock { UInt64.random(in: 0..<1_000, using: &rng) < scenario.dropPerMille }
                if lost || !reachable(from, peer.index) { continue }
            }
            push(.deliver(to: peer.index, from: from, message), at: now + delay() + extra)
        }
    }

    fileprivate func report(_ peer: NodeID, _ misbehaviour: Misbehaviour, by reporter: Int) {
        let reported = nodes.firstIndex { $0.peerID == peer } ?? -1
        lock.withLock { reports.append(Report(reporter: reporter, reported: reported, at: now, misbehaviour: misbehaviour)) }
    }

    fileprivate func instant(_ milliseconds: UInt64) -> ContinuousClock.Instant {
        origin.advanced(by: .milliseconds(Int64(milliseconds)))
    }

    fileprivate func push(_ event: Event, at time: UInt64) {
        lock.withLock { queue.push(event, at: time) }
    }

    private func pop() -> (time: UInt64, event: Event)? {
        lock.withLock { queue.pop() }
    }

    private func fail(_ message: String) {
        lock.withLock { failures.append(message) }
    }

    // MARK: - Checks

    private func check() async {
        var tips: [Int: UInt64] = [:]
        for node in honest {
            guard let driver = node.driver else { continue }
            tips[node.index] = await driver.committedTip.height
        }
        if honest.contains(where: { (tips[$0.index] ?? 0) < scenario.targetHeight }) {
            var states: [String] = []
            for node in honest {
                guard let status = await node.driver?.status() else { states.append("\(node.index): down"); continue }
                let votes = status.votes.map { "r\($0.round) prevotes \($0.prevotes) precommits \($0.precommits)" }
                states.append("\(node.index): h\(status.height) r\(status.round) \(status.step) locked \(status.lockedRound.map(String.init) ?? "-") "
                              + "valid \(status.validRound.map(String.init) ?? "-") [\(votes.joined(separator: "; "))]")
            }
            fail("progress: honest validators did not all commit height \(scenario.targetHeight) by t=\(now)ms "
                 + "(tips \(honest.map { tips[$0.index].map(String.init) ?? "down" }), \(events) events)\n"
                 + states.joined(separator: "\n"))
        }
        // Agreement: every honest node that committed a height committed the same block.
        let top = tips.values.max() ?? 0
        if top > 0 {
            for height in 1...top {
                var seen: [Hash32: [Int]] = [:]
                for node in honest {
                    guard let id = try? node.chain?.database.blockID(height: height) else { continue }
                    seen[id, default: []].append(node.index)
                }
                if seen.count > 1 { fail("agreement: height \(height) committed differently: \(seen.values.sorted { $0[0] < $1[0] })") }
            }
        }
        for report in reports where report.reported < 0 || nodes[report.reported].honest {
            fail("an honest validator was scored down: \(report)")
        }
    }

    /// The block each honest node committed at `height` (nil where it has none).
    func committedBlocks(height: UInt64) -> [Block?] {
        honest.map { node in (try? node.chain?.database.block(height: height)) ?? nil }
    }

    // MARK: - The driver's view of the world

    struct Messenger: PeerMessenger {
        unowned let simulation: DriverSimulation
        let node: Int

        func broadcast(_ message: NodeMessage, except: NodeID?) { simulation.send(message, from: node, except: except) }
        func send(_ message: NodeMessage, to peer: NodeID) -> Bool { false }
        func report(_ peer: NodeID, _ misbehaviour: Misbehaviour) { simulation.report(peer, misbehaviour, by: node) }
    }

    struct Scheduler: ConsensusScheduler {
        unowned let simulation: DriverSimulation
        let node: Int
        let epoch: Int

        func now() -> ContinuousClock.Instant { simulation.instant(simulation.now) }

        func schedule(after delay: Duration, _ work: @escaping @Sendable () async -> Void) {
            let (seconds, attoseconds) = delay.components
            let milliseconds = UInt64(max(0, seconds)) * 1_000 + UInt64(max(0, attoseconds)) / 1_000_000_000_000_000
            simulation.push(.work(node: node, epoch: epoch, work), at: simulation.now + milliseconds)
        }
    }
}
