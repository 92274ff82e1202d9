import CairnCore
import CairnCrypto

/// The raw libsecp256k1 public-key recovery rate on this machine, printed beside every
/// throughput figure so a result can be read as a fraction of what signature checking alone allows.
public struct RecoverRate: Sendable {
    public var perSecondOneCore: Double
    public var perSecondAllCores: Double
    public var cores: Int
    /// Recoveries made, and the CPU seconds of the threads that made them (their own work only).
    public var recoveries: Int
    public var recoveryCPU: Double

    /// Recovers the senders of `sample` (up to `count` of them) on one core, then on `cores` tasks at once.
    public static func measure(_ transactions: [Transaction], cores: Int, count: Int = 4_000) async throws -> RecoverRate {
        precondition(cores > 0 && !transactions.isEmpty && count > 0)
        let sample = Array(transactions.prefix(count))
        let digests = sample.map(\.unsigned.signingHash)
        // Each loop runs without suspending, so its thread's CPU clock counts the recoveries alone.
        @Sendable func recoverAll() throws -> Double {
            let start = CPUClock.threadSeconds()
            for (tx, d) in zip(sample, digests) { _ = try tx.signature.recoverAddress(digest: d) }
            return CPUClock.threadSeconds() - start
        }
        var cpu = 0.0
        let oneCore = try BenchClock.seconds { cpu += try recoverAll() }
        let allCores = try await BenchClock.secondsAsync {
            cpu += try await withThrowingTaskGroup(of: Double.self) { group in
                for _ in 0..<cores { group.addTask { try recoverAll() } }
                return try await group.reduce(0, +)
            }
        }
        return RecoverRate(perSecondOneCore: Double(sample.count) / oneCore,
                           perSecondAllCores: Double(sample.count * cores) / allCores, cores: cores,
                           recoveries: sample.count * (1 + cores), recoveryCPU: cpu)
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
