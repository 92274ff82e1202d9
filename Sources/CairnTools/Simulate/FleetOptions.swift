/// How big the simulated fleet is, where it stands and how much of it cheats.
public struct FleetOptions: Sendable {
    public var hotspots = 2_000
    public var seed: UInt64 = 1
    /// Accounts owning the onboarded devices (more are used when one would exceed the mempool's
    /// per-sender limit).
    public var owners = 8
    /// Fraction of `hotspots` in each cheater class; the rest, less the farm, is honest.
    public var shares: [FleetClass: Double] = FleetOptions.defaultShares
    /// Hotspots in the one resolution-8 cell of the cell farm.
    public var farmSize = 50
    /// Radios in one colluding room.
    public var colluderGroup = 5
    /// The city the fleet stands around (default Zürich) and the extent of core and countryside.
    public var centreLatitude = 47.3769
    public var centreLongitude = 8.5417
    public var coreRadiusMetres = 10_000.0
    public var countryRadiusMetres = 45_000.0
    /// Fraction of the spaced hotspots in the city core; the rest are in the countryside.
    public var coreShare = 0.55
    /// How far from its radio a spoofer asserts its place.
    public var spoofDistanceMetres: ClosedRange<Double> = 20_000...80_000

    public static let defaultShares: [FleetClass: Double] = [
        .spoofer: 0.04, .fabricator: 0.02, .colluder: 0.025, .inflated: 0.02, .replayer: 0.02, .selfWitness: 0.015,
        .late: 0.015, .wrongFrequency: 0.02, .unknownMaker: 0.01,
    ]

    public init() {}

    /// Hotspots per class: each share of `hotspots` rounded (colluders to whole rooms), the farm,
    /// and honest the remainder.
    public func counts() throws(SimulationError) -> [FleetClass: Int] {
        try ClassShares.counts(shares.filter { $0.key != .cellFarm }, fixed: [.cellFarm: farmSize], total: hotspots, honest: .honest,
                               noun: "hotspots") { c, n in
            c == .colluder && n > 0 ? max(colluderGroup, n / colluderGroup * colluderGroup) : n
        }
    }
}

public struct SimulationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
