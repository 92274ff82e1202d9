import CairnCore
import CairnCrypto

/// A beacon as the reward split sees it: the challengee, its HIP-17 scale, and the witnesses
/// selected for it (`valid` verdicts only), all device ids. The module pays each device's owner.
public struct RewardedBeacon: Sendable, Hashable {
    public var challengee: Address
    /// ppm, from `DensityMap.scale(cell:)` of the challengee's cell.
    public var scale: UInt64
    public var witnesses: [Address]

    public init(challengee: Address, scale: UInt64, witnesses: [Address]) {
        self.challengee = challengee
        self.scale = scale
        self.witnesses = witnesses
    }
}

/// An epoch's coverage payouts: one entry per device with a non-zero amount, by device id, and what is
/// left of the pool. `payouts` plus `remainder` is the pool exactly.
public struct CoverageRewardSplit: Sendable, Hashable {
    public let payouts: [CoveragePayout]
    public let remainder: Amount
}

public struct CoveragePayout: Sendable, Hashable {
    public let device: Address
    public let amount: Amount
}

/// The epoch's split of the coverage pool (Specs/depin/coverage.md §9): HIP-15 reward units per
/// beacon, scaled by the challengee's HIP-17 density scale, then each share of the pool divided
/// by units with floor division. What the floors leave is returned, not paid.
public enum CoverageRewards {
    /// HIP-15's units in ppm of a unit for a beacon with `witnesses` selected witnesses:
    /// (challengee's, each witness's).
    public static func units(witnesses w: UInt64, parameters p: CoverageParameters) -> (challengee: UInt64, witness: UInt64) {
        let unit = CoverageParameters.ppm, n = max(p.witnessRedundancy, 1)
        guard w > 0 else { return (0, 0) }
        guard w > n else { return (w * unit / n, unit) }
        var decayed = unit
        for _ in 0..<min(w - n, 64) { decayed = decayed * min(p.rewardDecay, unit) / unit }
        let extra = unit - decayed
        return (min(unit + extra, p.transmitUnitCap), (n * unit - extra) / w)
    }

    public static func split(pool: Amount, beacons: [RewardedBeacon], parameters p: CoverageParameters) -> CoverageRewardSplit {
        var challengeeWeights: [Address: UInt128] = [:], witnessWeights: [Address: UInt128] = [:]
        for beacon in beacons {
            let units = units(witnesses: UInt64(beacon.witnesses.count), parameters: p)
            let scale = UInt128(min(beacon.scale, CoverageParameters.ppm))
            challengeeWeights[beacon.challengee, default: 0] += UInt128(units.challengee) * scale
            for witness in beacon.witnesses { witnessWeights[witness, default: 0] += UInt128(units.witness) * scale }
        }
        let challengeePool = IntegerMath.ppm(pool, p.challengeeShare)
        let witnessPool = IntegerMath.ppm(pool, p.witnessShare)
        var amounts: [Address: Amount] = [:]
        for (subpool, weights) in [(challengeePool, challengeeWeights), (witnessPool, witnessWeights)] {
            let devices = weights.keys.sorted()
            let total = devices.reduce(UInt128(0)) { $0 + weights[$1]! }
            guard total > 0 else { continue }
            for device in devices {
                amounts[device, default: 0] += IntegerMath.mulDiv(subpool, weights[device]!, total) ?? 0
            }
        }
        let entries = amounts.keys.sorted().compactMap { device in
            amounts[device]! > 0 ? CoveragePayout(device: device, amount: amounts[device]!) : nil
        }
        let paid = entries.reduce(Amount(0)) { $0 + $1.amount }
        return CoverageRewardSplit(payouts: entries, remainder: pool - paid)
    }
}
