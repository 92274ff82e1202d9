import Foundation

/// The figures `cairn bench attestations` prints. The headline rate counts only receipts the
/// chain accepted (their beacon records read back from state) over the timed part: pool
/// admission plus the blocks that carried them; signing is preparation and is shown apart.
public struct AttestationBenchmarkReport: Sendable {
    public var options: AttestationBenchmark.Options
    /// Sampled before, between the blocks of, and after the timed parts.
    let recover: RecoverSamples
    let run: AttestationBenchmark.RunData
    let overlapped: AttestationBenchmark.OverlapData

    init(options: AttestationBenchmark.Options, run: AttestationBenchmark.RunData, overlapped: AttestationBenchmark.OverlapData,
         recover: RecoverSamples) {
        self.options = options
        self.run = run
        self.overlapped = overlapped
        self.recover = recover
    }

    /// The signature ceiling the ratios use: the median of the samples.
    public var recoverOneCore: Double { Double(recover.oneCore.percentile(50) ?? 0) }
    public var recoverAllCores: Double { Double(recover.allCores.percentile(50) ?? 0) }
    /// The signature ceiling for receipts: what signature checking alone would allow. An
    /// attestation of K receipts carries K + 1 signatures (the beacon report's too).
    public var receiptCeiling: Double { recoverAllCores * Double(options.witnesses) / Double(options.witnesses + 1) }
    /// The fastest sample on all cores, for a ratio against the machine at its best moment.
    public var recoverAllCoresFastest: Double { Double(recover.allCores.max ?? 0) }

    public var beacons: Int { run.verdicts.beacons }
    public var receipts: Int { run.verdicts.receipts }
    /// Receipts by verdict: `valid`, `valid_not_selected`, or the reason a rule refused them.
    public var verdicts: [String: Int] { run.verdicts.byReason }
    /// Submitted attestations the pool refused, by reason, and those with no beacon record after the run.
    public var refusals: [String: Int] { run.refusals }
    public var missingBeacons: Int { run.verdicts.missing }
    public var timedSeconds: Double { run.admissionSeconds + run.blockSeconds }
    /// The serial part: admission, then the blocks, one after the other.
    public var receiptsPerSecond: Double { Double(receipts) / timedSeconds }
    /// The overlapped part: admission of one block's attestations while the next block commits.
    public var overlappedReceipts: Int { overlapped.verdicts.receipts }
    public var overlappedVerdicts: [String: Int] { overlapped.verdicts.byReason }
    public var overlappedRefusals: [String: Int] { overlapped.refusals }
    public var overlappedMissingBeacons: Int { overlapped.verdicts.missing }
    public var overlappedReceiptsPerSecond: Double { overlapped.receiptsPerSecond }
    /// CPU seconds per receipt of each part counting the background work (LevelDB compaction)
    /// that ran while attestations were signed off the clock, which a node never pausing would pay.
    public var serialCPUPerReceiptAllIn: Double {
        (run.cpu.admission + run.cpu.blocks + run.untimed.backgroundCPU) / Double(max(receipts, 1))
    }
    public var overlappedCPUPerReceiptAllIn: Double {
        (overlapped.cpu + overlapped.untimed.backgroundCPU) / Double(max(overlappedReceipts, 1))
    }
    public var bytesPerReceipt: Double { Double(run.attestationBytes) / Double(max(receipts, 1)) }
    /// Net bytes of coverage state entries written per 1,000 accepted beacons.
    public var stateBytesPerThousandBeacons: Double { stateGrowth.values.reduce(0, +) }
    /// The same by namespace name.
    public var stateGrowth: [String: Double] { growth(run.coverageStateBytes) }
    /// Net bytes of coverage node index entries (outside the state tree) per 1,000 accepted beacons.
    public var indexBytesPerThousandBeacons: Double { growth(run.coverageIndexBytes).values.reduce(0, +) }

    private func growth(_ bytes: (before: [UInt8: Int], after: [UInt8: Int])) -> [String: Double] {
        var growth: [String: Double] = [:]
        for (namespace, after) in bytes.after {
            let added = after - (bytes.before[namespace] ?? 0)
            guard added != 0 else { continue }
            growth[AttestationReadings.namespaceNames[namespace] ?? "namespace \(namespace)"] = Double(added) * 1_000 / Double(max(beacons, 1))
        }
        return growth
    }
    /// Growth of the LevelDB directory over the measured part per 1,000 accepted beacons.
    public var directoryBytesPerThousandBeacons: Double { Double(run.directoryBytes.after - run.directoryBytes.before) * 1_000 / Double(max(beacons, 1)) }

    public var lines: [String] {
        func f0(_ v: Double) -> String { String(format: "%.0f", v) }
        func f2(_ v: Double) -> String { String(format: "%.2f", v) }
        func f3(_ v: Double) -> String { String(format: "%.3f", v) }
        func rate(_ count: Int, _ seconds: Double) -> String { seconds > 0 ? f0(Double(count) / seconds) : "-" }
        let o = options
        let stepText = run.steps.map { "\($0.step) \(f3($0.seconds)) s" }.joined(separator: ", ")
        func tally(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let verdictText = tally(verdicts), refusalText = tally(refusals)
        let blocks = max(run.blocks, 1)
        let growthText = stateGrowth.sorted { $0.value > $1.value }.map { "\($0.key) \(f0($0.value))" }.joined(separator: ", ")
        return [
            "node:                  1 in-process validator, \(o.hotspots) hotspots \(Int(o.spacingMetres)) m apart, \(o.witnesses) receipts an attestation, challenges_per_block \(o.challengesPerBlock), \(o.cores) cores",
            "setup (not measured):  \(2 * o.hotspots) onboarding + location transactions in \(run.setupBlocks) blocks, \(f2(run.setupSeconds)) s",
            "signing (not measured): \(run.signatures) signatures in \(f2(run.signingSeconds)) s, \(rate(run.signatures, run.signingSeconds))/s on \(o.cores) cores",
            "accepted:              \(beacons) beacons, \(receipts) receipts in \(run.blocks) blocks (\(beacons / blocks) attestations a block); verdicts: \(verdictText)",
            "refused by the pool:   \(refusalText); submitted without a beacon record: \(missingBeacons)",
            "pool admission:        \(f3(run.admissionSeconds)) s, \(rate(receipts, run.admissionSeconds)) receipts/s (decode + recover + the rules on committed state, \(o.cores) submitting tasks)",
            "  of which recovery:   decode + recover alone re-run on the last block's attestations: \(rate(run.verifyOnly.receipts, run.verifyOnly.seconds)) receipts/s on \(o.cores) cores",
            "blocks:                \(f3(run.blockSeconds)) s, \(rate(receipts, run.blockSeconds)) receipts/s (reap, build = the rules again + state tree, votes, journal, synced commit)",
            "  driver steps:        \(stepText)",
            "follower (block sync): \(f3(run.followerSeconds)) s, \(rate(receipts, run.followerSeconds)) receipts/s (a second node verifying the same blocks from scratch: recovery again, one core, + the rules + synced commit)",
            "committed receipts:    \(f0(receiptsPerSecond))/s verified and committed, serial (\(receipts) in \(f3(timedSeconds)) s timed = admission + blocks)",
            "CPU (all threads):     admission \(f3(run.cpu.admission)) s, blocks \(f3(run.cpu.blocks)) s = \(f0(Double(receipts) / (run.cpu.admission + run.cpu.blocks))) receipts per CPU-second (\(f0((run.cpu.admission + run.cpu.blocks) / Double(max(receipts, 1)) * 1e6)) µs a receipt; recovery alone \(f0(run.cpuPerRecovery * 1e6)) µs = \(f0(1 / max(run.cpuPerRecovery, 1e-12)))/CPU-s); follower \(f3(run.cpu.follower)) s",
            "  share of the timed CPU: admission \(f0(100 * run.cpu.admission / max(run.cpu.admission + run.cpu.blocks, 1e-9))) %, blocks \(f0(100 * run.cpu.blocks / max(run.cpu.admission + run.cpu.blocks, 1e-9))) %; recovery of \(receipts + beacons) signatures ≈ \(f0(100 * run.cpuPerRecovery * Double(receipts + beacons) / max(run.cpu.admission + run.cpu.blocks, 1e-9))) %",
            "bytes per receipt:     \(f2(bytesPerReceipt)) attestation bytes in blocks ÷ receipts (\(run.attestationBytes) bytes; whole blocks \(run.blockBytes) bytes)",
            "state growth:          \(f0(stateBytesPerThousandBeacons)) bytes of coverage state entries (namespace + key + value, net) per 1,000 beacons: \(growthText)",
            "node index growth:     \(f0(indexBytesPerThousandBeacons)) bytes of coverage node index entries (device history, not state) per 1,000 beacons",
            "LevelDB growth:        \(f0(directoryBytesPerThousandBeacons)) bytes of the database directory per 1,000 beacons (includes blocks, tree nodes, log; compaction makes it noisy)",
            "libsecp256k1 recover:  \(recover.rates.count) of \(recover.all.count) samples of \(RecoverSamples.sampleSize) taken before, between the blocks of and after the timed parts (node idle, off the clock; left out: those that shared the CPU with compaction, \(f3(recover.backgroundCPU)) CPU-s in all): min / median / max \(recover.oneCore.min ?? 0) / \(recover.oneCore.percentile(50) ?? 0) / \(recover.oneCore.max ?? 0) per second on 1 core, \(recover.allCores.min ?? 0) / \(recover.allCores.percentile(50) ?? 0) / \(recover.allCores.max ?? 0) on all \(o.cores) cores; ratios use the median",
            "load average:          \(run.load.before) before, \(run.load.after) after the timed part",
            "overlapped:            \(overlapped.verdicts.beacons) more beacons, \(overlappedReceipts) receipts in \(overlapped.blocks) blocks, each block's attestations admitted while the next block commits (as a node takes gossip while it builds); verdicts: \(tally(overlappedVerdicts)); refused by the pool: \(tally(overlappedRefusals)); without a beacon record: \(overlappedMissingBeacons)",
            "  committed receipts:  \(f0(overlappedReceiptsPerSecond))/s verified and committed, overlapped (\(overlappedReceipts) in \(f3(overlapped.seconds)) s); CPU \(f3(overlapped.cpu)) s = \(f0(overlapped.cpuPerReceipt * 1e6)) µs a receipt, \(f2(overlapped.cpu / max(overlapped.seconds, 1e-9))) cores busy",
            "untimed windows:       signers \(f3(run.untimed.signingCPU)) + \(f3(overlapped.untimed.signingCPU)) CPU-s (serial + overlapped); meanwhile, and while the recover rate was sampled, other work (LevelDB compacting earlier blocks) \(f3(run.untimed.backgroundCPU)) + \(f3(overlapped.untimed.backgroundCPU)) CPU-s, which a node that never pauses pays on the clock",
            "  counting it:         \(f0(serialCPUPerReceiptAllIn * 1e6)) µs a receipt serial, \(f0(overlappedCPUPerReceiptAllIn * 1e6)) overlapped, beside \(f0(run.cpuPerRecovery * 1e6)) µs a recovery: receipts per CPU-second ÷ recoveries per CPU-second = \(f3(run.cpuPerRecovery / max(serialCPUPerReceiptAllIn, 1e-12))) serial, \(f3(run.cpuPerRecovery / max(overlappedCPUPerReceiptAllIn, 1e-12))) overlapped",
            "ratio receipts / recover (all cores): serial \(f3(receiptsPerSecond / recoverAllCores)), overlapped \(f3(overlappedReceiptsPerSecond / recoverAllCores))",
            "ratio receipts / signature ceiling (median recover on all cores × \(o.witnesses)/\(o.witnesses + 1) = \(f0(receiptCeiling)) receipts/s): serial \(f3(receiptsPerSecond / receiptCeiling)), overlapped \(f3(overlappedReceiptsPerSecond / receiptCeiling))",
            "ratio receipts / recover (one core):  serial \(f3(receiptsPerSecond / recoverOneCore)), overlapped \(f3(overlappedReceiptsPerSecond / recoverOneCore))",
            "ratio receipts / fastest recover sample (all cores): serial \(f3(receiptsPerSecond / recoverAllCoresFastest)), overlapped \(f3(overlappedReceiptsPerSecond / recoverAllCoresFastest))",
        ]
    }
}
