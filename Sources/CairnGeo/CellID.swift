/// A cell of Cairn's hierarchical latitude–longitude grid (Specs/depin/geometry.md §3). H3 needs
/// floating point, so the grid is rows and columns computed with integer division:
///
/// - resolution 0 is the whole Earth;
/// - resolution 1 is 60 bands of 3° latitude, band j cut into `bandColumns` columns — 120·cos of
///   the band's centre, so cells are about 334 km square everywhere and of equal area;
/// - each finer resolution cuts every cell into k × k (k = 2 or 3, `splits`), so children nest
///   exactly and sizes track H3's resolution by resolution (res 4 ≈ 28 km, 7 ≈ 1.5 km, 8 ≈ 515 m,
///   11 ≈ 29 m).
///
/// `raw` packs resolution (bits 63–60), row (59–30, from the south) and column (29–0, east from
/// −180°); ordering is by `raw`.
public struct CellID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let maxResolution: UInt8 = 15
    /// Bands at resolution 1 (3° each).
    public static let bandCount: UInt64 = 60
    /// k_r: resolution r cuts each cell of r − 1 into k_r × k_r (index 0 and 1 unused). Twos and
    /// threes so that the edge shrinks by about √7 per resolution on average, as H3's does.
    public static let splits: [UInt64] = [1, 1, 2, 3, 2, 3, 3, 2, 3, 3, 2, 3, 3, 2, 3, 3]
    /// P_r = k_2 · … · k_r: rows (and columns) of resolution r in one resolution-1 cell.
    public static let subdivisions: [UInt64] = {
        var products: [UInt64] = [1]
        for r in 1...Int(maxResolution) { products.append(products[r - 1] * splits[r]) }
        return products
    }()
    /// Columns of the resolution-1 band whose centre is 1.5° + 3°·j from the equator (j = 0…29,
    /// the same north and south): round(120 · cos(centre)) with the integer cosine.
    public static let bandColumns: [UInt64] = (0..<30).map { j in
        let cosine = GeoMath.cosineQ30(microdegrees: UInt32(1_500_000 + 3_000_000 * j))
        return (120 * cosine + (1 << 29)) >> 30
    }

    static let fieldBits: UInt64 = 30
    static let fieldMask: UInt64 = (1 << 30) - 1

    public let raw: UInt64

    public var resolution: UInt8 { UInt8(raw >> 60) }
    /// Row from the south, 0 ..< 60·P_r (0 at resolution 0).
    public var row: UInt64 { (raw >> Self.fieldBits) & Self.fieldMask }
    /// Column eastward from −180°, 0 ..< columns(row).
    public var column: UInt64 { raw & Self.fieldMask }

    /// The one resolution-0 cell.
    public static let world = CellID(uncheckedResolution: 0, row: 0, column: 0)

    init(uncheckedResolution resolution: UInt8, row: UInt64, column: UInt64) {
        raw = UInt64(resolution) << 60 | row << Self.fieldBits | column
    }

    /// The cell holding `point`. Rows are half-open [south, north) except the northernmost, which
    /// also holds the pole; columns are [west, east) in −180° … 180°.
    public init(containing point: GeoPoint, resolution: UInt8) throws(GeoError) {
        guard resolution <= Self.maxResolution else {
            throw .resolutionOutOfRange(resolution: resolution, maximum: Self.maxResolution)
        }
        guard resolution > 0 else { self = .world; return }
        let p = Self.subdivisions[Int(resolution)]
        let rows = Self.bandCount * p
        // ≤ 1.8·10⁸ · 629 856 < 2^47.
        let northward = UInt64(Int64(point.latitude) + 90_000_000)
        let row = min(northward * p / 3_000_000, rows - 1)
        let columns = Self.columns(row: row, subdivision: p)
        // < 3.6·10⁸ · 120 · 629 856 < 2^55.
        let eastward = UInt64(Int64(point.longitude) + 180_000_000)
        self.init(uncheckedResolution: resolution, row: row, column: eastward * columns / 360_000_000)
    }

    /// A cell from its packed form, or nil if no cell packs to it.
    public init?(raw: UInt64) {
        // The three fields cover all 64 bits, so only the row and column ranges can be wrong.
        self.raw = raw
        guard isValid else { return nil }
    }

    /// The canonical string: exactly 16 lower-case hex digits of `raw`; anything else is nil.
    public init?(string: String) {
        let digits = Array(string.utf8)
        guard digits.count == 16 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        self.init(raw: value)
    }

    public var description: String {
        let hex = String(raw, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The cell at `resolution` that contains this one (itself at its own resolution).
    public func parent(at resolution: UInt8) throws(GeoError) -> CellID {
        guard resolution <= self.resolution else {
            throw .resolutionOutOfRange(resolution: resolution, maximum: self.resolution)
        }
        guard resolution > 0 else { return .world }
        // P_s divides P_r: both are prefix products of the same splits.
        let factor = Self.subdivisions[Int(self.resolution)] / Self.subdivisions[Int(resolution)]
        return CellID(uncheckedResolution: resolution, row: row / factor, column: column / factor)
    }

    public static func < (a: CellID, b: CellID) -> Bool { a.raw < b.raw }

    /// Columns in `row` at the resolution whose subdivision is `p`: the band's columns · p.
    static func columns(row: UInt64, subdivision p: UInt64) -> UInt64 {
        let band = row / p
        let fromEquator = band >= bandCount / 2 ? band - bandCount / 2 : bandCount / 2 - 1 - band
        return bandColumns[Int(fromEquator)] * p
    }

    var isValid: Bool {
        guard resolution > 0 else { return row == 0 && column == 0 }
        let p = Self.subdivisions[Int(resolution)]
        return row < Self.bandCount * p && column < Self.columns(row: row, subdivision: p)
    }
}
