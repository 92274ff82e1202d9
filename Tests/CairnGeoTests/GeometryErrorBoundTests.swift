import CairnGeo
import CairnTestSupport
import Foundation
import Testing

/// The integer results against Double references, over pseudo-random inputs from fixed seeds.
/// Each asserted bound is the one Specs/depin/geometry.md §4 and §5 state, a little above the measured
/// maximum, so a regression in the tables or the rounding fails it.
@Suite struct GeometryErrorBoundTests {
    static let radius = 6_371_008.8

    static func radians(_ microdegrees: Int32) -> Double { Double(microdegrees) / 1e6 * Double.pi / 180 }

    static func haversine(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let (p1, p2) = (radians(a.latitude), radians(b.latitude))
        let dl = radians(b.longitude) - radians(a.longitude)
        let h = pow(sin((p2 - p1) / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2)
        return 2 * radius * asin(min(1, h.squareRoot()))
    }

    /// A point `metres` from (latitude°, longitude°) along `bearing`°, in micro-degrees, or nil
    /// if it falls beyond ±maxLatitude°.
    static func destination(_ latitude: Double, _ longitude: Double, bearing: Double, metres: Double, maxLatitude: Double) -> GeoPoint? {
        let (p, l, t, d) = (latitude * .pi / 180, longitude * .pi / 180, bearing * .pi / 180, metres / radius)
        let p2 = asin(sin(p) * cos(d) + cos(p) * sin(d) * cos(t))
        let l2 = l + atan2(sin(t) * sin(d) * cos(p), cos(d) - sin(p) * sin(p2))
        var lonDegrees = (l2 * 180 / .pi).truncatingRemainder(dividingBy: 360)
        if lonDegrees >= 180 { lonDegrees -= 360 } else if lonDegrees < -180 { lonDegrees += 360 }
        let latDegrees = p2 * 180 / .pi
        guard abs(latDegrees) <= maxLatitude else { return nil }
        return try? GeoPoint(latitude: Int32((latDegrees * 1e6).rounded()), longitude: Int32((lonDegrees * 1e6).rounded()))
    }

    /// The largest relative error of `GreatCircle.distance` beyond half a metre of rounding, over
    /// `count` pairs up to `maxMetres` apart (log-uniform from 10 m) within ±maxLatitude°.
    static func worstDistanceError(seed: UInt64, count: Int, maxMetres: Double, maxLatitude: Double) -> Double {
        var rng = SeededGenerator(seed: seed)
        var worst = 0.0
        var done = 0
        while done < count {
            let lat = Double.random(in: -maxLatitude...maxLatitude, using: &rng)
            let lon = Double.random(in: -180..<180, using: &rng)
            let metres = exp(Double.random(in: log(10)...log(maxMetres), using: &rng))
            guard let a = try? GeoPoint(latitude: Int32((lat * 1e6).rounded()), longitude: Int32((lon * 1e6).rounded())),
                  let b = destination(lat, lon, bearing: Double.random(in: 0..<360, using: &rng), metres: metres, maxLatitude: maxLatitude)
            else { continue }
            done += 1
            let reference = haversine(a, b)
            let error = max(0, abs(Double(GreatCircle.distance(a, b)) - reference) - 0.5) / reference
            worst = max(worst, error)
        }
        return worst
    }

    @Test func distanceWithinTheWitnessRange() {
        let worst = Self.worstDistanceError(seed: 1, count: 200_000, maxMetres: 200_000, maxLatitude: 80)
        print("distance ≤ 200 km, |lat| ≤ 80°: worst relative error \(worst)")
        #expect(worst < 0.0015)
    }

    @Test func distanceBeyondTheWitnessRange() {
        let cases: [(UInt64, Double, Double, Double)] = [
            (2, 1_000_000, 60, 0.0035), (3, 1_000_000, 80, 0.035), (4, 200_000, 85, 0.006), (5, 200_000, 89.9, 0.7),
        ]
        for (seed, metres, latitude, bound) in cases {
            let worst = Self.worstDistanceError(seed: seed, count: 50_000, maxMetres: metres, maxLatitude: latitude)
            print("distance ≤ \(metres) m, |lat| ≤ \(latitude)°: worst relative error \(worst)")
            #expect(worst < bound)
        }
    }

    @Test func distanceAcrossTheAntimeridianIsTheShortWay() throws {
        let east = try GeoPoint(latitude: 10_000_000, longitude: 179_990_000)
        let west = try GeoPoint(latitude: 10_000_000, longitude: -179_990_000)
        let metres = GreatCircle.distance(east, west)
        #expect(abs(Double(metres) - Self.haversine(east, west)) < 1)
        #expect(metres == GreatCircle.distance(west, east))
        #expect(metres > 2_000 && metres < 2_300)
    }

    @Test func pathLossWithinHalfATenth() {
        var rng = SeededGenerator(seed: 7)
        var worst = 0.0
        for _ in 0..<200_000 {
            let d = UInt64(exp(Double.random(in: 0...log(1e6), using: &rng)))
            let f = UInt64(exp(Double.random(in: log(1e8)...log(6e9), using: &rng)))
            let reference = 200 * (log10(Double(d)) + log10(Double(f)) + log10(4 * Double.pi / 299_792_458))
            let tenths = FreeSpacePathLoss.decibelsTenths(distanceMeters: d, frequencyHz: f)
            worst = max(worst, abs(Double(tenths) - reference))
        }
        print("path loss 1 m – 1000 km, 100 MHz – 6 GHz: worst error \(worst) tenths of a dB")
        #expect(worst <= 0.5001)
    }

    @Test func log2NeverAboveAndAtMostTwoUnitsBelow() {
        var rng = SeededGenerator(seed: 8)
        for _ in 0..<50_000 {
            let n = UInt128(rng.next()) << (rng.next() % 65) | UInt128(rng.next() % 1_000)
            let exact = log2(Double(max(n, 1))) * 1_048_576
            let approx = Double(GeoMath.log2Q20(n))
            #expect(approx <= exact + 1e-6 && approx > exact - 2, "\(n)")
        }
        #expect(GeoMath.log2Q20(0) == 0 && GeoMath.log2Q20(1) == 0 && GeoMath.log2Q20(2) == 1 << 20)
        #expect(GeoMath.log2Q20(.max) == 128 << 20 - 1)
    }

    @Test func cosineWithinInterpolationError() {
        var worst = 0.0
        for a in stride(from: UInt32(0), through: 90_000_000, by: 997) {
            let exact = cos(Double(a) / 1e6 * Double.pi / 180)
            worst = max(worst, abs(Double(GeoMath.cosineQ30(microdegrees: a)) / 1_073_741_824 - exact))
        }
        print("integer cosine: worst absolute error \(worst)")
        #expect(worst < 3.9e-5)
        #expect(GeoMath.cosineQ30(microdegrees: 0) == 1 << 30 && GeoMath.cosineQ30(microdegrees: 90_000_000) == 0)
    }

    @Test func integerSquareRoots() {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<20_000 {
            let n64 = rng.next() >> (rng.next() % 64)
            let r64 = GeoMath.isqrt(n64)
            #expect(r64.multipliedFullWidth(by: r64).high == 0 && r64 * r64 <= n64)
            #expect(UInt128(r64 + 1) * UInt128(r64 + 1) > UInt128(n64))
            let n128 = (UInt128(rng.next()) << 64 | UInt128(rng.next())) >> (rng.next() % 128)
            let r128 = GeoMath.isqrt(n128)
            #expect(r128 * r128 <= n128 && (r128 + 1).multipliedFullWidth(by: r128 + 1) > (0, n128))
        }
        let edges: [UInt64] = [0, 1, 2, 3, 4, 15, 16, 17, UInt64(UInt32.max) * UInt64(UInt32.max), .max]
        #expect(edges.map { GeoMath.isqrt($0) } == [0, 1, 1, 1, 2, 3, 4, 4, UInt64(UInt32.max), UInt64(UInt32.max)])
        #expect(GeoMath.isqrt(UInt128.max) == UInt128(UInt64.max))
        #expect(GeoMath.isqrt(UInt128(UInt64.max) * UInt128(UInt64.max)) == UInt128(UInt64.max))
    }
}
