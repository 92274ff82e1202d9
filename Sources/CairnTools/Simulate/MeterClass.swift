/// What a simulated meter is, in the simulator's bookkeeping (the chain never sees it).
public enum MeterClass: String, CaseIterable, Sendable, Comparable {
    /// Solar or wind, reporting what it generated.
    case honest
    /// A wind meter whose turbine is bigger than the nameplate it registered: gusts take it up to
    /// 1.8 times its capacity (`exceeds_capacity`).
    case overCapacity = "over_capacity"
    /// A solar meter that counts energy through the night as well, a battery fed back through it
    /// (`solar_at_night`).
    case nightSolar = "night_solar"
    /// Sends each of its batches again, two hours later (`slot_not_after_last`: the slot rule
    /// comes before the sequence rule, and a replayed reading fails both).
    case replayer
    /// Reports its day as if it were three days earlier, outside the submission window
    /// (`slot_too_old`).
    case backdated
    /// A wind meter whose register is wound back by two hours' energy every six hours
    /// (`energy_decreased` until it has counted past its last accepted reading again).
    case decreasing
    /// A solar meter that signs a second, different batch for an hour it already reported, to
    /// another gateway; the simulator, watching both, reports the evidence (frozen and slashed,
    /// then `meter_frozen`).
    case equivocator
    /// Signed by a maker the chain does not list: onboarding is refused.
    case unknownMaker = "unknown_maker"

    public static func < (a: MeterClass, b: MeterClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
