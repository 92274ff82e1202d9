import CairnCore
import CairnCrypto
import CairnRPC

/// Reads back what the chain decided for the fleet's meters: every accepted and refused reading
/// with its reason, the energy, certificates and freezes, and the energy pool's rewards, booked
/// per class.
struct EnergyTally: Sendable {
    let node: SimulationNode
    let fleet: MeterFleet
    let pool: PoolRewards

    func collect(_ registered: [Int], through end: UInt64, into report: inout EnergyReport) async throws {
        var work: [Address: [UInt64: UInt128]] = [:]
        let records = try await node.batchValues(registered.map { ("energy_getMeter", ["meter": .string(fleet.meters[$0].device.id.checksummed)]) })
        for (m, record) in zip(registered, records) {
            let meter = fleet.meters[m], id = meter.device.id
            var t = report.classes[meter.device.fleetClass] ?? MeterClassTally()
            t.certificates += UInt64(record["certificates"]?.integerValue ?? 0)
            if let frozen = record["frozen"], !frozen.isNull {
                t.frozen += 1
                t.slashed += frozen["slashed"]?.stringValue.flatMap { Amount($0) } ?? 0
            }
            for r in try await pages("energy_getReadings", id) {
                t.accepted += 1
                let credited = UInt64(r["credited"]?.integerValue ?? 0)
                t.energy += credited
                let epoch = pool.epoch(of: UInt64(r["height"]?.integerValue ?? 0))
                if credited > 0 { work[id, default: [:]][epoch, default: 0] += UInt128(credited) }
            }
            for r in try await pages("energy_getRejectedReadings", id) { t.rejected[r["reason"]?.stringValue ?? "?", default: 0] += 1 }
            report.classes[meter.device.fleetClass] = t
        }
        let (paid, poolPaid) = try await pool.payouts(work, tip: end)
        report.settledAt = end / pool.epochLength * pool.epochLength
        report.poolPaid = poolPaid
        report.rewardsSource = "the energy pool's settlement records (rewards_getDevice, rewards_getEpoch)"
        for m in registered {
            let meter = fleet.meters[m]
            guard let amount = paid[meter.device.id], amount > 0 else { continue }
            report.classes[meter.device.fleetClass]?.rewarded += amount
            report.classes[meter.device.fleetClass]?.metersRewarded += 1
        }
    }

    /// Every entry of a meter's reading history, oldest slot first.
    private func pages(_ method: String, _ meter: Address) async throws -> [JSONValue] {
        var out: [JSONValue] = [], cursor: JSONValue = .null
        repeat {
            let page = try await node.call(method, ["meter": .string(meter.checksummed), "cursor": cursor, "limit": 1_000])
            out += page["readings"]?.arrayValue ?? []
            cursor = page["next"] ?? .null
        } while !cursor.isNull
        return out
    }
}
