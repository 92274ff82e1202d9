import CairnCore

/// The raw recover rate sampled again and again through a run, between blocks, with the node
/// idle. This VM's speed moves by tens of percent within a minute, so one measurement before and
/// one after would say more about the moment than about the run; the median of samples spread
/// over the run is what a rate measured over the same minutes is compared with. A sample that
/// shared the machine with LevelDB's compaction would flatter the ratio, so it is left out.
struct RecoverSamples: Sendable {
    let transactions: [Transaction]
    let cores: Int
    /// Transactions recovered per sample, once on one core and once on each core.
    static let sampleSize = 2_000
    /// A sample during which the rest of the process (LevelDB compacting what the last block
    /// wrote) took more CPU than this share of the recovering threads' is not a clean measurement.
    static let maxBackgroundShare = 0.05
    /// Every sample, with the process CPU in its window beyond the recovering threads' own.
    private(set) var all: [(rate: RecoverRate, background: Double)] = []

    init(transactions: [Transaction], cores: Int) {
        self.transactions = transactions
        self.cores = cores
    }

    mutating func sample() async throws {
        let (rate, window) = try await CPUClock.measure {
            try await RecoverRate.measure(transactions, cores: cores, count: Self.sampleSize)
        }
        all.append((rate, max(0, window - rate.recoveryCPU)))
    }

    /// CPU the rest of the process (compaction) spent while the samples ran.
    var backgroundCPU: Double { all.reduce(0) { $0 + $1.background } }

    /// The samples the ratios use: the clean ones, or every one if none was clean.
    var rates: [RecoverRate] {
        let clean = all.filter { $0.background <= Self.maxBackgroundShare * $0.rate.recoveryCPU }.map(\.rate)
        return clean.isEmpty ? all.map(\.rate) : clean
    }

    /// CPU seconds of one recovery, from the recovering threads' clocks in every sample.
    var cpuPerRecovery: Double {
        all.reduce(0) { $0 + $1.rate.recoveryCPU } / Double(max(all.reduce(0) { $0 + $1.rate.recoveries }, 1))
    }

    /// Lowest, median (nearest rank) and highest of the samples used, per second.
    var oneCore: Percentiles { Percentiles(rates.map { Int64($0.perSecondOneCore) }) }
    var allCores: Percentiles { Percentiles(rates.map { Int64($0.perSecondAllCores) }) }
}
