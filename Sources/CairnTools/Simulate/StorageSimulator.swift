import CairnCore
import CairnCrypto
import CairnRPC
import CairnState
import Foundation

/// `cairn simulate storage`: a fleet of storage providers, honest and cheating, with real data
/// files on disk, driven through JSON-RPC only. It onboards the providers through the maker,
/// registers their capacity, has clients propose a deal per file and the providers' owners accept
/// them, then for `blocks` blocks (and on to the reward settlement) answers each deal's challenge
/// once drawn, reading the chunks from disk, as each provider's class dictates. It then tallies
/// every decided period, the deals' money and the storage pool's rewards per class.
public struct StorageSimulator: Sendable {
    public struct Options: Sendable {
        public var rpc = "http://127.0.0.1:8645"
        public var seed: UInt64 = 1
        public var providers = 20
        /// Fraction of `providers` in each cheater class; the rest is honest.
        public var shares: [StorageClass: Double] = [.partialLoss: 0.2, .offline: 0.1, .wrongFile: 0.1]
        /// Fraction of each deal's chunks a partial-loss provider lost.
        public var lossFraction = 0.25
        public var dealsPerProvider = 3
        /// Accounts owning the providers, and client accounts proposing the deals.
        public var owners = 4
        public var clients = 4
        public var minFileSize: UInt64 = 64 << 10
        public var maxFileSize: UInt64 = 4 << 20
        /// Price of one proving period of one deal, base units.
        public var pricePerPeriod: Amount = AmountFormat.unit / 100
        public var blocks = 200
        /// Where the data files go (default: a fresh temporary directory), and whether they stay.
        public var dataDirectory: String?
        public var keepData = false
        public var maker: PrivateKey = CoverageSimulator.devnetMaker
        public var funder: PrivateKey = CoverageSimulator.devnetFunder
        /// Prove on until the reward settlement after the last block, so the rewards include it.
        public var waitForSettlement = true
        public init() {}
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> StorageReport {
        let started = ContinuousClock.now
        let node = SimulationNode(url: options.rpc)
        let chain = try await SimulationChain.connect(node)
        let p = try chain.module(StorageParameters.self, "storage")
        let fleet = try StorageFleet(options)
        let directory = options.dataDirectory ?? NSTemporaryDirectory() + "cairn-simulate-storage-\(options.seed)-\(getpid())"
        log("storage fleet: \(fleet.devices.count) providers, \(fleet.deals.count) deals, seed \(options.seed), chain \(chain.chainID); "
            + "writing the data to \(directory)…")
        let holdings = try StorageHoldings(fleet: fleet, directory: directory, chunkSize: Int(p.chunkSize), seed: options.seed,
                                           lossFraction: options.lossFraction)
        defer { if !options.keepData { holdings.remove() } }

        var report = StorageReport()
        report.chainID = chain.chainID
        report.seed = options.seed
        report.providers = fleet.devices.count
        report.dataBytes = fleet.deals.map(\.size).reduce(0, +)
        report.dataDirectory = options.keepData ? directory : ""
        report.provingPeriod = p.provingPeriod
        report.proofWindow = p.proofWindow
        report.challenges = p.challenges
        report.maxConsecutiveFaults = p.maxConsecutiveFaults
        report.lossFraction = options.lossFraction
        for d in fleet.devices { report.classes[d.fleetClass, default: StorageClassTally()].providers += 1 }

        let sender = ChainSender(node: node, chainID: chain.chainID, fee: chain.fee)
        let deals = try await StorageDealMaking(sender: sender, fleet: fleet, holdings: holdings, parameters: p, options: options,
                                                epochLength: chain.rewardEpochLength, log: log)
            .make(devices: chain.devices, into: &report)
        report.deals = deals.count

        let pool = PoolRewards(node: node, pool: "storage", epochLength: chain.rewardEpochLength)
        var end = try await node.tip() + UInt64(max(options.blocks, 1))
        if options.waitForSettlement { end = pool.settlementHeight(pool.epoch(of: end + p.proofWindow)) }
        try await prove(node: node, chainID: chain.chainID, fleet: fleet, holdings: holdings, deals: deals, through: end,
                        report: &report, log: log)
        try await StorageTally(node: node, fleet: fleet, holdings: holdings, pool: pool, challenges: p.challenges)
            .collect(deals, through: end, into: &report)
        report.seconds = Double((ContinuousClock.now - started).components.seconds)
        return report
    }

    /// Every block until `end`: reads the deals whose challenge may have been drawn and answers
    /// each challenge not yet answered, as its provider would. A deal is read again only once the
    /// tip reaches its current period's challenge height, so a block costs a read of the deals
    /// falling due, not of the whole fleet.
    func prove(node: SimulationNode, chainID: String, fleet: StorageFleet, holdings: StorageHoldings, deals: [Int: UInt64],
               through end: UInt64, report: inout StorageReport, log: @Sendable (String) -> Void) async throws {
        var next = try await node.tip() + 1
        report.firstHeight = next
        report.lastHeight = end
        log("proving at heights \(next)…\(end)…")
        // Deal index → the height from which its record is worth reading again.
        var due = Dictionary(uniqueKeysWithValues: deals.keys.map { ($0, UInt64(0)) })
        var answered = Set<[UInt64]>()
        while next <= end, !due.isEmpty {
            let tip = try await node.wait(forHeight: next)
            let reading = due.filter { $0.value <= tip }.keys.sorted()
            let records = try await node.batchValues(reading.map { ("storage_getDeal", ["deal": .integer(Int64(deals[$0]!))]) })
            var proofs: [(StorageClass, StorageProof)] = []
            for (index, record) in zip(reading, records) {
                guard record["status"]?.stringValue == "active", let challenge = record["challenge"],
                      let period = challenge["period"]?.integerValue.map(UInt64.init),
                      let height = challenge["challenge_height"]?.integerValue.map(UInt64.init) else {
                    due[index] = nil
                    continue
                }
                guard let indices = challenge["indices"]?.arrayValue?.compactMap({ $0.integerValue.map(UInt64.init) }) else {
                    due[index] = height
                    continue
                }
                due[index] = height + (record["proving_period"]?.integerValue.map(UInt64.init) ?? 1)
                let id = deals[index]!
                guard record["period_state"]?.stringValue == "open", answered.insert([id, period]).inserted else { continue }
                let sim = fleet.deals[index], provider = fleet.devices[sim.provider]
                if let proof = try holdings.respond(sim, as: provider, chainID: chainID, dealID: id, period: period, indices: indices) {
                    proofs.append((provider.fleetClass, proof))
                } else {
                    report.classes[provider.fleetClass]?.withheld += 1
                }
            }
            // In an order of their own each block, so no class's proofs are always the last to arrive.
            var rng = SeededRandom(seed: options.seed, "storage", "order", "\(tip)")
            proofs.shuffle(using: &rng)
            for ((c, _), outcome) in zip(proofs, try await node.submit(proofs.map(\.1.attestation))) {
                switch outcome {
                case .success: report.classes[c]?.proofsSubmitted += 1
                case .failure(let refusal): report.classes[c]?.proofsRefused[refusal.reason, default: 0] += 1
                }
            }
            if tip / 50 != (next - 1) / 50 { log("height \(tip): \(due.count) deals active, \(answered.count) challenges seen") }
            next = tip + 1
        }
        if next <= end { _ = try await node.wait(forHeight: end, timeout: .seconds(Int64(end - next) + 60)) }
    }
}
