import Prometheus

/// The node's Prometheus metrics (Specs/rpc.md, "Metrics"). Each node owns its own registry
/// rather than bootstrapping the process-wide `MetricsSystem`, so several nodes in one process
/// (tests, simulations) never share or clobber each other's values.
///
/// Everything here is observation only: nothing read from these metrics decides validity or state.
public final class NodeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Seconds: from 5 ms (an in-memory round) to 30 s (a chain stalled across many rounds).
    public static let secondsBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30),
    ]
    /// Transactions per block: empty blocks up to the default cap of 10 000.
    public static let transactionBuckets: [Double] = [0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10_000]
    /// The consensus steps `stepCompleted` accepts as labels; anything else is counted as "other"
    /// so a typo cannot create unbounded label values.
    public static let steps = ["propose", "prevote", "precommit", "commit"]

    private let height: Gauge
    private let round: Gauge
    private let blockInterval: DurationHistogram
    private let blockTransactions: ValueHistogram
    private let committedTransactions: Counter
    private let stepDurations: [String: DurationHistogram]
    private let otherStepDuration: DurationHistogram
    private let inboundPeers: Gauge
    private let outboundPeers: Gauge
    private let mempoolTransactions: Gauge
    private let mempoolBytes: Gauge
    private let syncHeight: Gauge
    private let syncTarget: Gauge
    private let syncing: Gauge
    private let finality: DurationHistogram
    private let signingFailing: Gauge

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func name(_ subsystem: String, _ metric: String, _ unit: String = "", _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "cairn", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
        }
        height = registry.makeGauge(descriptor: name("consensus", "height", "", "Height of the latest committed block."))
        round = registry.makeGauge(descriptor: name("consensus", "round", "", "Consensus round of the height in progress."))
        blockInterval = registry.makeDurationHistogram(
            descriptor: name("consensus", "block_interval", "seconds", "Time between consecutive committed blocks (header times)."),
            buckets: Self.secondsBuckets)
        blockTransactions = registry.makeValueHistogram(
            descriptor: name("consensus", "block_transactions", "", "Transactions per committed block."),
            buckets: Self.transactionBuckets)
        committedTransactions = registry.makeCounter(
            descriptor: name("consensus", "committed_transactions", "total", "Transactions committed since the node started."))
        let step = name("consensus", "step_duration", "seconds", "Time spent in each consensus step of a round.")
        var steps: [String: DurationHistogram] = [:]
        for s in Self.steps {
            steps[s] = registry.makeDurationHistogram(descriptor: step, labels: [("step", s)], buckets: Self.secondsBuckets)
        }
        stepDurations = steps
        otherStepDuration = registry.makeDurationHistogram(descriptor: step, labels: [("step", "other")], buckets: Self.secondsBuckets)
        let peers = name("p2p", "peers", "", "Connected peers by who dialled: inbound (they did) or outbound (we did).")
        inboundPeers = registry.makeGauge(descriptor: peers, labels: [("direction", "inbound")])
        outboundPeers = registry.makeGauge(descriptor: peers, labels: [("direction", "outbound")])
        mempoolTransactions = registry.makeGauge(descriptor: name("mempool", "transactions", "", "Transactions waiting in the mempool."))
        mempoolBytes = registry.makeGauge(descriptor: name("mempool", "bytes", "", "Encoded bytes of the transactions in the mempool."))
        syncHeight = registry.makeGauge(descriptor: name("blocksync", "height", "", "Height block sync has applied up to."))
        syncTarget = registry.makeGauge(descriptor: name("blocksync", "target_height", "", "Highest height reported by peers."))
        syncing = registry.makeGauge(descriptor: name("blocksync", "syncing", "", "1 while catching up with peers by block sync, 0 once in consensus."))
        finality = registry.makeDurationHistogram(
            descriptor: name("tx", "finality", "seconds", "Time from a transaction's first sighting by this node to its commit."),
            buckets: Self.secondsBuckets)

        signingFailing = registry.makeGauge(descriptor: name(
            "consensus", "signing_failing", "",
            "1 while this validator cannot sign (its sign state or journal cannot be written), else 0."))

        // Every series exists from the start, so dashboards show 0 rather than "no data".
        for gauge in [height, round, inboundPeers, outboundPeers, mempoolTransactions, mempoolBytes, syncHeight, syncTarget,
                      syncing, signingFailing] {
            gauge.set(to: 0)
        }
    }

    /// A block was committed at `height`; `interval` is the time since the previous block
    /// (nil for the first block after genesis or after a restart).
    public func blockCommitted(height: UInt64, transactions: Int, interval: Duration?) {
        self.height.set(to: Double(height))
        blockTransactions.record(Double(max(0, transactions)))
        if transactions > 0 { committedTransactions.increment(by: Int64(transactions)) }
        if let interval { blockInterval.record(max(interval, .zero)) }
    }

    public func roundChanged(_ round: UInt64) {
        self.round.set(to: Double(round))
    }

    /// `step` is one of `NodeMetrics.steps`; other names are recorded under `step="other"`.
    public func stepCompleted(_ step: String, duration: Duration) {
        (stepDurations[step] ?? otherStepDuration).record(max(duration, .zero))
    }

    public func peersChanged(inbound: Int, outbound: Int) {
        inboundPeers.set(to: Double(inbound))
        outboundPeers.set(to: Double(outbound))
    }

    public func mempoolChanged(transactions: Int, bytes: Int) {
        mempoolTransactions.set(to: Double(transactions))
        mempoolBytes.set(to: Double(bytes))
    }

    public func syncProgress(height: UInt64, target: UInt64, syncing: Bool) {
        syncHeight.set(to: Double(height))
        syncTarget.set(to: Double(target))
        self.syncing.set(to: syncing ? 1 : 0)
    }

    public func signingChanged(failing: Bool) {
        signingFailing.set(to: failing ? 1 : 0)
    }

    /// `latency`: from the moment this node first saw the transaction to its commit.
    public func finalityObserved(_ latency: Duration) {
        finality.record(max(latency, .zero))
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
