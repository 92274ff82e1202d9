import CairnTestSupport
import Foundation
import Testing

/// A second implementation written from Specs/depin/geometry.md alone: it does not import
/// CairnGeo. It derives the cosine table from Foundation's cos (the spec says any correct float
/// cosine gives the table), takes square roots digit by digit instead of by Newton's method and
/// computes cells with the spec's long formulas, then must reproduce every stored vector.
enum GeometrySpecModel {
    static let cosTable: [UInt64] = (0...90).map { UInt64((cos(Double($0) * Double.pi / 180) * 1_073_741_824).rounded()) }

    /// §2.2: T[i] − round_half_up((T[i] − T[i+1]) · f / 10^6), 0 from 90° on.
    static func cosQ30(_ microdegrees: UInt64) -> UInt64 {
        if microdegrees >= 90_000_000 { return 0 }
        let i = Int(microdegrees / 1_000_000), f = microdegrees % 1_000_000
        let drop = cosTable[i] - cosTable[i + 1]
        return cosTable[i] - (drop * f + 500_000) / 1_000_000
    }

    /// §2.1: ⌊√n⌋, the schoolbook binary method.
    static func floorSqrt(_ n: UInt128) -> UInt128 {
        var remainder = n, root: UInt128 = 0, bit: UInt128 = 1 << 126
        while bit > n { bit >>= 2 }
        while bit != 0 {
            if remainder >= root + bit {
                remainder -= root + bit
                root = (root >> 1) + bit
            } else {
                root >>= 1
            }
            bit >>= 2
        }
        return root
    }

    // §3: grid.
    static let k: [UInt64] = [2, 3, 2, 3, 3, 2, 3, 3, 2, 3, 3, 2, 3, 3]  // k_2 … k_15
    static func p(_ r: Int) -> UInt64 { r <= 1 ? 1 : k[0...(r - 2)].reduce(1, *) }
    static var bandColumns: [UInt64] {
        (0..<30).map { j in (120 * cosQ30(UInt64(1_500_000 + 3_000_000 * j)) + 536_870_912) / 1_073_741_824 }
    }
    static func columns(resolution r: Int, row: UInt64) -> UInt64 {
        let band = Int(row / p(r))
        return bandColumns[band < 30 ? 29 - band : band - 30] * p(r)
    }

    static func cell(latitude: Int32, longitude: Int32, resolution r: Int) -> UInt64 {
        if r == 0 { return 0 }
        let rows = 60 * p(r)
        let lon = longitude == 180_000_000 ? -180_000_000 : Int64(longitude)
        let y = min(UInt64(Int64(latitude) + 90_000_000) * rows / 180_000_000, rows - 1)
        let x = UInt64(lon + 180_000_000) * columns(resolution: r, row: y) / 360_000_000
        return UInt64(r) << 60 + y << 30 + x
    }

    static func hex16(_ raw: UInt64) -> String {
        String(format: "%016llx", raw)
    }

    // §4: distance.
    static let metresQ40: UInt128 = {
        let numerator = UInt128(6_371_008_800) * 7_244_019_458_077_122_842
        let denominator = UInt128(180_000_000_000) * 2_097_152
        return (numerator + denominator / 2) / denominator
    }()

    static func surfaceQ30(_ a: (Int32, Int32), _ b: (Int32, Int32)) -> UInt128 {
        let fold = { (lon: Int32) -> Int64 in lon == 180_000_000 ? -180_000_000 : Int64(lon) }
        var dLon = abs(fold(b.1) - fold(a.1))
        if dLon > 180_000_000 { dLon = 360_000_000 - dLon }
        let dLat = abs(Int64(b.0) - Int64(a.0))
        let sum = Int64(a.0) + Int64(b.0)
        let mean = UInt64(abs(sum) / 2)
        let x = UInt128(dLon) * UInt128(cosQ30(mean)), y = UInt128(dLat) * 1_073_741_824
        return floorSqrt(x * x + y * y) * metresQ40 / 1_099_511_627_776
    }

    static func roundQ30(_ v: UInt128) -> UInt64 { UInt64((v + 536_870_912) / 1_073_741_824) }

    static func distance(_ a: (Int32, Int32), _ b: (Int32, Int32)) -> UInt64 { roundQ30(surfaceQ30(a, b)) }

    static func distance3D(_ a: (Int32, Int32), _ ea: Int32, _ b: (Int32, Int32), _ eb: Int32) -> UInt64 {
        let s = surfaceQ30(a, b), h = UInt128(abs(Int64(eb) - Int64(ea))) * 1_073_741_824
        return roundQ30(floorSqrt(s * s + h * h))
    }

    // §5: path loss.
    static func log2Q20(_ n: UInt128) -> Int64 {
        let e = 127 - n.leadingZeroBitCount
        var m = e > 62 ? n >> (e - 62) : n << (62 - e)  // in [2^62, 2^63)
        var bits: Int64 = 0
        for _ in 1...20 {
            m = m * m / (1 << 62)
            let one: Int64 = m >= 1 << 63 ? 1 : 0
            if one == 1 { m /= 2 }
            bits = bits * 2 + one
        }
        return Int64(e) * 1_048_576 + bits
    }

    static func fsplTenths(_ d: UInt64, _ f: UInt64) -> Int32 {
        let v = Int128(log2Q20(UInt128(max(d, 1)) * UInt128(max(f, 1)))) * 258_582_797_298 - 6_645_161_084_996_166_856
        let unit: Int128 = 1 << 52
        // Floor division of v + unit/2 (half up, also below zero).
        let shifted = v + unit / 2
        return Int32(shifted >= 0 ? shifted / unit : -((-shifted + unit - 1) / unit))
    }

    static func reason(latitude: Int32, longitude: Int32) -> String {
        if abs(Int64(latitude)) > 90_000_000 { return "latitude_out_of_range" }
        if abs(Int64(longitude)) > 180_000_000 { return "longitude_out_of_range" }
        return "valid"
    }
}

@Suite struct GeometryModelTests {
    static func stored() throws -> GeometryVectorFile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(GeometryVectorFile.self, from: Data(contentsOf: SpecVectors.directory.appendingPathComponent("geometry.json")))
    }

    @Test func tablesFollowTheSpec() throws {
        let file = try Self.stored()
        #expect(file.cosineTableQ30.map(UInt64.init) == GeometrySpecModel.cosTable)
        #expect(file.bandColumns == GeometrySpecModel.bandColumns)
        // The table's entries are far from rounding ties, so float cos cannot disagree about them.
        for i in 0...90 {
            let exact = cos(Double(i) * Double.pi / 180) * 1_073_741_824
            #expect(abs(exact - exact.rounded(.down) - 0.5) > 0.005)
        }
    }

    @Test func cellsFollowTheSpec() throws {
        for point in try Self.stored().points {
            for cell in point.cells {
                let raw = GeometrySpecModel.cell(latitude: point.latitude, longitude: point.longitude, resolution: Int(cell.resolution))
                #expect(String(raw) == cell.raw, "\(point.latitude), \(point.longitude) at \(cell.resolution)")
                #expect(GeometrySpecModel.hex16(raw) == cell.string)
            }
        }
    }

    @Test func distancesFollowTheSpec() throws {
        for pair in try Self.stored().distances {
            let a = (pair.a[0], pair.a[1]), b = (pair.b[0], pair.b[1])
            #expect(GeometrySpecModel.distance(a, b) == pair.distance, "\(pair.a) → \(pair.b)")
            #expect(GeometrySpecModel.distance3D(a, pair.elevationA, b, pair.elevationB) == pair.distance3d)
        }
    }

    @Test func pathLossFollowsTheSpec() throws {
        for row in try Self.stored().pathLoss {
            let d = try #require(UInt64(row.distanceMeters)), f = try #require(UInt64(row.frequencyHz))
            #expect(GeometrySpecModel.fsplTenths(d, f) == row.tenths, "\(d) m, \(f) Hz")
        }
    }

    @Test func invalidPointsFollowTheSpec() throws {
        for row in try Self.stored().invalidPoints {
            #expect(GeometrySpecModel.reason(latitude: row.latitude, longitude: row.longitude) == row.reason)
        }
    }
}
