import CairnCore
import CairnCrypto
import CairnRPC

/// Reads back what the chain decided: each submitted beacon's verdicts, each device's rewards
/// and the farm cell's density scale, booked per class.
struct SimulationTally: Sendable {
    let node: SimulationNode
    let plan: FleetPlan

    func collect(beacons: [SubmittedBeacon], admitted: Set<Int>, into report: inout SimulationReport) async throws {
        try await verdicts(beacons, into: &report)
        try await rewards(admitted, into: &report)
        try await farm(into: &report)
    }

    private func verdicts(_ beacons: [SubmittedBeacon], into report: inout SimulationReport) async throws {
        let pending = beacons.filter { $0.refusal == nil }
        let results = try await node.batch(pending.map { ("coverage_getWitnessResults", ["beacon_id": .string($0.info.beaconID.hex)]) })
        var byBeacon: [Hash32: [Address: String]] = [:]
        for (beacon, outcome) in zip(pending, results) {
            guard case .success(let record) = outcome else { continue }
            var verdicts: [Address: String] = [:]
            for w in record["witnesses"]?.arrayValue ?? [] {
                if let a = w["witness"]?.stringValue.flatMap({ try? Address(hex: $0) }), let v = w["verdict"]?.stringValue { verdicts[a] = v }
            }
            byBeacon[beacon.info.beaconID] = verdicts
        }
        for beacon in beacons {
            let verdicts = byBeacon[beacon.info.beaconID]
            if beacon.refusal == nil { if verdicts == nil { report.attestations.notIncluded += 1 } else { report.attestations.included += 1 } }
            for r in beacon.receipts {
                var t = report.classes[r.booked] ?? ClassTally()
                t.receiptsSubmitted += 1
                switch (beacon.refusal, verdicts?[r.witness]) {
                case (.some, _): t.receiptsRefusedWithAttestation += 1
                case (nil, nil): t.receiptsNotIncluded += 1
                case (nil, "valid"): t.valid += 1
                case (nil, "valid_not_selected"): t.validNotSelected += 1
                case (nil, let reason?): t.rejected[reason, default: 0] += 1
                }
                report.classes[r.booked] = t
            }
        }
    }

    private func rewards(_ admitted: Set<Int>, into report: inout SimulationReport) async throws {
        var remaining = plan.hotspots.filter { admitted.contains($0.index) }.map { ($0, JSONValue.null) }
        while !remaining.isEmpty {
            let pages = try await node.batchValues(remaining.map { h, cursor in
                ("coverage_getDeviceRewards", ["device": .string(h.id.checksummed), "cursor": cursor, "limit": 1_000])
            })
            var more: [(SimHotspot, JSONValue)] = []
            for ((h, _), page) in zip(remaining, pages) {
                let amount = (page["rewards"]?.arrayValue ?? []).compactMap { $0["amount"]?.stringValue.flatMap { Amount($0) } }.reduce(0, +)
                if amount > 0 {
                    report.classes[h.fleetClass]?.rewarded += amount
                    report.classes[h.fleetClass]?.devicesRewarded += 1
                }
                if let next = page["next"], !next.isNull { more.append((h, next)) }
            }
            remaining = more
        }
    }

    private func farm(into report: inout SimulationReport) async throws {
        let cell = plan.farmCell.description
        let pages = try await node.batchValues(report.epochs.map { ("coverage_getCellCoverage", ["cell": .string(cell), "epoch": .integer(Int64($0))]) })
        for (epoch, page) in zip(report.epochs, pages) {
            guard let record = (page["cells"]?.arrayValue ?? []).first(where: { $0["cell"]?.stringValue == cell }) else { continue }
            report.farm.append(FarmCellEpoch(epoch: epoch, hotspots: Int(record["hotspots"]?.integerValue ?? 0),
                                             scale: Int(record["scale"]?.integerValue ?? 0)))
        }
    }
}
