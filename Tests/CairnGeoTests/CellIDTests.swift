import CairnGeo
import CairnTestSupport
import Foundation
import Testing

@Suite struct CellIDTests {
    static func randomPoint(_ rng: inout SeededGenerator) -> GeoPoint {
        let latitude = Int32(truncatingIfNeeded: Int64(rng.next() % 180_000_001) - 90_000_000)
        let longitude = Int32(truncatingIfNeeded: Int64(rng.next() % 360_000_001) - 180_000_000)
        return try! GeoPoint(latitude: latitude, longitude: longitude)
    }

    @Test func everyCellNestsInTheCellOfTheResolutionAbove() throws {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let point = Self.randomPoint(&rng)
            let cells = try (0...CellID.maxResolution).map { r in try CellID(containing: point, resolution: r) }
            for r in 1...Int(CellID.maxResolution) {
                #expect(cells[r].resolution == UInt8(r))
                #expect(try cells[r].parent(at: UInt8(r - 1)) == cells[r - 1], "\(point) at \(r)")
                #expect(try cells[r].parent(at: 0) == .world && cells[r].parent(at: UInt8(r)) == cells[r])
                let coarser = Int(rng.next() % UInt64(r))
                #expect(try cells[r].parent(at: UInt8(coarser)) == cells[coarser])
            }
        }
    }

    @Test func rawAndStringRoundTrip() throws {
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<5_000 {
            let cell = try CellID(containing: Self.randomPoint(&rng), resolution: UInt8(rng.next() % 16))
            #expect(CellID(raw: cell.raw) == cell)
            #expect(cell.description.count == 16 && CellID(string: cell.description) == cell)
        }
        #expect(CellID.world.description == "0000000000000000")
    }

    @Test func malformedOrImpossibleCellsAreRefused() throws {
        let cell = try CellID(containing: GeoPoint(latitude: 60_000_000, longitude: 10_000_000), resolution: 8)
        let text = cell.description
        #expect(CellID(string: text.uppercased()) == nil || text.uppercased() == text)
        #expect(CellID(string: String(text.dropFirst())) == nil)
        #expect(CellID(string: "0" + text) == nil)
        #expect(CellID(string: "g" + text.dropFirst()) == nil)
        #expect(CellID(string: "000000000000000A") == nil)
        // Resolution 0 has one cell; a row or column beyond the grid is no cell.
        #expect(CellID(raw: 1) == nil)
        #expect(CellID(raw: 1 << 60 | 60 << 30) == nil)
        #expect(CellID(raw: 1 << 60 | 30 << 30 | 119) != nil && CellID(raw: 1 << 60 | 30 << 30 | 120) == nil)
        // The band 60°–63° N has 57 columns at resolution 1.
        #expect(CellID(raw: 1 << 60 | 50 << 30 | 56) != nil && CellID(raw: 1 << 60 | 50 << 30 | 57) == nil)
        #expect(CellID(raw: 1 << 60 | 59 << 30 | 2) != nil && CellID(raw: 1 << 60 | 59 << 30 | 3) == nil)
    }

    @Test func resolutionsOutOfRangeAreErrors() throws {
        let point = try GeoPoint(latitude: 0, longitude: 0)
        #expect(throws: GeoError.resolutionOutOfRange(resolution: 16, maximum: 15)) { try CellID(containing: point, resolution: 16) }
        let cell = try CellID(containing: point, resolution: 7)
        #expect(throws: GeoError.resolutionOutOfRange(resolution: 8, maximum: 7)) { try cell.parent(at: 8) }
        #expect(GeoError.resolutionOutOfRange(resolution: 8, maximum: 7).reason == "resolution_out_of_range")
    }

    @Test func antimeridianAndPoles() throws {
        for r in UInt8(1)...CellID.maxResolution {
            let folded = try CellID(containing: GeoPoint(latitude: 1, longitude: 180_000_000), resolution: r)
            #expect(folded == (try CellID(containing: GeoPoint(latitude: 1, longitude: -180_000_000), resolution: r)))
            #expect(folded.column == 0)
            let east = try CellID(containing: GeoPoint(latitude: 1, longitude: 179_999_999), resolution: r)
            #expect(east.row == folded.row && east.column == 120 * CellID.subdivisions[Int(r)] - 1)
            let north = try CellID(containing: GeoPoint(latitude: 90_000_000, longitude: 0), resolution: r)
            #expect(north.row == 60 * CellID.subdivisions[Int(r)] - 1)
            let south = try CellID(containing: GeoPoint(latitude: -90_000_000, longitude: 0), resolution: r)
            #expect(south.row == 0 && south.column == 3 * CellID.subdivisions[Int(r)] / 2)
        }
        let pole = try GeoPoint(latitude: 90_000_000, longitude: 0)
        #expect(GreatCircle.distance(pole, try GeoPoint(latitude: 90_000_000, longitude: 123_456_789)) == 0)
    }

    /// Within ±72° every cell is within 10 % of square at its band's edges; up to 81° its area is
    /// within 0.7 % of an equatorial cell's (Specs/depin/geometry.md §3.6).
    @Test func cellsAreRoughlySquareAndEqualArea() {
        for (j, columns) in CellID.bandColumns.enumerated() {
            let south = Double(3 * j) * Double.pi / 180, north = Double(3 * j + 3) * Double.pi / 180
            let width = { (latitude: Double) in 360 / Double(columns) * cos(latitude) / 3 }
            let area = 120 / Double(columns) * (sin(north) - sin(south)) / (sin(3 * Double.pi / 180))
            if j < 24 { #expect(width(south) < 1.1 && width(north) > 0.9, "band \(j)") }
            if j < 27 { #expect(abs(area - 1) < 0.007, "band \(j)") }
            #expect(abs(area - 1) < 0.05, "band \(j)")
        }
        #expect(CellID.bandColumns == [120, 120, 119, 118, 117, 115, 113, 111, 108, 105, 102, 99, 95, 91, 87, 83, 78, 73, 68, 63, 57, 52, 46, 40, 34, 28, 22, 16, 9, 3])
    }

    @Test func pointsAreValidated() throws {
        #expect(throws: GeoError.latitudeOutOfRange(latitude: 90_000_001, excess: 1)) { try GeoPoint(latitude: 90_000_001, longitude: 0) }
        #expect(throws: GeoError.latitudeOutOfRange(latitude: .min, excess: 2_057_483_648)) { try GeoPoint(latitude: .min, longitude: 0) }
        #expect(throws: GeoError.longitudeOutOfRange(longitude: -180_000_002, excess: 2)) { try GeoPoint(latitude: 0, longitude: -180_000_002) }
        #expect(throws: GeoError.latitudeOutOfRange(latitude: -90_000_005, excess: 5)) { try GeoPoint(latitude: -90_000_005, longitude: .max) }
        #expect(GeoError.longitudeOutOfRange(longitude: 0, excess: 0).reason == "longitude_out_of_range")
        #expect(try GeoPoint(latitude: 0, longitude: 180_000_000).longitude == -180_000_000)
        #expect(try GeoPoint(latitude: -90_000_000, longitude: 179_999_999).latitude == -90_000_000)
    }
}
