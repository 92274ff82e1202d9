import CairnCore
import CairnCrypto

/// The raw libsecp256k1 public-key recovery rate on this machine, printed beside every
/// throughput figure so a result can be read as a fraction of what signature checking alone allows.
public struct RecoverRate: Sendable {
    public var perSecondOneCore: Double
    public var perSecondAllCores: Double
    public var cores: Int

    /// Recovers the senders of `sample` (up to 4,000 of them) on one core, then on `cores` tasks at once.
    public static func measure(_ transactions: [Transaction], cores: Int) async throws -> RecoverRate {
        precondition(cores > 0 && !transactions.isEmpty)
        let sample = Array(transactions.prefix(4_000))
        let digests = sample.map(\.unsigned.signingHash)
        let oneCore = try BenchClock.seconds { for (tx, d) in zip(sample, digests) { _ = try tx.signature.recoverAddress(digest: d) } }
        let allCores = try await BenchClock.secondsAsync {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<cores {
                    group.addTask {
                        for (tx, d) in zip(sample, digests) { _ = try tx.signature.recoverAddress(digest: d) }
                    }
                }
                try await group.waitForAll()
            }
        }
        return RecoverRate(perSecondOneCore: Double(sample.count) / oneCore,
                           perSecondAllCores: Double(sample.count * cores) / allCores, cores: cores)
    }
}

/// Elapsed-time helpers for benchmarks (never for anything that decides validity).
public enum BenchClock {
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    public static func microseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
    }

    public static func seconds(_ body: () throws -> Void) throws -> Double {
        let t0 = ContinuousClock.now
        try body()
        return seconds(ContinuousClock.now - t0)
    }

    public static func secondsAsync(_ body: () async throws -> Void) async throws -> Double {
        let t0 = ContinuousClock.now
        try await body()
        return seconds(ContinuousClock.now - t0)
    }
}
