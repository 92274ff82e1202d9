import CairnCore
import CairnCrypto
import CairnRPC

/// What a proof pool paid the simulator's devices, read from the chain's settlement records
/// (runtime.md §8.2): each device's lines from `rewards_getDevice`, and what the pool paid in all
/// from `rewards_getEpoch`, over the epochs the fleet worked in that have settled.
struct PoolRewards: Sendable {
    let node: SimulationNode
    /// The pool's name and the module whose end block settles it ("storage", "energy").
    let pool: String
    let epochLength: UInt64

    /// The reward epoch a height's work counts in.
    func epoch(of height: UInt64) -> UInt64 { height == 0 ? 0 : (height - 1) / epochLength }

    /// The height settling an epoch.
    func settlementHeight(_ epoch: UInt64) -> UInt64 { (epoch + 1) * epochLength }

    /// Each device's pay over the settled epochs `work` names (`work[device][epoch]`: the work the
    /// device did then, which picks the devices and the epochs), and what the pool paid in all at
    /// those settlements, which the devices' pay adds up to when they were the only ones working.
    func payouts(_ work: [Address: [UInt64: UInt128]], tip: UInt64) async throws -> (amounts: [Address: Amount], paid: Amount) {
        let epochs = Set(work.values.flatMap(\.keys))
        guard let low = epochs.min(), let high = epochs.max() else { return ([:], 0) }
        let settled = Set((low...high).filter { settlementHeight($0) <= tip })
        let records = try await node.batchValues(settled.sorted().map { ("rewards_getEpoch", ["epoch": .integer(Int64($0))]) })
        let paid = records.flatMap { $0["pools"]?.arrayValue ?? [] }
            .filter { $0["pool"]?.stringValue == pool }
            .compactMap { $0["paid"]?.stringValue.flatMap { Amount($0) } }
            .reduce(0, +)
        var amounts: [Address: Amount] = [:]
        for device in work.keys.sorted() {
            var cursor: JSONValue = .null
            repeat {
                let page = try await node.call("rewards_getDevice", ["device": .string(device.checksummed), "cursor": cursor])
                for line in page["rewards"]?.arrayValue ?? [] where line["pool"]?.stringValue == pool {
                    guard let epoch = line["epoch"]?.integerValue, settled.contains(UInt64(epoch)),
                          let amount = line["amount"]?.stringValue.flatMap({ Amount($0) }) else { continue }
                    amounts[device, default: 0] += amount
                }
                cursor = page["next"] ?? .null
            } while !cursor.isNull
        }
        return (amounts, paid)
    }
}
