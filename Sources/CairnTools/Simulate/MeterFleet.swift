import CairnCore
import CairnCrypto
import CairnState
import Foundation

/// One simulated meter: its device, what it measures, its nameplate and where it stands.
struct SimMeter: Sendable {
    let index: Int
    let device: FleetDevice<MeterClass>
    let technology: MeterTechnology
    /// Watts.
    let capacity: UInt64
    /// Degrees.
    let latitude: Double
    let longitude: Double
    /// The register when the run starts, Wh (a meter counts from the day it was made).
    let register: UInt64
}

/// The energy fleet, drawn from the seed: meters by class around a few cities on both
/// hemispheres (so one run has summer and winter days), the owners and the watcher account that
/// reports equivocations.
struct MeterFleet: Sendable {
    let meters: [SimMeter]
    /// Owners first, the watcher last.
    let accounts: [PrivateKey]
    let rogueMaker: PrivateKey

    var watcher: PrivateKey { accounts[accounts.count - 1] }
    var devices: [FleetDevice<MeterClass>] { meters.map(\.device) }

    static let cities: [(name: String, latitude: Double, longitude: Double)] = [
        ("Zürich", 47.3769, 8.5417), ("Madrid", 40.4168, -3.7038), ("Nairobi", -1.2921, 36.8219), ("Sydney", -33.8688, 151.2093),
        ("Denver", 39.7392, -104.9903), ("São Paulo", -23.5505, -46.6333), ("Tokyo", 35.6762, 139.6503), ("Cape Town", -33.9249, 18.4241),
    ]

    static func key(_ seed: UInt64, _ purpose: String) -> PrivateKey { SimulationKey.derive("energy", seed: seed, purpose) }

    init(_ o: EnergySimulator.Options) throws(SimulationError) {
        guard o.meters > 0, o.owners > 0 else { throw SimulationError("meters and owners must be positive") }
        let counts = try ClassShares.counts(o.shares, total: o.meters, honest: .honest, noun: "meters")
        accounts = (0...o.owners).map { Self.key(o.seed, $0 < o.owners ? "owner-\($0)" : "watcher") }
        rogueMaker = Self.key(o.seed, "rogue-maker")
        var rng = SeededRandom(seed: o.seed, "energy", "fleet")
        var list: [SimMeter] = []
        for c in MeterClass.allCases {
            for _ in 0..<(counts[c] ?? 0) {
                let i = list.count
                let technology: MeterTechnology = switch c {
                case .overCapacity, .decreasing: .wind
                case .nightSolar, .equivocator, .backdated: .solar
                default: rng.uniform(0...1) < o.solarShare ? .solar : .wind
                }
                let city = Self.cities[Int.random(in: 0..<Self.cities.count, using: &rng)]
                let north = rng.uniform(-20_000...20_000), east = rng.uniform(-20_000...20_000)
                let lat = city.latitude + north / LocalFrame.metresPerDegree
                let lon = city.longitude + east / (LocalFrame.metresPerDegree * cos(city.latitude * .pi / 180))
                let capacity = UInt64(technology == .solar ? rng.uniform(3_000...10_000) : rng.uniform(5_000...50_000)) / 100 * 100
                let place = AssertedPlace(latitude: Int32((lat * 1e6).rounded()), longitude: Int32((lon * 1e6).rounded()),
                                          elevation: Int32(rng.uniform(0...800)), antennaGain: 0)
                let device = FleetDevice(key: Self.key(o.seed, "meter-\(i)"), kind: .meter, fleetClass: c, owner: i % o.owners,
                                         rogueMaker: c == .unknownMaker, place: place)
                list.append(SimMeter(index: i, device: device, technology: technology, capacity: capacity,
                                     latitude: Double(place.latitude) / 1e6, longitude: Double(place.longitude) / 1e6,
                                     register: UInt64(rng.uniform(1_000_000...50_000_000))))
            }
        }
        meters = list
    }
}
