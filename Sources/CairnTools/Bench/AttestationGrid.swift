import CairnCore
import CairnCrypto
import CairnGeo
import CairnState
import Foundation

/// The hotspots of `cairn bench attestations`: deterministic device keys on a square grid
/// `spacing` metres apart around 47° N, 8° E, each heard by its `witnesses` nearest neighbours.
/// A grid keeps every witness 1–10 km from the challengee, inside the coverage rules' 300 m –
/// 100 km, so every receipt can be made valid with a physically plausible RSSI.
struct AttestationGrid: Sendable {
    static let origin = (latitude: 47_000_000, longitude: 8_000_000)  // micro-degrees
    static let elevation: Int32 = 10
    /// 3 dBi, a common LoRa antenna: inside the devices module's `max_antenna_gain`.
    static let antennaGain: UInt64 = 30

    let keys: [PrivateKey]
    let places: [AssertedPlace]
    let points: [GeoPoint]
    let columns: Int
    /// Device id → grid index.
    let index: [Address: Int]
    /// Grid offsets nearest first, wide enough that even a corner hotspot finds `witnesses` of them.
    private let offsets: [(dx: Int, dy: Int)]
    let witnesses: Int

    init(hotspots: Int, spacingMetres: Double, witnesses: Int, cores: Int) async throws {
        precondition(hotspots > witnesses && witnesses > 0)
        columns = Int(Double(hotspots).squareRoot().rounded(.up))
        // Micro-degrees per metre: 0.11132 m per micro-degree of latitude, times cos(latitude) of longitude.
        let latitudeStep = spacingMetres / 0.111_32
        let longitudeStep = latitudeStep / cos(Double(Self.origin.latitude) / 1e6 * .pi / 180)
        let columns = columns
        keys = try await AttestationParallel.map(hotspots, cores: cores) { i in
            try PrivateKey(bytes: Hash32.sha256(Array("cairn-bench-hotspot-\(i)".utf8)).bytes)
        }
        places = (0..<hotspots).map { i in
            AssertedPlace(latitude: Int32(Self.origin.latitude + Int((Double(i / columns) * latitudeStep).rounded())),
                          longitude: Int32(Self.origin.longitude + Int((Double(i % columns) * longitudeStep).rounded())),
                          elevation: Self.elevation, antennaGain: Self.antennaGain)
        }
        points = try places.map { try GeoPoint(latitude: $0.latitude, longitude: $0.longitude) }
        index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1.address, $0) })
        let reach = Int(Double(witnesses).squareRoot()) + 2
        var offsets: [(dx: Int, dy: Int)] = []
        for dy in -reach...reach { for dx in -reach...reach where dx != 0 || dy != 0 { offsets.append((dx, dy)) } }
        func order(_ o: (dx: Int, dy: Int)) -> (Int, Int, Int) { (o.dx * o.dx + o.dy * o.dy, o.dy, o.dx) }
        self.offsets = offsets.sorted { order($0) < order($1) }
        self.witnesses = witnesses
    }

    var count: Int { keys.count }

    /// The `witnesses` grid neighbours of hotspot `i` nearest first (fewer only on a grid too small for them).
    func neighbours(of i: Int) -> [Int] {
        let row = i / columns, column = i % columns
        var found: [Int] = []
        for offset in offsets {
            let r = row + offset.dy, c = column + offset.dx
            guard r >= 0, c >= 0, c < columns else { continue }
            let j = r * columns + c
            guard j < count else { continue }
            found.append(j)
            if found.count == witnesses { break }
        }
        return found
    }

    /// An RSSI a real radio at witness `w` could report for a beacon of challengee `c` on
    /// `frequency`: 1–20 dB below the free-space budget the witness rule 16 computes (transmit
    /// power plus both gains minus the path loss, by the rule's own distance), and above the floor.
    func rssi(challengee c: Int, witness w: Int, frequency: UInt64, parameters p: CoverageParameters) -> Int32 {
        let distance = GreatCircle.distance3D(points[c], elevationA: places[c].elevation, points[w], elevationB: places[w].elevation)
        let loss = Int64(FreeSpacePathLoss.decibelsTenths(distanceMeters: distance, frequencyHz: frequency))
        let budget = Int64(p.beaconTransmitPower) + Int64(places[c].antennaGain + places[w].antennaGain) - loss
        let fading = 10 + Int64((c &* 31 &+ w &* 17) % 190)
        return Int32(max(budget - fading, -Int64(p.rssiFloor)))
    }
}

/// Work split over `cores` tasks, results in index order: signing and key derivation are the
/// benchmark's preparation, and on 2 cores doing them serially would double the setup time.
enum AttestationParallel {
    static func map<T: Sendable>(_ count: Int, cores: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        let parts = try await withThrowingTaskGroup(of: (Int, [T]).self) { group in
            for worker in 0..<max(cores, 1) {
                group.addTask {
                    let range = (count * worker / cores)..<(count * (worker + 1) / cores)
                    return (worker, try range.map(body))
                }
            }
            var parts: [(Int, [T])] = []
            for try await part in group { parts.append(part) }
            return parts
        }
        return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
    }
}
