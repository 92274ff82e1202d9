import CairnCore
import CairnCrypto
import CairnMempool
import CairnNode
import CairnState

extension AttestationBenchmark {
    /// What the measured part of the run did, for the report.
    struct RunData: Sendable {
        var setupBlocks = 0
        var setupSeconds = 0.0
        var blocks = 0
        var submitted = 0
        var refusals: [String: Int] = [:]
        var verdicts = AttestationReadings.Verdicts()
        var signatures = 0
        var signingSeconds = 0.0
        /// Timed: submissions to the pool (decode, recovery, the rules on committed state).
        var admissionSeconds = 0.0
        /// Timed: from starting each height to its commit (reap, build, votes, journal, synced write).
        var blockSeconds = 0.0
        var steps: [(step: String, seconds: Double)] = []
        var attestationBytes = 0
        var blockBytes = 0
        var coverageStateBytes: (before: [UInt8: Int], after: [UInt8: Int]) = ([:], [:])
        var coverageIndexBytes: (before: [UInt8: Int], after: [UInt8: Int]) = ([:], [:])
        var directoryBytes = (before: 0, after: 0)
        /// Decoding and recovery alone (`RuleSet.verifyAttestation`) of the last block's
        /// attestations on all cores, re-run after the clock stopped.
        var verifyOnly = (receipts: 0, seconds: 0.0)
        /// A second node taking the measured blocks through block sync (AttestationFollower).
        var followerSeconds = 0.0
        var load = (before: "", after: "")
        /// CPU seconds of the process (all threads) in the timed phases and the follower, and
        /// what else ran while the attestations were signed (off the clock; see `UntimedWindows`).
        var cpu = (admission: 0.0, blocks: 0.0, follower: 0.0)
        var untimed = UntimedWindows()
        /// CPU seconds per libsecp256k1 recovery, from the recover-rate measurements.
        var cpuPerRecovery = 0.0
    }

    /// The measured cycles: for each committed block, sign its challengees' attestations (off
    /// the clock), submit them (timed), commit the next block (timed), read the verdicts back.
    func attest(factory: AttestationFactory, node: Node, recover: inout RecoverSamples, log: @Sendable (String) -> Void) async throws -> RunData {
        let o = options
        var run = RunData()
        run.coverageStateBytes.before = try AttestationReadings.coverageStateBytes(chain: node.chain)
        run.coverageIndexBytes.before = try AttestationReadings.coverageStateBytes(chain: node.chain, index: true)
        run.directoryBytes.before = AttestationReadings.directoryBytes(node.directory)
        let stepsBefore = node.steps.snapshot
        var last: [AttestationFactory.Signed] = []
        while run.verdicts.beacons < o.beacons {
            let height = try node.chain.tip().height
            let record = try AttestationReadings.challenges(at: height, chain: node.chain)
            let signStart = ContinuousClock.now
            let signed = try await run.untimed.sign { try await factory.attestations(height: height, record: record, limit: o.beacons - run.verdicts.beacons, cores: o.cores) }
            run.signingSeconds += BenchClock.seconds(ContinuousClock.now - signStart)
            run.signatures += signed.reduce(0) { $0 + $1.receipts + 1 }

            let submitStart = ContinuousClock.now
            let (refusals, admissionCPU) = await CPUClock.measure { await submit(signed, to: node.pool) }
            let blockStart = ContinuousClock.now
            let (blocks, blockCPU) = try await CPUClock.measure {
                var blocks: [Block] = [try await node.commitNext()]
                // Whatever a block's limits left in the pool goes in the next, still on the clock.
                while await node.pool.count > 0 { blocks.append(try await node.commitNext()) }
                return blocks
            }
            let end = ContinuousClock.now
            run.cpu.admission += admissionCPU
            run.cpu.blocks += blockCPU
            run.admissionSeconds += BenchClock.seconds(blockStart - submitStart)
            run.blockSeconds += BenchClock.seconds(end - blockStart)

            run.blocks += blocks.count
            run.submitted += signed.count
            run.refusals.merge(refusals, uniquingKeysWith: +)
            for block in blocks {
                run.attestationBytes += block.attestations.reduce(0) { $0 + $1.canonicalBytes.count }
                run.blockBytes += block.canonicalBytes.count
            }
            let verdicts = try AttestationReadings.verdicts(of: signed.map(\.beaconID), chain: node.chain)
            guard verdicts.beacons > 0 else { throw BenchmarkError("bench: no beacon of block \(height) was accepted (pool refusals: \(refusals))") }
            run.verdicts.add(verdicts)
            try await recover.sample()
            log("  block \(height): \(verdicts.beacons) beacons, \(verdicts.receipts) receipts committed in \(blocks.map { String($0.header.height) }.joined(separator: ", ")) (\(run.verdicts.beacons) of \(o.beacons))")
            last = signed
        }
        run.steps = node.steps.seconds(since: stepsBefore)
        run.coverageStateBytes.after = try AttestationReadings.coverageStateBytes(chain: node.chain)
        run.coverageIndexBytes.after = try AttestationReadings.coverageStateBytes(chain: node.chain, index: true)
        run.directoryBytes.after = AttestationReadings.directoryBytes(node.directory)
        run.verifyOnly = try await verifyOnly(last, rules: try node.chain.admissionRules().ruleSet)
        return run
    }

    /// The untimed windows in which attestations are signed (and the recover rate sampled).
    /// LevelDB goes on compacting what the blocks before wrote meanwhile: work a node that never
    /// pauses pays inside its timed phases, so it is measured (the process's CPU in the window
    /// less the signing or recovering threads' own) and shown.
    struct UntimedWindows: Sendable {
        var signingCPU = 0.0
        var backgroundCPU = 0.0

        mutating func sign(_ body: () async throws -> (signed: [AttestationFactory.Signed], cpu: Double)) async rethrows -> [AttestationFactory.Signed] {
            let (result, window) = try await CPUClock.measure(body)
            signingCPU += result.cpu
            backgroundCPU += max(0, window - result.cpu)
            return result.signed
        }
    }

    /// Submits on `cores` tasks at once, as many gatherers would; returns refusals by reason.
    func submit(_ signed: [AttestationFactory.Signed], to pool: AttestationPool) async -> [String: Int] {
        let cores = options.cores
        return await withTaskGroup(of: [String: Int].self) { group in
            for worker in 0..<cores {
                group.addTask {
                    var refusals: [String: Int] = [:]
                    for i in stride(from: worker, to: signed.count, by: cores) {
                        do throws(AttestationPoolError) { _ = try await pool.submit(encoded: signed[i].encoded) } catch { refusals[error.reason, default: 0] += 1 }
                    }
                    return refusals
                }
            }
            var all: [String: Int] = [:]
            for await part in group { all.merge(part, uniquingKeysWith: +) }
            return all
        }
    }

    /// Decoding and recovery alone, on all cores: what the pool's admission costs without the rules.
    func verifyOnly(_ signed: [AttestationFactory.Signed], rules: RuleSet) async throws -> (receipts: Int, seconds: Double) {
        let cores = options.cores
        let seconds = try await BenchClock.secondsAsync {
            _ = try await AttestationParallel.map(signed.count, cores: cores) { i in
                try rules.verifyAttestation(encoded: signed[i].encoded, chainID: AttestationChainSetup.chainID).signers.count
            }
        }
        return (signed.reduce(0) { $0 + $1.receipts }, seconds)
    }
}
