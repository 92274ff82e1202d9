import CairnCore
import CairnCrypto
import CairnNode
import CairnState

extension AttestationBenchmark {
    /// The overlapped part of the run: what a node does when attestations arrive by gossip while
    /// it builds. After block h commits, h's challengees' attestations are signed (off the clock);
    /// then, on the clock, they are submitted to the pool while block h + 1 is built and committed
    /// carrying what the pool held when h + 1 started (mostly h − 1's, admitted during the previous
    /// cycle). The challenge window (4 blocks) leaves room for that lag of one block.
    struct OverlapData: Sendable {
        var blocks = 0
        var refusals: [String: Int] = [:]
        var verdicts = AttestationReadings.Verdicts()
        /// Wall seconds of the overlapped cycles, plus the blocks that drain the pool at the end.
        var seconds = 0.0
        /// CPU seconds of the process (all threads) in the same intervals.
        var cpu = 0.0
        var untimed = UntimedWindows()

        var receiptsPerSecond: Double { seconds > 0 ? Double(verdicts.receipts) / seconds : 0 }
        var cpuPerReceipt: Double { cpu / Double(max(verdicts.receipts, 1)) }
    }

    func attestOverlapped(factory: AttestationFactory, node: Node, recover: inout RecoverSamples,
                          log: @Sendable (String) -> Void) async throws -> OverlapData {
        let o = options
        var run = OverlapData()
        var beaconIDs: [Hash32] = []
        while true {
            let height = try node.chain.tip().height
            let batch: [AttestationFactory.Signed]
            if beaconIDs.count < o.beacons {
                let record = try AttestationReadings.challenges(at: height, chain: node.chain), limit = o.beacons - beaconIDs.count
                batch = try await run.untimed.sign { try await factory.attestations(height: height, record: record, limit: limit, cores: o.cores) }
            } else {
                batch = []
            }
            beaconIDs += batch.map(\.beaconID)
            if batch.isEmpty, await node.pool.count == 0 { break }

            let start = ContinuousClock.now
            let ((refusals, block), cpu) = try await CPUClock.measure {
                async let refused = submit(batch, to: node.pool)
                let block = try await node.commitNext()
                return (await refused, block)
            }
            run.seconds += BenchClock.seconds(ContinuousClock.now - start)
            run.cpu += cpu
            run.blocks += 1
            run.refusals.merge(refusals, uniquingKeysWith: +)
            try await recover.sample()
            log("  block \(block.header.height): \(block.attestations.count) attestations committed while \(batch.count) of block \(height)'s were admitted")
        }
        run.verdicts = try AttestationReadings.verdicts(of: beaconIDs, chain: node.chain)
        guard run.verdicts.beacons > 0 else { throw BenchmarkError("bench: no overlapped beacon was accepted (pool refusals: \(run.refusals))") }
        return run
    }
}
