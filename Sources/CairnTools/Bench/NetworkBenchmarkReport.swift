import CairnCrypto
import CairnNode
import Foundation

/// The figures `cairn bench network` prints, all for the measured window (after the warm-up).
public struct NetworkBenchmarkReport: Sendable {
    public var validators: Int
    public var accounts: Int
    public var blockIntervalSetting: Int
    public var windowSeconds: Int
    public var offeredPerSecond: Double
    /// Transactions sent during the window (due in it) and how many of those were refused.
    public var sentInWindow: Int
    /// Transactions whose request actually left during the window, per second (below the
    /// offered rate when the nodes answer too slowly for the senders to keep the schedule).
    public var sentPerSecond: Double
    /// node0's own histograms over the window: mean consensus step durations and the mean of its
    /// finality metric (admission → commit), milliseconds; nil when /metrics did not answer.
    public var stepMeans: [(step: String, milliseconds: Double, count: Int)]?
    public var nodeFinalityMean: Double?
    public var committedPerSecond: Double
    /// Finality latency (first seen committed − sent) of the window's accepted transactions, µs.
    public var latency: Percentiles
    /// Accepted in the window but not seen committed before the drain ended.
    public var uncommitted: Int
    /// How late sends were against the schedule (send − due), µs.
    public var sendLag: Percentiles
    public var blocks: Int
    /// Header time differences between consecutive blocks committed in the window, ms.
    public var blockIntervals: Percentiles
    public var transactionsInWindowBlocks: Int
    public var rejections: [String: Int]
    public var rejectedInWindow: Int
    public var requests: Int
    public var pollErrors: [String: Int]
    public var drained: Bool
    public var recover: RecoverRate
    public var loadBefore: String
    public var loadAfter: String
    public var directory: String
    public var kept: Bool

    init(options o: NetworkBenchmark.Options, schedule: FixedRateSchedule, signed: NetworkBenchmark.Signed,
         run: NetworkBenchmark.RunData, recover: RecoverRate, loadBefore: String, loadAfter: String, directory: String) {
        let from = Int64(o.warmupSeconds) * 1_000_000
        let to = Int64(o.warmupSeconds + o.durationSeconds) * 1_000_000
        let window = schedule.indices(dueFromMicroseconds: from, toMicroseconds: to)
        let seconds = Double(o.durationSeconds)
        validators = o.validators
        accounts = o.accounts
        blockIntervalSetting = o.blockIntervalMilliseconds
        windowSeconds = o.durationSeconds
        offeredPerSecond = Double(window.count) / seconds
        committedPerSecond = Double(run.seen.values.count(where: { (from..<to).contains($0) })) / seconds

        var latencies: [Int64] = [], lags: [Int64] = []
        var sent = 0, rejected = 0, uncommitted = 0
        var rejections: [String: Int] = [:]
        for sender in run.senders {
            for (k, index) in sender.indices.enumerated() where window.contains(index) {
                sent += 1
                lags.append(sender.sentMicroseconds[k] - schedule.dueMicroseconds(index))
                guard sender.accepted[k] else { rejected += 1; continue }
                if let seen = run.seen[signed.ids[index]] {
                    latencies.append(seen - sender.sentMicroseconds[k])
                } else {
                    uncommitted += 1
                }
            }
            rejections.merge(sender.rejections, uniquingKeysWith: +)
        }
        sentInWindow = sent
        sentPerSecond = Double(run.senders.reduce(0) { $0 + $1.sentMicroseconds.count(where: { (from..<to).contains($0) }) }) / seconds
        if let a = run.metricsAtWindowStart, let b = run.metricsAtWindowEnd {
            stepMeans = NodeMetrics.steps.compactMap { step in
                b.mean("cairn_consensus_step_duration_seconds{step=\"\(step)\"}", since: a).map { (step, $0.mean * 1000, $0.count) }
            }
            nodeFinalityMean = b.mean("cairn_tx_finality_seconds", since: a).map { $0.mean * 1000 }
        }
        rejectedInWindow = rejected
        self.uncommitted = uncommitted
        latency = Percentiles(latencies)
        sendLag = Percentiles(lags)
        self.rejections = rejections
        requests = run.senders.reduce(0) { $0 + $1.requests }

        let sortedBlocks = run.blocks.sorted { $0.height < $1.height }
        var intervals: [Int64] = []
        var inWindow = 0, transactions = 0
        for (k, block) in sortedBlocks.enumerated() where (from..<to).contains(block.seenMicroseconds) {
            inWindow += 1
            transactions += block.transactions
            if k > 0, sortedBlocks[k - 1].height == block.height - 1 {
                intervals.append(block.timeMilliseconds - sortedBlocks[k - 1].timeMilliseconds)
            }
        }
        blocks = inWindow
        blockIntervals = Percentiles(intervals)
        transactionsInWindowBlocks = transactions
        pollErrors = run.pollErrors
        drained = run.drained
        self.recover = recover
        self.loadBefore = loadBefore
        self.loadAfter = loadAfter
        self.directory = directory
        kept = o.keep
    }

    public var lines: [String] {
        func f0(_ v: Double) -> String { String(format: "%.0f", v) }
        func ms(_ us: Int64?) -> String { us.map { String(format: "%.1f", Double($0) / 1000) } ?? "-" }
        func msInt(_ v: Int64?) -> String { v.map(String.init) ?? "-" }
        var lines = [
            "validators:            \(validators) `cairn start` processes on loopback, block interval \(blockIntervalSetting) ms, \(accounts) sending accounts",
            "window:                \(windowSeconds) s after the warm-up; load average \(loadBefore) before, \(loadAfter) after",
            "offered:               \(f0(offeredPerSecond)) tx/s (\(sentInWindow) transactions due in the window; \(requests) batch requests over the whole run; send lag p50 \(ms(sendLag.percentile(50))) ms, max \(ms(sendLag.max)) ms)",
            "sent:                  \(f0(sentPerSecond)) tx/s actually left the benchmark during the window",
            "committed:             \(f0(committedPerSecond)) tx/s",
            "finality latency:      p50 \(ms(latency.percentile(50))) ms, p90 \(ms(latency.percentile(90))) ms, p99 \(ms(latency.percentile(99))) ms, max \(ms(latency.max)) ms (\(latency.count) transactions)",
            "  measured as first seen committed − sent; commits polled on node0 every \(NetworkLoad.pollInterval) (chain_getBlock by height), so figures include up to ~5 ms of polling plus one RPC",
            "blocks:                \(blocks) in the window, \(blocks == 0 ? "-" : String(format: "%.1f", Double(transactionsInWindowBlocks) / Double(blocks))) transactions per block on average",
            "block interval:        mean \(msInt(blockIntervals.mean)) ms, p50 \(msInt(blockIntervals.percentile(50))) ms, p99 \(msInt(blockIntervals.percentile(99))) ms, max \(msInt(blockIntervals.max)) ms (header times)",
            "rejected:              \(rejectedInWindow) in the window; whole run by reason: \(rejections.isEmpty ? "none" : rejections.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))",
        ]
        if let stepMeans {
            let steps = stepMeans.map { "\($0.step) \(String(format: "%.1f", $0.milliseconds)) ms (×\($0.count))" }.joined(separator: ", ")
            lines.append("node0 consensus steps: mean \(steps.isEmpty ? "none recorded" : steps) over the window (its /metrics)")
            if let nodeFinalityMean { lines.append("node0 finality metric: mean \(String(format: "%.1f", nodeFinalityMean)) ms from its admission to its commit") }
        } else {
            lines.append("node0 /metrics did not answer at the window's start or end: no step breakdown")
        }
        if uncommitted > 0 || !drained {
            lines.append("not committed:         \(uncommitted) accepted transactions of the window were not seen committed within \(NetworkBenchmark.drainTimeout) after the last send")
        }
        if !pollErrors.isEmpty {
            lines.append("poll errors:           " + pollErrors.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: "; "))
        }
        lines += [
            "libsecp256k1 recover:  \(f0(recover.perSecondOneCore))/s on 1 core, \(f0(recover.perSecondAllCores))/s on all \(recover.cores) cores (this run, before the nodes started)",
            "ratio committed / recover (all cores): \(String(format: "%.3f", committedPerSecond / recover.perSecondAllCores))",
        ]
        if kept { lines.append("localnet kept in \(directory)") }
        return lines
    }
}
