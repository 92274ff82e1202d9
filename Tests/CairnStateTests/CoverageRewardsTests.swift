import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import CairnTestSupport
import Testing

@Suite struct CoverageRewardsTests {
    typealias F = CoverageFixture
    static let levels = CoverageParameters.defaults.densityLevels

    static func cell(_ place: AssertedPlace) -> UInt64 {
        try! CellID(containing: GeoPoint(latitude: place.latitude, longitude: place.longitude), resolution: 15).raw
    }

    @Test func aFarmInOneCellIsScaledDownAndASparseHotspotIsNot() {
        // 50 hotspots within a few metres, and one alone 60 km away.
        let farm = (0..<50).map { Self.cell(F.place(metres: Double($0) * 0.5, bearing: 0)) }
        let alone = Self.cell(F.place(metres: 60_000, bearing: 180))
        let map = DensityMap(hotspotCells: farm + [alone], levels: Self.levels)
        #expect(map.scale(cell: farm[0]) == 20_000)
        #expect(map.scale(cell: alone) == 1_000_000)
        #expect(map.scale(cell: Self.cell(F.place(metres: 30_000, bearing: 270))) == 0)
    }

    @Test func occupiedNeighboursRaiseTheLimit() {
        // Five occupied resolution-8 cells in a row (≈ 515 m apart), four hotspots in the middle one.
        let middle = F.place(metres: 0)
        var cells = (0..<4).map { _ in Self.cell(middle) }
        for k in [-2, -1, 1, 2] { cells.append(Self.cell(F.place(metres: 515 * Double(abs(k)), bearing: k < 0 ? 270 : 90))) }
        let map = DensityMap(hotspotCells: cells, levels: Self.levels)
        let res8 = try! CellID(raw: cells[0])!.parent(at: 8).raw
        let neighbours = DensityMap.neighbourhood(res8).filter { (map.unclipped[0][$0] ?? 0) >= 1 }.count
        // Limit = min(4, 1 · max(occupied − 2 + 1, 1)).
        #expect(map.clipped[0][res8] == UInt64(min(4, max(neighbours - 1, 1))))
        #expect(neighbours == 3)
    }

    @Test func neighbourhoodWrapsAndStopsAtThePoles() {
        let p = CellID.subdivisions[8]
        let west = UInt64(8) << 60 | UInt64(1_000) << 30 | 0
        let ring = DensityMap.neighbourhood(west)
        #expect(ring.count == 9)
        #expect(ring.contains(UInt64(8) << 60 | UInt64(1_000) << 30 | (DensityMap.columns(row: 1_000, subdivision: p) - 1)))
        let south = UInt64(8) << 60 | 5
        #expect(DensityMap.neighbourhood(south).count == 6)
    }

    @Test func hip15Units() {
        let p = F.parameters
        #expect(CoverageRewards.units(witnesses: 0, parameters: p) == (0, 0))
        #expect(CoverageRewards.units(witnesses: 2, parameters: p) == (500_000, 1_000_000))
        #expect(CoverageRewards.units(witnesses: 4, parameters: p) == (1_000_000, 1_000_000))
        // w = 5: r^1 = 0.8, extra 0.2: transmitter 1.2, each witness (4 − 0.2) / 5 = 0.76.
        #expect(CoverageRewards.units(witnesses: 5, parameters: p) == (1_200_000, 760_000))
        // w = 14: 0.8^10 = 0.107374 (floored per step), transmitter 1.892626, witnesses (4 − 0.892626)/14.
        let u = CoverageRewards.units(witnesses: 14, parameters: p)
        #expect(u.challengee == 1_892_627 || u.challengee == 1_892_626)
        #expect(u.witness == (4_000_000 - (u.challengee - 1_000_000)) / 14)
    }

    @Test func splitFollowsSharesAndScales() {
        let beacon = RewardedBeacon(challengee: F.owner(1), scale: 1_000_000, witnesses: [F.owner(2), F.owner(3)])
        let farm = RewardedBeacon(challengee: F.owner(4), scale: 20_000, witnesses: [F.owner(2)])
        let split = CoverageRewards.split(pool: 1_000_000_000, beacons: [beacon, farm], parameters: F.parameters)
        let paid = Dictionary(uniqueKeysWithValues: split.payouts.map { ($0.device, $0.amount) })
        // Challengees: 200 000 000 by 0.5·1.0 : 0.25·0.02 → 0.5/0.505 and 0.005/0.505.
        #expect(paid[F.owner(1)] == 198_019_801)
        #expect(paid[F.owner(4)] == 1_980_198)
        // Witnesses: 800 000 000 by 1.0 + 0.02 : 1.0 for owners 2 and 3.
        #expect(paid[F.owner(2)] == 403_960_396)
        #expect(paid[F.owner(3)] == 396_039_603)
        #expect(split.payouts.reduce(0) { $0 + $1.amount } + split.remainder == 1_000_000_000)
    }

    @Test func nothingToRewardLeavesThePool() {
        let split = CoverageRewards.split(pool: 12_345, beacons: [RewardedBeacon(challengee: F.owner(1), scale: 900_000, witnesses: [])],
                                          parameters: F.parameters)
        #expect(split.payouts.isEmpty && split.remainder == 12_345)
    }

    /// sum(payouts) + remainder == pool, and the floors lose less than one base unit per payee
    /// and share, for random beacons, owners, scales and pools up to 2^120.
    @Test func conservation() {
        var rng = SeededGenerator(seed: 0xC0FE_2026)
        for _ in 0..<300 {
            let owners = Int.random(in: 1...12, using: &rng)
            let beacons = (0..<Int.random(in: 0...20, using: &rng)).map { _ in
                RewardedBeacon(challengee: F.owner(Int.random(in: 0..<owners, using: &rng)),
                               scale: UInt64.random(in: 0...1_000_000, using: &rng),
                               witnesses: (0..<Int.random(in: 0...16, using: &rng)).map { _ in F.owner(Int.random(in: 0..<owners, using: &rng)) })
            }
            var p = F.parameters
            p.challengeeShare = UInt64.random(in: 0...1_000_000, using: &rng)
            p.witnessShare = 1_000_000 - p.challengeeShare
            let pool = Amount.random(in: 0...(Amount(1) << UInt128.random(in: 0...120, using: &rng)), using: &rng)
            let split = CoverageRewards.split(pool: pool, beacons: beacons, parameters: p)
            let paid = split.payouts.reduce(Amount(0)) { $0 + $1.amount }
            #expect(paid + split.remainder == pool)
            #expect(split.payouts.map(\.device) == split.payouts.map(\.device).sorted())
            let anyWeight = beacons.contains { $0.scale > 0 && !$0.witnesses.isEmpty }
            if anyWeight { #expect(split.remainder <= Amount(2 * owners + 1)) }
        }
    }
}
