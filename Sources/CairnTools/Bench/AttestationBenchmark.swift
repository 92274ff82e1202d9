import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
import CairnNode
import CairnState
import Foundation
import Logging

/// `cairn bench attestations`: proof-of-coverage witness receipts verified and committed per
/// second through one in-process validator — the real attestation pool (decode, signature
/// recovery, the coverage rules on committed state), consensus driver, block builder (the rules
/// again, every receipt's verdict written) and synced LevelDB commits — beside the raw
/// libsecp256k1 recovery rate of the same run.
///
/// Blocks are paced by the benchmark: after block h commits, it reads h's challenges from state and
/// signs one attestation per challengee (preparation: a gatherer's work, off the clock). The serial
/// part then submits them all (timed), then starts height h + 1 and waits for its commit (timed),
/// so each phase's cost shows apart. The overlapped part that follows submits them while height
/// h + 1 commits, as a node admits gossip while it builds: its rate is the one a node reaches.
public struct AttestationBenchmark: Sendable {
    public struct Options: Sendable {
        public var hotspots = 20_000
        /// Accepted beacons (attestations) to commit.
        public var beacons = 5_000
        /// Receipts per attestation (K).
        public var witnesses = 14
        public var challengesPerBlock = 1_024
        public var challengeWindow = 4
        public var owners = 100
        public var spacingMetres = 1_500.0
        public var cores = ProcessInfo.processInfo.activeProcessorCount

        public init() {}
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    typealias Node = BenchNode

    public func run(log: @Sendable (String) -> Void = { print($0) }) async throws -> AttestationBenchmarkReport {
        let o = options
        precondition(o.hotspots > o.witnesses && o.beacons > 0 && o.witnesses > 0 && o.cores > 0 && o.owners > 0)
        let setup = try AttestationChainSetup(owners: o.owners, witnesses: o.witnesses, challengesPerBlock: o.challengesPerBlock,
                                              challengeWindow: o.challengeWindow)
        log("deriving \(o.hotspots) hotspot keys on a \(Int(o.spacingMetres)) m grid…")
        let grid = try await AttestationGrid(hotspots: o.hotspots, spacingMetres: o.spacingMetres, witnesses: o.witnesses, cores: o.cores)

        let directory = NSTemporaryDirectory() + "cairn-bench-attest-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let node = try makeNode(setup: setup, directory: directory)
        defer { node.chain.close() }
        try await node.driver.start()

        log("signing \(o.hotspots) onboardings and \(o.hotspots) location assertions (\(o.owners) owners)…")
        let onboardings = try await AttestationParallel.map(o.hotspots, cores: o.cores) { setup.onboarding($0, grid: grid) }
        let locations = try await AttestationParallel.map(o.hotspots, cores: o.cores) { setup.location($0, grid: grid) }

        let setupStart = ContinuousClock.now
        var setupBlocks = try await commitAll(onboardings, setup: setup, node: node, what: "onboardings", log: log)
        setupBlocks += try await commitAll(locations, setup: setup, node: node, what: "location assertions", log: log)
        let located = try AttestationReadings.locatedHotspots(chain: node.chain)
        guard located == UInt64(o.hotspots) else { throw BenchmarkError("bench: \(located) hotspots located, expected \(o.hotspots)") }
        let setupSeconds = BenchClock.seconds(ContinuousClock.now - setupStart)

        log("attesting \(o.beacons) beacons, \(o.witnesses) receipts each, up to \(o.challengesPerBlock) challenges a block…")
        let factory = AttestationFactory(grid: grid, chainID: AttestationChainSetup.chainID, parameters: setup.coverage)
        let measuredFrom = try node.chain.tip().height
        // The raw recover rate, sampled before, between the blocks of and after the timed part
        // (node idle each time, off the clock), so the ratios compare the same minutes.
        let loadBefore = NetworkBenchmark.loadAverage()
        var recover = RecoverSamples(transactions: onboardings, cores: o.cores)
        try await recover.sample()
        var run = try await attest(factory: factory, node: node, recover: &recover, log: log)
        let serialEnd = try node.chain.tip().height
        let serialBackground = recover.backgroundCPU
        log("attesting \(o.beacons) more beacons overlapped: each block's attestations admitted while the next block commits…")
        var overlapped = try await attestOverlapped(factory: factory, node: node, recover: &recover, log: log)
        try await recover.sample()
        run.cpuPerRecovery = recover.cpuPerRecovery
        // What compaction did while the rate was sampled after each block belongs to that part's work.
        run.untimed.backgroundCPU += serialBackground
        overlapped.untimed.backgroundCPU += recover.backgroundCPU - serialBackground
        run.load = (loadBefore, NetworkBenchmark.loadAverage())
        run.setupBlocks = setupBlocks
        run.setupSeconds = setupSeconds

        log("replaying the blocks on a follower through block sync (the verifier path)…")
        let follower = try AttestationFollower(genesis: setup.genesis)
        defer { follower.close() }
        _ = try await follower.follow(node.chain, through: measuredFrom)
        (run.followerSeconds, run.cpu.follower) = try await CPUClock.measure {
            try await follower.follow(node.chain, through: serialEnd)
        }
        return AttestationBenchmarkReport(options: o, run: run, overlapped: overlapped, recover: recover)
    }

    func makeNode(setup: AttestationChainSetup, directory: String) throws -> Node {
        let o = options
        return try BenchNode.make(genesis: setup.genesis, validator: setup.validator, directory: directory,
                                  mempool: MempoolLimits(maxTransactions: 2 * o.hotspots + 1_000, maxBytes: 1 << 30,
                                                         maxPerSender: 2 * (o.hotspots / o.owners + 1)),
                                  attestations: AttestationPoolLimits(maxAttestations: max(20_000, 4 * o.challengesPerBlock), maxBytes: 1 << 30))
    }

    /// Submits `transactions` (each owner's in nonce order, owners spread over the cores) and
    /// commits blocks until the mempool is empty. Returns the blocks it took.
    func commitAll(_ transactions: [Transaction], setup: AttestationChainSetup, node: Node, what: String,
                   log: @Sendable (String) -> Void) async throws -> Int {
        try await node.commitAll(transactions, cores: options.cores, lane: { setup.owner(of: $0) }, what: what, log: log)
    }
}
