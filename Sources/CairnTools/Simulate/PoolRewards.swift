import CairnCore
import CairnCrypto
import CairnRPC

/// What a proof pool paid each of the simulator's devices, reconstructed from the chain because
/// no RPC serves the per-device reward records (runtime namespace 0x24) yet: each settlement's
/// `epoch_settled` event gives the pool's balance and the epoch's total work, the module's
/// queries give each device's own work (proven byte-periods, credited Wh) and the height that
/// earned it, and the settlement's formula ⌊balance · w / Σw⌋ (runtime.md §8.2) gives the amount,
/// exactly, since it is the chain's own integer rule.
struct PoolRewards: Sendable {
    let node: SimulationNode
    /// The pool's name and the module whose end block settles it ("storage", "energy").
    let pool: String
    let epochLength: UInt64

    struct Settlement: Sendable {
        var height: UInt64
        var balance: Amount
        var work: UInt128
        var paid: Amount
    }

    /// The reward epoch a height's work counts in.
    func epoch(of height: UInt64) -> UInt64 { height == 0 ? 0 : (height - 1) / epochLength }

    /// The height settling an epoch.
    func settlementHeight(_ epoch: UInt64) -> UInt64 { (epoch + 1) * epochLength }

    /// The pool's settlements of `epochs` that are committed, by epoch.
    func settlements(_ epochs: ClosedRange<UInt64>, tip: UInt64) async throws -> [UInt64: Settlement] {
        let settled = epochs.filter { settlementHeight($0) <= tip }
        let results = try await node.batchValues(settled.map { ("chain_getBlockResults", ["height": .integer(Int64(settlementHeight($0)))]) })
        var out: [UInt64: Settlement] = [:]
        for (epoch, result) in zip(settled, results) {
            for a in ChainEvents.all(result["end_block_events"]?.arrayValue ?? [], kind: "epoch_settled") {
                guard a["pool"] == pool, let balance = a["balance"].flatMap({ Amount($0) }), let work = a["work"].flatMap({ UInt128($0) }),
                      let paid = a["paid"].flatMap({ Amount($0) }) else { continue }
                out[epoch] = Settlement(height: settlementHeight(epoch), balance: balance, work: work, paid: paid)
            }
        }
        return out
    }

    /// Each device's pay, `work[device][epoch]` being the work it did in that epoch that the
    /// settlement counted; and what the pool paid in all over those epochs' settlements, which
    /// the devices' pay adds up to when they were the only ones working.
    func payouts(_ work: [Address: [UInt64: UInt128]], tip: UInt64) async throws -> (amounts: [Address: Amount], paid: Amount) {
        let epochs = Set(work.values.flatMap(\.keys))
        guard let low = epochs.min(), let high = epochs.max() else { return ([:], 0) }
        let settled = try await settlements(low...high, tip: tip)
        var out: [Address: Amount] = [:]
        for (device, byEpoch) in work {
            for (epoch, w) in byEpoch {
                guard let s = settled[epoch], s.work > 0, w > 0 else { continue }
                out[device, default: 0] += Self.share(s.balance, w, s.work)
            }
        }
        return (out, settled.values.map(\.paid).reduce(0, +))
    }

    /// ⌊balance · w / total⌋ in full width, as the settlement computes it.
    static func share(_ balance: Amount, _ w: UInt128, _ total: UInt128) -> Amount {
        let product = balance.multipliedFullWidth(by: w)
        guard product.high < total else { return .max }
        return total.dividingFullWidth(product).quotient
    }
}
