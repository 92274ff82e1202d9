/// Distances on a sphere of the Earth's mean radius (Specs/depin/geometry.md §4). Witness checks
/// compare distances of up to a few hundred kilometres, where the equirectangular projection about
/// the mean latitude is within 0.14 % of the great circle and needs only a cosine and a square
/// root; it is not meant for continental distances or the polar caps (error bounds in the spec).
public enum GreatCircle {
    /// The IUGG mean radius R₁ = 6 371 008.8 m, in millimetres so that it is an integer.
    public static let earthRadiusMillimetres: UInt64 = 6_371_008_800
    /// π · 2^61 rounded to nearest.
    public static let piQ61: UInt64 = 7_244_019_458_077_122_842
    /// Metres of arc per micro-degree, R · π / (180 · 10⁶), in Q40 rounded to nearest
    /// (122 260 283 668 ≈ 0.111195 · 2^40). R_mm · π_Q61 < 2^93, so UInt128 holds it.
    public static let metresPerMicrodegreeQ40: UInt64 = {
        let divisor = (UInt128(1000) * 180_000_000) << 21
        let scaled = UInt128(earthRadiusMillimetres) * UInt128(piQ61)
        return UInt64((scaled + divisor / 2) / divisor)
    }()

    /// Surface distance in metres, rounded to nearest.
    public static func distance(_ a: GeoPoint, _ b: GeoPoint) -> UInt64 {
        roundQ30(surfaceQ30(a, b))
    }

    /// Straight-line distance in metres, rounded to nearest, between two points at elevations in
    /// metres: √(surface² + Δelevation²), which is what a radio path of a few km sees.
    public static func distance3D(_ a: GeoPoint, elevationA: Int32, _ b: GeoPoint, elevationB: Int32) -> UInt64 {
        let surface = UInt128(surfaceQ30(a, b))
        let rise = UInt128((Int64(elevationB) - Int64(elevationA)).magnitude) << 30
        // surface < 2^55 and rise < 2^63, so the sum of squares is below 2^127.
        return roundQ30(UInt64(GeoMath.isqrt(surface * surface + rise * rise)))
    }

    /// The surface distance in metres · 2^30, truncated.
    static func surfaceQ30(_ a: GeoPoint, _ b: GeoPoint) -> UInt64 {
        var east = Int64(b.longitude) - Int64(a.longitude)
        // The shorter way round: across the antimeridian when that is shorter.
        if east > 180_000_000 { east -= 360_000_000 } else if east < -180_000_000 { east += 360_000_000 }
        let north = (Int64(b.latitude) - Int64(a.latitude)).magnitude
        // Truncating toward zero keeps the result the same for the mirror image in the other hemisphere.
        let meanLatitude = ((Int64(a.latitude) + Int64(b.latitude)) / 2).magnitude
        let cosine = GeoMath.cosineQ30(microdegrees: UInt32(meanLatitude))
        // Both legs in micro-degrees · 2^30: ≤ 1.8·10⁸ · 2^30 < 2^58, squares < 2^116.
        let x = UInt128(east.magnitude * cosine)
        let y = UInt128(north) << 30
        let length = GeoMath.isqrt(x * x + y * y)
        // length < 2^59 and the constant < 2^37: the product < 2^96, shifted back to Q30 < 2^56.
        return UInt64((length * UInt128(metresPerMicrodegreeQ40)) >> 40)
    }

    static func roundQ30(_ value: UInt64) -> UInt64 { (value + (1 << 29)) >> 30 }
}
