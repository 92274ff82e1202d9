import CairnCore
import CairnCrypto
import CairnMempool
import CairnNode
import CairnState
import Foundation

/// `cairn bench energy`: hourly meter batches (twelve 5-minute readings under one signature,
/// Specs/depin/energy.md §4) verified and committed per second by one in-process validator,
/// beside the raw libsecp256k1 recovery rate of the same run.
///
/// Meters are onboarded, located and registered through real transactions. Each round every
/// meter signs the next hour of its readings (off the clock); gateways pack the batches into
/// attestations, as many as `max_batches` and the 16 KiB attestation limit allow; the round times
/// their admission to the pool (decode, one recovery per batch, every reading's rules) and the
/// blocks that commit them. The meters are wind meters: solar ones would be held to the sun, so
/// a run's result would depend on the hour it ran at; wind meters face every other rule.
public struct EnergyBenchmark: Sendable {
    public struct Options: Sendable {
        public var meters = 20_000
        /// Hours of readings, one batch per meter each.
        public var rounds = 3
        public var owners = 100
        /// Nameplate watts: 5 kW allows 437 Wh a 5-minute slot; the meters produce 60–399.
        public var capacity: UInt64 = 5_000
        public var cores = ProcessInfo.processInfo.activeProcessorCount
        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        public var recover: [Double] = []
        public var batches = 0
        public var batchBytes = 0
        public var attestations = 0
        public var attestationBytes = 0
        public var blocks = 0
        public var refusals: [String: Int] = [:]
        public var accepted: UInt64 = 0
        public var rejected: UInt64 = 0
        public var energy: UInt64 = 0
        public var certificates: UInt64 = 0
        /// Meters whose last accepted reading is not the last one they signed.
        public var metersBehind = 0
        /// What the meters signed: the rises after each one's baseline, and the certificates they make.
        public var expectedEnergy: UInt64 = 0
        public var expectedCertificates: UInt64 = 0
        public var admissionSeconds = 0.0
        public var blockSeconds = 0.0
        public var steps: [(step: String, seconds: Double)] = []

        public var batchesPerSecond: Double { Double(batches) / max(admissionSeconds + blockSeconds, 1e-9) }

        public var lines: [String] {
            let o = options
            func f(_ v: Double) -> String { String(format: "%.0f", v) }
            let recoverRate = recover.max() ?? 1
            let readings = Double(batches * EnergyBenchmark.readingsPerBatch)
            let refused = refusals.isEmpty ? "none" : refusals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return [
                "libsecp256k1 recover:   \(recover.map(f).joined(separator: ", "))/s on all cores (before, after; the ratio uses the higher, \(f(recoverRate)))",
                "meters:                 \(o.meters) wind meters of \(o.capacity) W over \(o.owners) owners, \(o.rounds) hours",
                "batches:                \(batches) of \(EnergyBenchmark.readingsPerBatch) readings (\(batchBytes / max(batches, 1)) bytes each) in \(attestations) attestations "
                    + "(\(batches / max(attestations, 1)) batches, \(attestationBytes / max(attestations, 1)) bytes each) in \(blocks) blocks",
                "pool refusals:          \(refused)",
                "admission (decode, recover, rules): \(f(Double(batches) / max(admissionSeconds, 1e-9))) batches/s",
                "blocks (build, execute, vote, synced commit): \(f(Double(batches) / max(blockSeconds, 1e-9))) batches/s",
                "  driver steps:         " + steps.map { "\($0.step) \(String(format: "%.3f", $0.seconds)) s" }.joined(separator: ", "),
                "verified and committed: \(f(batchesPerSecond)) batches/s, \(f(readings / max(admissionSeconds + blockSeconds, 1e-9))) readings/s "
                    + "(admission + blocks, \(String(format: "%.2f", admissionSeconds + blockSeconds)) s)",
                "readings:               \(accepted) accepted, \(rejected) rejected (a correct run rejects none), \(metersBehind) meters behind",
                "certificates minted:    \(certificates) of \(expectedCertificates) (\(energy) of the \(expectedEnergy) Wh the meters signed verified)",
                "ratio batches/s ÷ recover/s (all cores): \(String(format: "%.3f", batchesPerSecond / recoverRate))",
                "target on 2 cores: ≥ 2000 batches/s (one million meters at 5-minute granularity need ≈ 280/s)",
            ]
        }
    }

    /// An hour of 5-minute slots.
    static let readingsPerBatch = 12
    static let chainID = "cairn-bench-energy"

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @Sendable (String) -> Void = { print($0) }) async throws -> Report {
        let o = options
        precondition(o.meters > 0 && o.rounds > 0 && o.owners > 0 && o.cores > 0)
        let energy = EnergyParameters()
        // The readings must all lie inside the submission window, counted back from the last round.
        guard UInt64((o.rounds + 1) * Self.readingsPerBatch) * energy.slotLength < energy.submissionWindow else {
            throw BenchmarkError("bench: \(o.rounds) hours of readings do not fit the \(energy.submissionWindow) s submission window")
        }
        guard o.capacity <= energy.maxCapacity, Self.maxProduction <= Self.bound(o.capacity, energy) else {
            throw BenchmarkError("bench: --capacity must be \(Self.maxProduction * 3_600 / energy.slotLength) to \(energy.maxCapacity) W")
        }
        @Sendable func key(_ label: String) throws -> PrivateKey { try PrivateKey(bytes: Hash32.sha256(Array(label.utf8)).bytes) }
        let validator = try key("cairn-bench-validator"), maker = try key("cairn-bench-maker")
        let owners = try (0..<o.owners).map { try key("cairn-bench-energy-owner-\($0)") }
        log("deriving \(o.meters) meter keys…")
        let meters = try await AttestationParallel.map(o.meters, cores: o.cores) { try key("cairn-bench-meter-\($0)") }

        let consensus = ConsensusParameters(maxBlockTransactions: 10_000, maxBlockBytes: 16 << 20, minTransactionFee: 1,
                                            maxBlockAttestations: 10_000, maxBlockAttestationBytes: 64 << 20)
        let makers = DevicesGenesis(makers: [.init(name: "bench-maker", publicKey: maker.publicKey.compressed)])
        let genesis = Genesis(chainID: Self.chainID, genesisTime: 1, protocolVersion: 1,
                              parameters: [.consensus(consensus), ModuleRecord(DevicesModule.self, DevicesParameters()),
                                           ModuleRecord(EnergyModule.self, energy)],
                              allocations: owners.map { .init(address: $0.address, balance: 1 << 100) },
                              validators: ValidatorSet([Validator(address: validator.address, power: 1)]),
                              moduleStates: [ModuleRecord(module: DevicesModule.name, encoded: makers.canonicalBytes)])
        let directory = NSTemporaryDirectory() + "cairn-bench-energy-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let perOwner = (o.meters + o.owners - 1) / o.owners
        let node = try BenchNode.make(genesis: genesis, validator: validator, directory: directory,
                                      mempool: MempoolLimits(maxTransactions: o.meters + 1_000, maxBytes: 1 << 30, maxPerSender: perOwner + 2),
                                      attestations: AttestationPoolLimits(maxAttestations: o.meters + 1_000, maxBytes: 1 << 30))
        defer { node.chain.close() }
        try await node.driver.start()

        // Meter i belongs to owner i % owners, as its (i / owners)-th: its onboarding, location and
        // registration take that owner's nonces j, n + j and 2n + j, n being the owner's meter count.
        let owner: @Sendable (Int) -> Int = { $0 % o.owners }
        @Sendable func nonce(_ meter: Int, phase: Int) -> UInt64 {
            let count = (o.meters - owner(meter) + o.owners - 1) / o.owners
            return UInt64(phase * count + meter / o.owners)
        }
        @Sendable func tx(_ meter: Int, phase: Int, _ operation: CairnCore.Operation) -> Transaction {
            UnsignedTransaction(chainID: Self.chainID, nonce: nonce(meter, phase: phase), fee: 1, operation: operation)
                .signed(with: owners[owner(meter)])
        }
        log("signing \(o.meters) onboardings, location assertions and registrations (\(o.owners) owners)…")
        let onboardings = try await AttestationParallel.map(o.meters, cores: o.cores) { i in
            let claim = OnboardingClaim(chainID: Self.chainID, publicKey: meters[i].publicKey.compressed, owner: owners[owner(i)].address, kind: .meter)
            return tx(i, phase: 0, .device(.onboard(DeviceOnboarding(claim, makerSignature: claim.makerSignature(maker), deviceKey: meters[i]))))
        }
        let locations = try await AttestationParallel.map(o.meters, cores: o.cores) { i in
            let assertion = LocationAssertion(chainID: Self.chainID, deviceKey: meters[i], owner: owners[owner(i)].address,
                                              place: Self.place(i), nonce: 0)
            return tx(i, phase: 1, .device(.assertLocation(assertion)))
        }
        let registrations = try await AttestationParallel.map(o.meters, cores: o.cores) { i in
            tx(i, phase: 2, .energy(.register(MeterRegistration(meter: meters[i].address, capacity: o.capacity, technology: .wind,
                                                                bond: energy.minBond))))
        }
        var report = Report(options: o)
        report.recover.append(try await RecoverRate.measure(onboardings, cores: o.cores).perSecondAllCores)
        for (transactions, what) in [(onboardings, "onboardings"), (locations, "location assertions"), (registrations, "registrations")] {
            _ = try await node.commitAll(transactions, cores: o.cores, lane: owner, what: what, log: log)
        }

        // The hours end three slots before now, the first one `rounds` hours earlier.
        let now = UInt64(Date().timeIntervalSince1970)
        let firstSlot = now / energy.slotLength - UInt64(o.rounds * Self.readingsPerBatch) - 2
        var registers = (0..<o.meters).map { 1_000_000 + UInt64($0 % 1_000) * 1_000 }
        var credited = [UInt64](repeating: 0, count: o.meters)
        let stepsBefore = node.steps.snapshot
        log("measuring: \(o.rounds) rounds of \(o.meters) hourly batches…")
        for round in 0..<o.rounds {
            let start = firstSlot + UInt64(round * Self.readingsPerBatch), sequence = UInt64(round * Self.readingsPerBatch)
            let from = registers
            let signed = try await AttestationParallel.map(o.meters, cores: o.cores) { i in
                var register = from[i]
                let readings = (0..<Self.readingsPerBatch).map { k in
                    let slot = start + UInt64(k)
                    register += Self.production(meter: i, slot: slot)
                    return MeterReading(slot: slot, energy: register, sequence: sequence + UInt64(k) + 1)
                }
                return ReadingBatch(meter: meters[i].address, readings: readings).signed(with: meters[i], chainID: Self.chainID)
            }
            let packed = try Self.pack(signed, maxBatches: Int(energy.maxBatches))
            for (i, batch) in signed.enumerated() {
                let last = batch.batch.readings.last!.energy
                // A meter's first reading is its baseline: it credits nothing.
                credited[i] += last - (round == 0 ? batch.batch.readings[0].energy : registers[i])
                registers[i] = last
                report.batchBytes += batch.canonicalBytes.count
            }

            let submitStart = ContinuousClock.now
            let refusals = await Self.submit(packed, to: node.pool, cores: o.cores)
            let blockStart = ContinuousClock.now
            var heights = [try await node.commitHeight()]
            while await node.pool.count > 0 { heights.append(try await node.commitHeight()) }
            let end = ContinuousClock.now
            let blocks = try heights.map(node.block)
            report.admissionSeconds += BenchClock.seconds(blockStart - submitStart)
            report.blockSeconds += BenchClock.seconds(end - blockStart)
            report.refusals.merge(refusals, uniquingKeysWith: +)
            report.blocks += blocks.count
            let committed = blocks.flatMap(\.attestations)
            report.attestations += committed.count
            report.attestationBytes += committed.reduce(0) { $0 + $1.canonicalBytes.count }
            report.batches += committed.reduce(0) { $0 + ((try? EnergyModule.decodeAttestation($1).batches.count) ?? 0) }
            log("  round \(round + 1): \(signed.count) batches in \(packed.count) attestations, committed in block "
                + blocks.map { String($0.header.height) }.joined(separator: ", "))
        }
        report.steps = node.steps.seconds(since: stepsBefore)
        report.recover.append(try await RecoverRate.measure(onboardings, cores: o.cores).perSecondAllCores)

        // What the chain recorded, read back from state: every reading's verdict is counted in its epoch.
        for entry in try node.chain.database.stateEntries(namespace: EnergyKeys.epoch, prefix: [], from: nil, limit: 100_000) {
            let e = try EnergyEpochRecord(canonicalBytes: entry.value)
            report.accepted += e.accepted
            report.rejected += e.rejected
            report.energy += e.energy
            report.certificates += e.certificates
        }
        for (i, meter) in meters.enumerated() {
            let record = try node.chain.database.entry(MeterRecord.self, StateKey(namespace: EnergyKeys.meter, key: meter.address.bytes))
            if record?.last?.energy != registers[i] { report.metersBehind += 1 }
        }
        report.expectedEnergy = credited.reduce(0, +)
        // Every batch is one lot of its meter's Wh so far, the remainder carried: ⌊total / 1 000⌋ in all.
        report.expectedCertificates = credited.reduce(0) { $0 + $1 / energy.certificateEnergy }
        return report
    }

    /// Wh meter `meter` produces in `slot`: 60 – 399, varying by meter and slot like wind.
    static func production(meter: Int, slot: UInt64) -> UInt64 {
        60 + (UInt64(meter) &* 2_654_435_761 &+ slot &* 40_503) % (maxProduction - 59)
    }

    static let maxProduction: UInt64 = 399

    /// Wh rule 12 allows a meter of `capacity` W over one slot, without the tolerance.
    static func bound(_ capacity: UInt64, _ p: EnergyParameters) -> UInt64 { capacity * p.slotLength / 3_600 }

    /// Meter i's place: a grid about 1 km apart over the North Sea coast, so the per-cell
    /// statistics spread over many resolution-8 cells as a real fleet's would.
    static func place(_ i: Int) -> AssertedPlace {
        AssertedPlace(latitude: Int32(53_000_000 + (i / 150) * 9_000), longitude: Int32(7_000_000 + (i % 150) * 15_000),
                      elevation: 5, antennaGain: 0)
    }

    /// The gateways' attestations: consecutive batches, as many as `maxBatches` and
    /// `Attestation.maxEncodedBytes` allow, encoded.
    static func pack(_ batches: [SignedBatch], maxBatches: Int) throws -> [[UInt8]] {
        var packed: [[UInt8]] = [], current: [SignedBatch] = [], bodyBytes = 0
        func varint(_ v: Int) -> Int { v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : 4 }
        // tag ‖ varint body length ‖ body, the body a varint count then the batches.
        func size(count: Int, body: Int) -> Int {
            let total = varint(count) + body
            return varint(Int(EnergyAttestation.tag)) + varint(total) + total
        }
        func close() throws {
            guard !current.isEmpty else { return }
            let bytes = EnergyAttestation(batches: current).attestation.canonicalBytes
            guard bytes.count <= Attestation.maxEncodedBytes else { throw BenchmarkError("bench: a packed attestation is \(bytes.count) bytes") }
            packed.append(bytes)
            current = []
            bodyBytes = 0
        }
        for batch in batches {
            let bytes = batch.canonicalBytes.count
            if current.count == maxBatches || size(count: current.count + 1, body: bodyBytes + bytes) > Attestation.maxEncodedBytes { try close() }
            current.append(batch)
            bodyBytes += bytes
        }
        try close()
        return packed
    }

    /// Submits on `cores` tasks at once, as many gateways would; returns refusals by reason.
    static func submit(_ attestations: [[UInt8]], to pool: AttestationPool, cores: Int) async -> [String: Int] {
        await withTaskGroup(of: [String: Int].self) { group in
            for worker in 0..<cores {
                group.addTask {
                    var refusals: [String: Int] = [:]
                    for i in stride(from: worker, to: attestations.count, by: cores) {
                        do throws(AttestationPoolError) { _ = try await pool.submit(encoded: attestations[i]) } catch { refusals[error.reason, default: 0] += 1 }
                    }
                    return refusals
                }
            }
            var all: [String: Int] = [:]
            for await part in group { all.merge(part, uniquingKeysWith: +) }
            return all
        }
    }
}
