import CairnCore
import CairnCrypto
import CairnMempool
import CairnNode
import CairnState
import Foundation

/// `cairn bench storage`: storage proofs (c chunks with their paths in a deal of `dealSize`
/// bytes) verified and committed per second by one in-process validator, beside the raw
/// libsecp256k1 recovery rate of the same run. Deals are proved every other block (period 2,
/// window 1), all of one data set; each round signs every due proof off the clock, then times
/// their admission to the pool (decode, recovery, rules) and the block that commits them.
public struct StorageBenchmark: Sendable {
    public struct Options: Sendable {
        public var deals = 2_000
        public var rounds = 3
        public var providers = 16
        public var cores = ProcessInfo.processInfo.activeProcessorCount
        public var dealSize: UInt64 = 1 << 30
        public var challenges: UInt64 = 5
        public var chunkSize: UInt64 = 1_024
        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        public var recover: [Double]
        public var proofs = 0
        public var blocks = 0
        public var proofBytes = 0
        public var largestProofBytes = 0
        public var admissionSeconds = 0.0
        public var blockSeconds = 0.0
        /// Process CPU seconds (every thread, LevelDB's compaction included) in the timed windows:
        /// steadier than wall time on a machine whose speed moves between runs.
        public var admissionCPU = 0.0
        public var blockCPU = 0.0
        /// What no node can skip, measured on the last round's proofs off the clock, on all cores:
        /// decoding (the id), the signing digest, the recovery and every answer's path to the root.
        public var verifyRate = 0.0
        public var verifyCPU = 0.0
        public var faults = 0
        /// Periods the deals record as proven, read back from state: every committed proof's.
        public var proven = 0
        /// The consensus driver's time per step over the timed blocks.
        public var steps: [(step: String, seconds: Double)] = []

        public var lines: [String] {
            let o = options
            func f(_ v: Double) -> String { String(format: "%.0f", v) }
            let rate = Double(proofs) / max(admissionSeconds + blockSeconds, 1e-9)
            let recoverRate = recover.max() ?? 1
            return [
                "libsecp256k1 recover:   \(recover.map(f).joined(separator: ", "))/s on all cores (before, after; the ratio uses the higher, \(f(recoverRate)))",
                "storage proofs:         \(proofs) (\(o.challenges) chunks of \(o.chunkSize) bytes with paths, a \(o.dealSize >> 20) MiB deal, \(proofBytes / max(proofs, 1)) bytes each) in \(blocks) blocks; deals record \(proven) proven, \(faults) faults",
                "admission (decode, recover, rules): \(f(Double(proofs) / max(admissionSeconds, 1e-9)))/s",
                "blocks (build, execute, vote, synced commit): \(f(Double(proofs) / max(blockSeconds, 1e-9)))/s",
                "CPU per proof:          admission \(f(admissionCPU / Double(max(proofs, 1)) * 1e6)) µs, blocks \(f(blockCPU / Double(max(proofs, 1)) * 1e6)) µs (process CPU in the timed windows)",
                "  driver steps:         " + steps.map { "\($0.step) \(String(format: "%.3f", $0.seconds)) s" }.joined(separator: ", "),
                "verified and committed: \(f(rate)) proofs/s (admission + blocks, \(String(format: "%.2f", admissionSeconds + blockSeconds)) s)",
                "ratio proofs/s ÷ recover/s (all cores): \(String(format: "%.2f", rate / recoverRate))",
                "verification alone:     \(f(verifyRate))/s on all cores, \(f(verifyCPU * 1e6)) µs CPU per proof (decode and id, digest, recover, paths; no state, no storage)",
                "ratio proofs/s ÷ verification alone: \(String(format: "%.2f", rate / max(verifyRate, 1e-9)))",
                "target on 2 cores: ≥ 10000 proofs/s (ten million deals every 30 minutes need ≈ 5600/s)",
            ]
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    static let chainID = "cairn-bench-storage"

    /// Proofs per second on all cores and CPU seconds per proof for what every node must do to a
    /// proof whatever its state and storage: decode it (hashing its id), hash its signing digest,
    /// recover the signer and check every answer's chunk and path against the data root.
    static func verificationAlone(_ proofs: [(encoded: [UInt8], seed: Hash32)], root: Hash32, chunks: UInt64,
                                  options o: Options) async throws -> (rate: Double, cpu: Double) {
        guard !proofs.isEmpty else { return (0, 0) }
        @Sendable func verify(_ range: Range<Int>) throws -> Double {
            let start = CPUClock.threadSeconds()
            for (encoded, seed) in proofs[range] {
                let proof = try StorageModule.decodeAttestation(try Attestation.decode(encoded))
                for s in StorageModule.signatures(of: proof, chainID: chainID) { _ = try s.signature.recoverAddress(digest: s.digest) }
                let indices = StorageChallenge.indices(seed: seed, deal: proof.deal, period: proof.period, count: chunks,
                                                       challenges: o.challenges)
                for (answer, index) in zip(proof.answers, indices) where !DataTree.verify(
                    root: root, index: index, count: chunks, leaf: DataTree.leafHash(answer.chunk), path: answer.path) {
                    throw BenchmarkError("bench: proof of deal \(proof.deal) does not verify")
                }
            }
            return CPUClock.threadSeconds() - start
        }
        var cpu = 0.0
        let seconds = try await BenchClock.secondsAsync {
            cpu = try await withThrowingTaskGroup(of: Double.self) { group in
                for worker in 0..<o.cores {
                    group.addTask { try verify((proofs.count * worker / o.cores)..<(proofs.count * (worker + 1) / o.cores)) }
                }
                return try await group.reduce(0, +)
            }
        }
        return (Double(proofs.count) / seconds, cpu / Double(proofs.count))
    }

    public func run(log: @Sendable (String) -> Void = { print($0) }) async throws -> Report {
        let o = options
        precondition(o.deals > 0 && o.rounds > 0 && o.providers > 0 && o.cores > 0)
        func key(_ label: String) throws -> PrivateKey { try PrivateKey(bytes: Hash32.sha256(Array(label.utf8)).bytes) }
        let validator = try key("cairn-bench-validator"), maker = try key("cairn-bench-maker")
        let owners = try (0..<o.providers).map { try key("cairn-bench-storage-owner-\($0)") }
        let devices = try (0..<o.providers).map { try key("cairn-bench-storage-device-\($0)") }
        let clients = try (0..<o.providers).map { try key("cairn-bench-storage-client-\($0)") }
        let storage = StorageParameters(chunkSize: o.chunkSize, challenges: o.challenges, provingPeriod: 2, proofWindow: 1,
                                        proposalLifetime: 1_000, maxDealSize: o.dealSize, maxDealPeriods: 1_000_000,
                                        minDealCollateral: 0, providerCollateralPerGiB: 1)
        if let problem = storage.problem { throw BenchmarkError("bench: storage parameters: \(problem)") }
        let consensus = ConsensusParameters(maxBlockTransactions: 10_000, maxBlockBytes: 16 << 20, minTransactionFee: 1,
                                            maxBlockAttestations: UInt64(min(o.deals, 10_000)), maxBlockAttestationBytes: 64 << 20)
        let makers = DevicesGenesis(makers: [.init(name: "bench-maker", publicKey: maker.publicKey.compressed)])
        let genesis = Genesis(chainID: Self.chainID, genesisTime: 1, protocolVersion: 1,
                              parameters: [.consensus(consensus), ModuleRecord(StorageModule.self, storage),
                                           ModuleRecord(DevicesModule.self, DevicesParameters())],
                              allocations: (owners + clients).map { .init(address: $0.address, balance: 1 << 100) },
                              validators: ValidatorSet([Validator(address: validator.address, power: 1)]),
                              moduleStates: [ModuleRecord(module: DevicesModule.name, encoded: makers.canonicalBytes)])

        log("hashing a \(o.dealSize >> 20) MiB data set (\(o.dealSize / o.chunkSize) chunks)…")
        let chunkCount = Int(DataTree.chunkCount(size: o.dealSize, chunkSize: o.chunkSize))
        let chunkSize = Int(o.chunkSize)
        @Sendable func chunk(_ i: Int) -> [UInt8] {
            Array([UInt8](repeating: 0, count: chunkSize / 8).indices.flatMap { j in UInt64(i &* 31 &+ j).bigEndianBytes })
        }
        let leaves = try await AttestationParallel.map(chunkCount, cores: o.cores) { DataTree.leafHash(chunk($0)) }
        let tree = DataTreeLevels(leaves: leaves)

        let directory = NSTemporaryDirectory() + "cairn-bench-storage-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let node = try BenchNode.make(genesis: genesis, validator: validator, directory: directory,
                                      mempool: MempoolLimits(maxTransactions: 4 * o.deals + 1_000, maxBytes: 1 << 30,
                                                             maxPerSender: 2 * (o.deals / o.providers + 2)),
                                      attestations: AttestationPoolLimits(maxAttestations: o.deals + 1_000, maxBytes: 1 << 30))
        defer { node.chain.close() }
        try await node.driver.start()

        func tx(_ op: StorageOperation, _ signer: PrivateKey, nonce: Int) -> Transaction {
            UnsignedTransaction(chainID: Self.chainID, nonce: UInt64(nonce), fee: 1, operation: .storage(op)).signed(with: signer)
        }
        let onboardings = (0..<o.providers).map { i -> Transaction in
            let claim = OnboardingClaim(chainID: Self.chainID, publicKey: devices[i].publicKey.compressed, owner: owners[i].address, kind: .storage)
            let op = DeviceOnboarding(claim, makerSignature: claim.makerSignature(maker), deviceKey: devices[i])
            return UnsignedTransaction(chainID: Self.chainID, nonce: 0, fee: 1, operation: .device(.onboard(op))).signed(with: owners[i])
        }
        let recoverBefore = try await RecoverRate.measure(onboardings, cores: o.cores).perSecondAllCores
        let lane: @Sendable (Int) -> Int = { $0 % o.providers }
        log("setting up \(o.providers) providers and \(o.deals) deals…")
        _ = try await node.commitAll(onboardings, cores: o.cores, lane: lane, what: "onboardings", log: log)
        let registrations = (0..<o.providers).map { i in
            tx(.registerProvider(device: devices[i].address, capacity: o.dealSize * UInt64(o.deals), collateral: 1 << 40), owners[i], nonce: 1)
        }
        _ = try await node.commitAll(registrations, cores: o.cores, lane: lane, what: "registrations", log: log)
        let proposals = (0..<o.deals).map { d in
            tx(.proposeDeal(DealProposal(provider: devices[d % o.providers].address, dataRoot: tree.root, size: o.dealSize,
                                         pricePerPeriod: 1, periods: UInt64(o.rounds + 2), collateral: 1)),
               clients[d % o.providers], nonce: d / o.providers)
        }
        _ = try await node.commitAll(proposals, cores: o.cores, lane: lane, what: "proposals", log: log)
        // Deal ids follow the order the proposals were committed in: read each deal's provider back.
        var owned: [[UInt64]] = Array(repeating: [], count: o.providers)
        for id in 1...UInt64(o.deals) {
            guard let deal = try node.chain.database.entry(DealRecord.self, StorageKeys.deal(id)),
                  let p = devices.firstIndex(where: { $0.address == deal.provider }) else { throw BenchmarkError("bench: deal \(id) missing") }
            owned[p].append(id)
        }
        let accepts = owned.enumerated().flatMap { p, ids in ids.enumerated().map { n, id in tx(.acceptDeal(deal: id, collateral: 1), owners[p], nonce: 2 + n) } }
        let acceptLane: @Sendable (Int) -> Int = { _ in 0 }
        _ = try await node.commitAll(accepts, cores: 1, lane: acceptLane, what: "acceptances", log: log)

        var report = Report(options: o, recover: [recoverBefore])
        log("proving: \(o.rounds) rounds of \(o.deals) proofs…")
        var rounds = 0
        var lastRound: [(encoded: [UInt8], seed: Hash32)] = []
        let stepsBefore = node.steps.snapshot
        while rounds < o.rounds {
            let next = try node.chain.tip().height + 1
            var due: [(id: UInt64, period: UInt64, seed: Hash32, device: Int)] = []
            for id in 1...UInt64(o.deals) {
                guard let d = try node.chain.database.entry(DealRecord.self, StorageKeys.deal(id)),
                      d.status == .active, d.periodState == .open, next > d.challengeHeight, next <= d.deadline,
                      let seed = try node.chain.database.entry(ChallengeSeed.self, StorageKeys.challengeSeed(d.challengeHeight))?.seed
                else { continue }
                due.append((id, d.period, seed, devices.firstIndex { $0.address == d.provider }!))
            }
            if due.isEmpty {
                _ = try await node.commitNext()
                continue
            }
            let work = due
            let encoded = try await AttestationParallel.map(work.count, cores: o.cores) { i -> [UInt8] in
                let d = work[i]
                let indices = StorageChallenge.indices(seed: d.seed, deal: d.id, period: d.period, count: UInt64(chunkCount), challenges: o.challenges)
                let answers = indices.map { ChunkAnswer(chunk: chunk(Int($0)), path: tree.path($0)) }
                return StorageProof(chainID: Self.chainID, deal: d.id, period: d.period, answers: answers, deviceKey: devices[d.device])
                    .attestation.canonicalBytes
            }
            let submitStart = ContinuousClock.now, submitCPU = CPUClock.seconds()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<o.cores {
                    group.addTask {
                        for i in stride(from: worker, to: encoded.count, by: o.cores) {
                            do throws(AttestationPoolError) { _ = try await node.pool.submit(encoded: encoded[i]) } catch {
                                throw BenchmarkError("bench: the pool refused a proof (\(error.reason)): \(error)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let blockStart = ContinuousClock.now, blockCPU = CPUClock.seconds()
            var heights = [try await node.commitHeight()]
            while await node.pool.count > 0 { heights.append(try await node.commitHeight()) }
            let end = ContinuousClock.now, endCPU = CPUClock.seconds()
            report.admissionCPU += blockCPU - submitCPU
            report.blockCPU += endCPU - blockCPU
            let blocks = try heights.map(node.block)
            report.admissionSeconds += BenchClock.seconds(blockStart - submitStart)
            report.blockSeconds += BenchClock.seconds(end - blockStart)
            report.blocks += blocks.count
            report.proofs += blocks.reduce(0) { $0 + $1.attestations.count }
            report.proofBytes += blocks.reduce(0) { $0 + $1.attestations.reduce(0) { $0 + $1.canonicalBytes.count } }
            report.largestProofBytes = max(report.largestProofBytes, blocks.flatMap(\.attestations).map(\.canonicalBytes.count).max() ?? 0)
            rounds += 1
            lastRound = zip(encoded, work).map { ($0, $1.seed) }
            log("  round \(rounds): \(due.count) proofs committed in block \(blocks.map { String($0.header.height) }.joined(separator: ", "))")
        }
        report.steps = node.steps.seconds(since: stepsBefore)
        for id in 1...UInt64(o.deals) {
            let deal = try node.chain.database.entry(DealRecord.self, StorageKeys.deal(id))
            report.faults += Int(deal?.faults ?? 0)
            report.proven += Int(deal?.proven ?? 0)
        }
        report.recover.append(try await RecoverRate.measure(onboardings, cores: o.cores).perSecondAllCores)
        (report.verifyRate, report.verifyCPU) = try await Self.verificationAlone(lastRound, root: tree.root, chunks: UInt64(chunkCount),
                                                                                 options: o)
        return report
    }
}
