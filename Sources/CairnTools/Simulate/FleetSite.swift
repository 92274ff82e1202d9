import CairnGeo
import CairnState
import Foundation

/// A place as the chain records it: micro-degrees, whole metres, antenna gain in dBi × 10.
struct Site: Sendable, Hashable {
    var latitude: Int32
    var longitude: Int32
    var elevation: Int32
    var gain: UInt64

    var point: GeoPoint { try! GeoPoint(latitude: latitude, longitude: longitude) }
    var asserted: AssertedPlace { AssertedPlace(latitude: latitude, longitude: longitude, elevation: elevation, antennaGain: gain) }

    /// The chain's own distance (coverage.md §6.2 `d`), so the simulator's spacing and bounds are
    /// exactly the ones the rules compute.
    func distance(to other: Site) -> UInt64 {
        GreatCircle.distance3D(point, elevationA: elevation, other.point, elevationB: other.elevation)
    }
}

/// Metres east and north of a centre, to micro-degrees: a flat-earth step is exact enough over
/// the ~100 km a fleet spans (the chain measures with its own great-circle distance anyway).
struct LocalFrame: Sendable {
    let latitude: Double
    let longitude: Double
    static let metresPerDegree = 111_320.0

    func site(east: Double, north: Double, elevation: Int32, gain: UInt64) -> Site {
        let lat = latitude + north / Self.metresPerDegree
        let lon = longitude + east / (Self.metresPerDegree * cos(latitude * .pi / 180))
        return Site(latitude: Int32((lat * 1e6).rounded()), longitude: Int32((lon * 1e6).rounded()), elevation: elevation, gain: gain)
    }

    func offset(of site: Site) -> (east: Double, north: Double) {
        let north = (Double(site.latitude) / 1e6 - latitude) * Self.metresPerDegree
        let east = (Double(site.longitude) / 1e6 - longitude) * Self.metresPerDegree * cos(latitude * .pi / 180)
        return (east, north)
    }
}

/// Keeps placed sites apart by at least `minimum` metres (the chain's distance), with a bucket
/// grid so each check looks at the few sites nearby only.
struct SpacingIndex: Sendable {
    let minimum: UInt64
    let frame: LocalFrame
    private var buckets: [Int64: [Site]] = [:]

    init(minimum: UInt64, frame: LocalFrame) {
        self.minimum = minimum
        self.frame = frame
    }

    private func bucket(_ site: Site) -> (Int64, Int64) {
        let o = frame.offset(of: site), size = Double(minimum)
        return (Int64((o.east / size).rounded(.down)), Int64((o.north / size).rounded(.down)))
    }

    private static func key(_ x: Int64, _ y: Int64) -> Int64 { x &* 1_000_003 &+ y }

    func fits(_ site: Site) -> Bool {
        let (x, y) = bucket(site)
        for dx in -1...1 {
            for dy in -1...1 {
                for other in buckets[Self.key(x + Int64(dx), y + Int64(dy))] ?? [] where site.distance(to: other) < minimum {
                    return false
                }
            }
        }
        return true
    }

    mutating func insert(_ site: Site) {
        let (x, y) = bucket(site)
        buckets[Self.key(x, y), default: []].append(site)
    }
}
