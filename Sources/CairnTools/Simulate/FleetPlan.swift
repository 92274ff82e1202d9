import CairnCore
import CairnCrypto
import CairnGeo
import CairnState
import Foundation

/// One simulated hotspot: its key, what it is, where its radio is and where it says it is.
struct SimHotspot: Sendable {
    let index: Int
    let key: PrivateKey
    let id: Address
    let fleetClass: FleetClass
    /// Index into the plan's owners (the last owner is the unknown maker's customer).
    let owner: Int
    /// Where the radio physically is; nil for a fabricator, which has none.
    let radio: Site?
    let asserted: Site
    /// In the city core: more clutter and a steeper path-loss exponent.
    let urban: Bool
    /// The colluding room it sits in.
    let room: Int?
}

/// The whole fleet, placed from the seed: the same options give the same keys and places.
struct FleetPlan: Sendable {
    let hotspots: [SimHotspot]
    let owners: [PrivateKey]
    /// The rogue maker signing the unknown-maker class (no chain lists it).
    let rogueMaker: PrivateKey
    /// The cell farm's resolution-8 cell.
    let farmCell: CellID
    let byID: [Address: Int]

    /// Honest places keep this far apart (the chain's `min_witness_distance` is 300 m).
    static let honestSpacing: UInt64 = 320
    /// Honest hotspots keep out of a disc this wide around the farm, so its ring stays empty.
    static let farmClearance = 3_000.0

    static func key(_ seed: UInt64, _ purpose: String) -> PrivateKey { SimulationKey.derive("coverage", seed: seed, purpose) }

    init(_ o: FleetOptions) throws(SimulationError) {
        let counts = try o.counts()
        var rng = SeededRandom(seed: o.seed, "placement")
        let frame = LocalFrame(latitude: o.centreLatitude, longitude: o.centreLongitude)
        let onboarded = o.hotspots - (counts[.unknownMaker] ?? 0)
        let ownerCount = max(o.owners, (onboarded + 899) / 900)
        owners = (0...ownerCount).map { Self.key(o.seed, "owner-\($0)") }
        rogueMaker = Self.key(o.seed, "rogue-maker")

        // The farm first: a countryside spot whose surroundings the others keep clear of.
        let farmBearing = rng.uniform(0...(2 * .pi)), farmRange = (o.coreRadiusMetres + o.countryRadiusMetres) / 2
        let farmEast = farmRange * cos(farmBearing), farmNorth = farmRange * sin(farmBearing)
        let farmCentre = frame.site(east: farmEast, north: farmNorth, elevation: 450, gain: 30)
        farmCell = try! CellID(containing: farmCentre.point, resolution: 8)

        var spacing = SpacingIndex(minimum: Self.honestSpacing, frame: frame)
        var list: [SimHotspot] = []
        var room = 0
        func add(_ c: FleetClass, radio: Site?, asserted: Site, urban: Bool, room: Int? = nil) {
            let i = list.count
            let key = Self.key(o.seed, "device-\(i)")
            let owner = c == .unknownMaker ? ownerCount : i % ownerCount
            list.append(SimHotspot(index: i, key: key, id: key.address, fleetClass: c, owner: owner, radio: radio, asserted: asserted,
                                   urban: urban, room: room))
        }
        func randomSite(urban: Bool, _ rng: inout SeededRandom) -> Site {
            let r = urban ? o.coreRadiusMetres * rng.uniform(0...1).squareRoot()
                : (o.coreRadiusMetres * o.coreRadiusMetres
                   + rng.uniform(0...1) * (o.countryRadiusMetres * o.countryRadiusMetres - o.coreRadiusMetres * o.coreRadiusMetres)).squareRoot()
            let a = rng.uniform(0...(2 * .pi))
            let elevation = Int32(urban ? 400 + rng.uniform(0...60) : 400 + rng.uniform(0...500))
            let gain = UInt64(urban ? rng.uniform(20...30) : rng.uniform(30...58))
            return frame.site(east: r * cos(a), north: r * sin(a), elevation: elevation, gain: gain)
        }
        func spacedSite(_ rng: inout SeededRandom) throws(SimulationError) -> (Site, Bool) {
            for _ in 0..<10_000 {
                let urban = rng.uniform(0...1) < o.coreShare
                let site = randomSite(urban: urban, &rng)
                let o = frame.offset(of: site)
                guard hypot(o.east - farmEast, o.north - farmNorth) > Self.farmClearance, spacing.fits(site) else { continue }
                spacing.insert(site)
                return (site, urban)
            }
            throw SimulationError("cannot place another hotspot \(Self.honestSpacing) m from every other: the area is full; give fewer --hotspots")
        }

        // Hotspots at honest places, spaced so no honest pair is ever too close.
        for c in [FleetClass.honest, .inflated, .replayer, .selfWitness, .late, .wrongFrequency] {
            for _ in 0..<(counts[c] ?? 0) {
                let (site, urban) = try spacedSite(&rng)
                add(c, radio: site, asserted: site, urban: urban)
            }
        }
        // The farm: every one inside its resolution-8 cell.
        var farmPlaced = 0
        while farmPlaced < o.farmSize {
            let site = frame.site(east: farmEast + rng.uniform(-600...600), north: farmNorth + rng.uniform(-600...600),
                                  elevation: Int32(440 + rng.uniform(0...20)), gain: UInt64(rng.uniform(20...40)))
            guard (try? CellID(containing: site.point, resolution: 8)) == farmCell else { continue }
            add(.cellFarm, radio: site, asserted: site, urban: false)
            farmPlaced += 1
        }
        // Spoofers: a real radio anywhere, asserted tens of kilometres away.
        for _ in 0..<(counts[.spoofer] ?? 0) {
            let urban = rng.uniform(0...1) < o.coreShare
            let radio = randomSite(urban: urban, &rng)
            let shift = rng.uniform(o.spoofDistanceMetres), a = rng.uniform(0...(2 * .pi))
            let at = frame.offset(of: radio)
            let fake = frame.site(east: at.east + shift * cos(a), north: at.north + shift * sin(a), elevation: radio.elevation, gain: radio.gain)
            add(.spoofer, radio: radio, asserted: fake, urban: urban)
        }
        // Colluders: rooms in the city, each radio asserting a place 2–8 km from the room.
        let colluders = counts[.colluder] ?? 0
        while list.filter({ $0.fleetClass == .colluder }).count < colluders {
            let spot = randomSite(urban: true, &rng), at = frame.offset(of: spot)
            for k in 0..<min(o.colluderGroup, colluders - list.filter({ $0.fleetClass == .colluder }).count) {
                let a = (Double(k) + rng.uniform(0...0.5)) * 2 * .pi / Double(o.colluderGroup), r = rng.uniform(2_000...8_000)
                let fake = frame.site(east: at.east + r * cos(a), north: at.north + r * sin(a), elevation: spot.elevation, gain: spot.gain)
                let radio = Site(latitude: spot.latitude + Int32(k * 30), longitude: spot.longitude, elevation: spot.elevation, gain: spot.gain)
                add(.colluder, radio: radio, asserted: fake, urban: true, room: room)
            }
            room += 1
        }
        // Fabricators: a countryside place and no radio at all.
        for _ in 0..<(counts[.fabricator] ?? 0) { add(.fabricator, radio: nil, asserted: randomSite(urban: false, &rng), urban: false) }
        // Never onboarded: refused for their maker.
        for _ in 0..<(counts[.unknownMaker] ?? 0) {
            let site = randomSite(urban: false, &rng)
            add(.unknownMaker, radio: site, asserted: site, urban: false)
        }
        hotspots = list
        byID = Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0.index) })
    }

    func members(of c: FleetClass) -> [SimHotspot] { hotspots.filter { $0.fleetClass == c } }

    /// The hotspots as the onboarding sees them, in index order.
    var devices: [FleetDevice<FleetClass>] {
        hotspots.map { FleetDevice(key: $0.key, kind: .hotspot, fleetClass: $0.fleetClass, owner: $0.owner,
                                   rogueMaker: $0.fleetClass == .unknownMaker, place: $0.asserted.asserted) }
    }
}
