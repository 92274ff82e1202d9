import CairnCore
import CairnCrypto
import CairnRPC
import CairnState

/// The gateways of the energy fleet, run hour by hour: each round every meter signs its batch of
/// the hour's slots; the batches are spread over as few attestations as the limits allow (each a
/// mix of meters, so cheaters' readings ride with accepted ones and are judged and recorded);
/// the round is submitted and waited for before the next, so each meter's hours reach the chain
/// in order. The cheaters do their part here: the replayer sends its batch of two hours before
/// again, the equivocator signs a second batch for one hour and hands it to another gateway —
/// which the watcher sees, and reports.
struct EnergyGateway: Sendable {
    let node: SimulationNode
    let sender: ChainSender
    let fleet: MeterFleet
    let parameters: EnergyParameters
    let seed: UInt64
    let log: @Sendable (String) -> Void

    /// The most an attestation's body may take: 16 KiB encoded in all, less the tag and length.
    static let bodyLimit = 16_000

    /// Sends `hours` rounds of the meters in `registered`, from `firstSlot`.
    func run(_ registered: [Int], firstSlot: UInt64, hours: Int, report: inout EnergyReport) async throws {
        let perHour = UInt64(max(1, min(3_600 / parameters.slotLength, parameters.maxBatchReadings)))
        var models = Dictionary(uniqueKeysWithValues: registered.map { ($0, MeterModel(fleet.meters[$0], slotLength: parameters.slotLength, seed: seed)) })
        var sent: [Int: [SignedBatch]] = [:]
        var watcher = EquivocationWatcher()
        let equivocationHour = hours / 3
        report.firstSlot = firstSlot
        report.lastSlot = firstSlot + UInt64(hours) * perHour - 1
        report.periodStart = firstSlot * parameters.slotLength
        report.periodEnd = (report.lastSlot + 1) * parameters.slotLength
        for hour in 0..<hours {
            let slots = (firstSlot + UInt64(hour) * perHour)..<(firstSlot + UInt64(hour + 1) * perHour)
            var batches: [(meter: Int, batch: SignedBatch)] = []
            var evidence: [(meter: Int, EquivocationEvidence)] = []
            for m in registered {
                let meter = fleet.meters[m]
                let readings = models[m]!.readings(slots)
                let signed = ReadingBatch(meter: meter.device.id, readings: readings).signed(with: meter.device.key, chainID: sender.chainID)
                batches.append((m, signed))
                _ = watcher.observe(signed)
                if meter.device.fleetClass == .replayer, hour >= 2, let old = sent[m]?[hour - 2] { batches.append((m, old)) }
                sent[m, default: []].append(signed)
                if meter.device.fleetClass == .equivocator, hour == equivocationHour {
                    var other = readings
                    other[other.count / 2].energy += 250
                    let conflicting = ReadingBatch(meter: meter.device.id, readings: other).signed(with: meter.device.key, chainID: sender.chainID)
                    if let e = watcher.observe(conflicting) { evidence.append((m, e)) }
                }
            }
            try await submit(batches, report: &report)
            if !evidence.isEmpty { try await reportEquivocations(evidence, report: &report) }
            if hour % 6 == 5 { log("hour \(hour + 1) of \(hours): \(report.attestations) attestations, tip \(report.lastHeight)") }
        }
    }

    /// Packs the round's batches, interleaved, into attestations, submits them and waits for
    /// them to be included; books each batch's readings to its meter's class.
    private func submit(_ batches: [(meter: Int, batch: SignedBatch)], report: inout EnergyReport) async throws {
        let bytes = batches.map { $0.batch.canonicalBytes.count }.reduce(0, +)
        let count = max((bytes + Self.bodyLimit - 1) / Self.bodyLimit, (batches.count + Int(parameters.maxBatches) - 1) / Int(parameters.maxBatches))
        var groups = [[(meter: Int, batch: SignedBatch)]](repeating: [], count: max(count, 1))
        for (i, b) in batches.enumerated() { groups[i % groups.count].append(b) }
        // A group the interleaving made too big sheds its last batch into a group of its own.
        var packed: [[(meter: Int, batch: SignedBatch)]] = []
        for var g in groups {
            var spill: [(meter: Int, batch: SignedBatch)] = []
            while EnergyAttestation(batches: g.map(\.batch)).canonicalBytes.count > Self.bodyLimit { spill.insert(g.removeLast(), at: 0) }
            packed.append(g)
            if !spill.isEmpty { packed.append(spill) }
        }
        let tip = try await node.tip()
        if report.firstHeight == 0 { report.firstHeight = tip + 1 }
        let outcomes = try await node.submit(packed.map { EnergyAttestation(batches: $0.map(\.batch)).attestation })
        var admitted: [String: Int] = [:]
        for (i, outcome) in outcomes.enumerated() {
            report.attestations += 1
            switch outcome {
            case .success(let id): admitted[id] = i
            case .failure(let refusal):
                report.attestationsRefused[refusal.reason, default: 0] += 1
                book(packed[i], judged: false, &report)
            }
        }
        let included = try await node.inclusions(of: Set(admitted.keys), from: tip + 1)
        for (id, i) in admitted {
            if let height = included[id] { report.lastHeight = max(report.lastHeight, height) } else { report.attestationsNotIncluded += 1 }
            book(packed[i], judged: included[id] != nil, &report)
        }
    }

    private func book(_ group: [(meter: Int, batch: SignedBatch)], judged: Bool, _ report: inout EnergyReport) {
        for (m, b) in group {
            let c = fleet.meters[m].device.fleetClass
            if judged { report.classes[c]?.submitted += b.batch.readings.count } else { report.classes[c]?.unjudged += b.batch.readings.count }
        }
    }

    /// The watcher's reports, from its own account; it waits for them to commit.
    private func reportEquivocations(_ evidence: [(meter: Int, EquivocationEvidence)], report: inout EnergyReport) async throws {
        log("reporting \(evidence.count) equivocating meters…")
        let outcomes = try await sender.commit(evidence.map { ChainSender.Item(sender: fleet.watcher, operation: .energy(.reportEquivocation($0.1))) },
                                               what: "equivocation reports")
        for ((m, _), outcome) in zip(evidence, outcomes) {
            let c = fleet.meters[m].device.fleetClass
            switch outcome {
            case .committed: report.classes[c]?.evidence["committed", default: 0] += 1
            case .refused(let reason): report.classes[c]?.evidence[reason, default: 0] += 1
            }
        }
    }
}
