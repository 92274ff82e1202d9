import CairnCore
import CairnCrypto
import CairnNode
import Synchronization

/// The consensus driver's own step durations, summed by step, so the benchmark can say where a
/// block's time went (propose = reap and build, which applies every attestation's rules; commit
/// = the synced write and the pools' updates) without instrumenting the node.
final class AttestationStepTimes: ConsensusObserver {
    private let totals = Mutex<[String: Duration]>([:])

    func stepCompleted(_ step: String, duration: Duration) {
        totals.withLock { $0[step, default: .zero] += duration }
    }

    func blockCommitted(height: UInt64, transactions: Int, interval: Duration?) {}
    func roundChanged(_ round: UInt64) {}
    func transactionsCommitted(_ ids: [Hash32]) {}

    /// Totals so far, by step.
    var snapshot: [String: Duration] { totals.withLock { $0 } }

    /// Seconds spent in each step since `earlier`, in the driver's step order.
    func seconds(since earlier: [String: Duration]) -> [(step: String, seconds: Double)] {
        let now = snapshot
        return NodeMetrics.steps.map { ($0, BenchClock.seconds((now[$0] ?? .zero) - (earlier[$0] ?? .zero))) }
    }
}
