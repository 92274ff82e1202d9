/// What a simulated hotspot is, in the simulator's own bookkeeping (the chain never sees it).
public enum FleetClass: String, CaseIterable, Sendable, Codable, Comparable {
    /// A real radio at the place it asserted, reporting what it hears.
    case honest
    /// A real radio asserted tens of kilometres from where it is, relaying what it really hears.
    case spoofer
    /// No radio: asserts a place and fabricates receipts of beacons near it with invented RSSI.
    case fabricator
    /// Radios in one room, each asserting a different place kilometres apart, witnessing each other.
    case colluder
    /// Honest place, but every receipt claims more signal than free space allows.
    case inflated
    /// Honest place; its receipts carry the packet hash of an earlier beacon.
    case replayer
    /// Honest place; witnesses its own beacons.
    case selfWitness = "self_witness"
    /// Honest place; its receipts are timed after the receipt window.
    case late
    /// Honest place; its receipts name another channel or a frequency outside the plan.
    case wrongFrequency = "wrong_frequency"
    /// Signed by a maker the chain does not list: onboarding is refused.
    case unknownMaker = "unknown_maker"
    /// Real radios, honest places, fifty of them in one resolution-8 cell.
    case cellFarm = "cell_farm"

    public static func < (a: FleetClass, b: FleetClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Its asserted place is not where its radio is, so the verdicts of honest hotspots' receipts
    /// of its beacons measure its lie, not theirs: those receipts are booked to it.
    var liesAboutLocation: Bool { self == .spoofer || self == .colluder || self == .fabricator }

    /// Every receipt it signs carries its cheat (a physically honest witness's receipts do not).
    var cheatsAsWitness: Bool { self != .honest && self != .cellFarm }
}
