import CairnGeo
import CairnTestSupport
import Testing

/// The JSON form of Specs/vectors/geometry.json. Cell raws and path-loss inputs can exceed 2^53,
/// so they are decimal strings; everything else fits a JSON number.
struct GeometryVectorFile: Codable, Equatable {
    struct Cell: Codable, Equatable { var resolution: UInt8; var raw: String; var string: String }
    struct PointCells: Codable, Equatable { var latitude: Int32; var longitude: Int32; var cells: [Cell] }
    struct Distance: Codable, Equatable {
        var a: [Int32]
        var b: [Int32]
        var elevationA: Int32
        var elevationB: Int32
        var distance: UInt64
        var distance3d: UInt64
    }
    struct PathLoss: Codable, Equatable { var distanceMeters: String; var frequencyHz: String; var tenths: Int32 }
    struct InvalidPoint: Codable, Equatable { var latitude: Int32; var longitude: Int32; var reason: String }

    var description: String
    var cosineTableQ30: [UInt32]
    var bandColumns: [UInt64]
    var points: [PointCells]
    var distances: [Distance]
    var pathLoss: [PathLoss]
    var invalidPoints: [InvalidPoint]
}

/// The inputs of the vectors: places that exercise the band edges, the poles and the antimeridian.
enum GeometryVectorInputs {
    static let points: [(Int32, Int32)] = [
        (0, 0), (-1, -1), (37_774_929, -122_419_416), (51_507_400, -127_800), (-33_868_800, 151_209_300),
        (69_649_200, 18_955_300), (60_000_000, 10_000_000), (3_000_000, -3_000_000), (78_223_200, 15_626_700),
        (90_000_000, 0), (-90_000_000, 179_999_999), (0, 180_000_000), (0, -180_000_000), (89_999_999, -1),
        (-45_000_001, 179_999_999),
    ]
    /// (a, b, elevation a, elevation b).
    static let pairs: [((Int32, Int32), (Int32, Int32), Int32, Int32)] = [
        ((37_774_929, -122_419_416), (37_774_929, -122_419_416), 0, 0),
        ((37_774_929, -122_419_416), (37_783_929, -122_419_416), 10, 30),
        ((37_774_929, -122_419_416), (37_804_396, -122_271_111), 5, 300),
        ((45_000_000, 0), (45_900_000, 1_000_000), 0, 0),
        ((51_507_400, -127_800), (52_205_300, 141_900), 20, 1_000),
        ((0, 179_999_500), (0, -179_999_500), 0, 0),
        ((-16_500_000, 179_500_000), (-17_000_000, -179_600_000), 2, 4),
        ((80_000_000, 0), (80_000_000, 10_000_000), 0, 0),
        ((-79_000_000, 160_000_000), (-79_700_000, 153_300_000), 0, 0),
        ((90_000_000, 0), (90_000_000, 123_000_000), 0, 0),
        ((89_900_000, 0), (89_900_000, -180_000_000), 0, 0),
        ((0, 0), (0, 1), 0, 0),
        ((0, 0), (0, 0), -400, 8_848),
        ((40_712_800, -74_006_000), (51_507_400, -127_800), 0, 0),
        ((-90_000_000, 0), (90_000_000, 0), Int32.min, Int32.max),
    ]
    static let pathLoss: [(UInt64, UInt64)] = [
        (0, 915_000_000), (1, 0), (1, 1), (1, 915_000_000), (300, 868_100_000), (1_000, 915_000_000),
        (15_000, 903_900_000), (100_000, 868_100_000), (100_000, 2_400_000_000), (1_000_000, 5_800_000_000),
        (UInt64.max, UInt64.max),
    ]
    static let invalidPoints: [(Int32, Int32)] = [
        (90_000_001, 0), (-90_000_001, 0), (Int32.min, 0), (0, 180_000_001), (0, -180_000_001), (0, Int32.max),
        (100_000_000, 200_000_000),
    ]
}

/// Specs/vectors/geometry.json is produced by this code. With CAIRN_WRITE_VECTORS=1 the test
/// (re)writes it; otherwise the production code must reproduce every field.
/// `GeometryModelTests` recomputes the stored file from the spec alone.
@Suite struct GeometryVectorTests {
    static func generate() throws -> GeometryVectorFile {
        let points = try GeometryVectorInputs.points.map { latitude, longitude in
            let point = try GeoPoint(latitude: latitude, longitude: longitude)
            let cells = try (0...CellID.maxResolution).map { r in
                let cell = try CellID(containing: point, resolution: r)
                return GeometryVectorFile.Cell(resolution: r, raw: String(cell.raw), string: cell.description)
            }
            return GeometryVectorFile.PointCells(latitude: latitude, longitude: longitude, cells: cells)
        }
        let distances = try GeometryVectorInputs.pairs.map { a, b, ea, eb in
            let pa = try GeoPoint(latitude: a.0, longitude: a.1), pb = try GeoPoint(latitude: b.0, longitude: b.1)
            return GeometryVectorFile.Distance(
                a: [a.0, a.1], b: [b.0, b.1], elevationA: ea, elevationB: eb,
                distance: GreatCircle.distance(pa, pb),
                distance3d: GreatCircle.distance3D(pa, elevationA: ea, pb, elevationB: eb))
        }
        let pathLoss = GeometryVectorInputs.pathLoss.map { d, f in
            GeometryVectorFile.PathLoss(distanceMeters: String(d), frequencyHz: String(f),
                                        tenths: FreeSpacePathLoss.decibelsTenths(distanceMeters: d, frequencyHz: f))
        }
        let invalid = GeometryVectorInputs.invalidPoints.map { latitude, longitude in
            let reason: String
            do throws(GeoError) { _ = try GeoPoint(latitude: latitude, longitude: longitude); reason = "valid" } catch { reason = error.reason }
            return GeometryVectorFile.InvalidPoint(latitude: latitude, longitude: longitude, reason: reason)
        }
        return GeometryVectorFile(
            description: "Integer geometry (Specs/depin/geometry.md). Coordinates in micro-degrees, [latitude, longitude]; "
                + "cosine_table_q30[i] = round(cos(i°)·2^30); band_columns[j] = columns of the resolution-1 band j-th from the "
                + "equator (either hemisphere); points: the cell at every resolution 0–15 (raw as a decimal string, string "
                + "the canonical 16 hex digits); distances in metres (distance3d with the elevations in metres); path_loss: "
                + "FSPL in tenths of a dB; invalid_points: the reason a point is refused.",
            cosineTableQ30: GeoMath.cosineTableQ30, bandColumns: CellID.bandColumns,
            points: points, distances: distances, pathLoss: pathLoss, invalidPoints: invalid)
    }

    @Test func vectors() throws {
        let generated = try Self.generate()
        let stored = try SpecVectors.load("geometry.json", generated: generated)
        #expect(stored == generated, "geometry.json differs from what the code produces; rerun with CAIRN_WRITE_VECTORS=1 if the change is intended")
        for point in stored.points {
            for cell in point.cells {
                let parsed = try #require(CellID(string: cell.string))
                #expect(String(parsed.raw) == cell.raw && parsed.resolution == cell.resolution)
            }
        }
    }
}
