import CairnCore
import CairnCrypto
import CairnRPC

/// Reads back what the chain decided for the fleet's deals: every decided period's outcome and
/// reason, each deal's status and money, and the storage pool's rewards, booked per class.
struct StorageTally: Sendable {
    let node: SimulationNode
    let fleet: StorageFleet
    let holdings: StorageHoldings
    let pool: PoolRewards
    let challenges: UInt64

    func collect(_ deals: [Int: UInt64], through end: UInt64, into report: inout StorageReport) async throws {
        let order = deals.sorted { $0.key < $1.key }
        let records = try await node.batchValues(order.map { ("storage_getDeal", ["deal": .integer(Int64($0.value))]) })
        var work: [Address: [UInt64: UInt128]] = [:]
        for ((index, id), record) in zip(order, records) {
            let deal = fleet.deals[index], provider = fleet.devices[deal.provider]
            var t = report.classes[provider.fleetClass] ?? StorageClassTally()
            t.dealStatus[record["status"]?.stringValue ?? "?", default: 0] += 1
            t.paid += record["paid"]?.stringValue.flatMap { Amount($0) } ?? 0
            t.slashed += record["slashed"]?.stringValue.flatMap { Amount($0) } ?? 0
            let p = holdings.faultProbability(index, challenges: challenges)
            for period in try await periods(id) {
                t.periods += 1
                if provider.fleetClass == .partialLoss {
                    t.expectedFaults += p
                    t.faultVariance += p * (1 - p)
                }
                if period["outcome"]?.stringValue == "proven" {
                    t.proven += 1
                    let at = UInt64(period["at"]?.integerValue ?? 0)
                    work[provider.id, default: [:]][pool.epoch(of: at), default: 0] += UInt128(deal.size)
                } else {
                    t.faults[period["reason"]?.stringValue ?? "?", default: 0] += 1
                }
            }
            report.classes[provider.fleetClass] = t
        }
        let tip = try await node.tip()
        let (paid, poolPaid) = try await pool.payouts(work, tip: min(tip, end))
        report.settledAt = end / pool.epochLength * pool.epochLength
        report.poolPaid = poolPaid
        report.rewardsSource = "the storage pool's settlement records (rewards_getDevice, rewards_getEpoch)"
        for d in fleet.devices {
            guard let amount = paid[d.id], amount > 0 else { continue }
            report.classes[d.fleetClass]?.rewarded += amount
            report.classes[d.fleetClass]?.providersRewarded += 1
        }
    }

    /// Every decided period of a deal, oldest first.
    private func periods(_ deal: UInt64) async throws -> [JSONValue] {
        var out: [JSONValue] = [], cursor: JSONValue = .null
        repeat {
            let page = try await node.call("storage_getDealPeriods", ["deal": .integer(Int64(deal)), "cursor": cursor, "limit": 1_000])
            out += page["periods"]?.arrayValue ?? []
            cursor = page["next"] ?? .null
        } while !cursor.isNull
        return out
    }
}
