/// Where the sun is at an instant, and the whole-circle integer trigonometry it is computed with
/// (Specs/depin/geometry.md §7.1–7.3). Consensus compares the results across machines, so, as in
/// the rest of `GeoMath`, there is no floating point: every rounding is the one the spec names.
extension GeoMath {
    /// π / (180 · 10⁶) · 2^62 rounded to nearest: radians per µ°, so that the part of an angle
    /// below a whole degree becomes radians for the short series below.
    public static let radiansPerMicrodegreeQ62: Int64 = 80_489_105_090

    /// (sin a, cos a) · 2^30 for any angle of `a` µ°. The whole degree comes from
    /// `cosineTableQ30` (sin i° is its entry 90 − i) and the rest b < 1° from the angle-sum
    /// formula with sin b ≈ b − b³/6 and cos b ≈ 1 − b²/2 + b⁴/24, whose truncation (< 1.4·10⁻¹¹)
    /// is far below the table's own rounding; the result is within 2.3·10⁻⁹ of the true value
    /// (geometry.md §7.1). A linear interpolation like `cosineQ30` would be off by 4·10⁻⁵,
    /// which the arcsine turns into half a degree near the zenith.
    public static func sinCosQ30(microdegrees a: Int64) -> (sin: Int64, cos: Int64) {
        let reduced = floorMod(a, 360_000_000)
        let r = reduced % 90_000_000
        let whole = Int(r / 1_000_000)
        // f < 10^6 and the constant < 2^37, so the product stays below 2^57; b < 2^25.
        let b = ((r % 1_000_000) * radiansPerMicrodegreeQ62 + (1 << 31)) >> 32
        let b2 = (b * b + (1 << 29)) >> 30
        let sinB = b - (b2 * b + (3 << 30)) / (6 << 30)
        let cosB = (1 << 30) - ((b2 + 1) >> 1) + (b2 * b2 + (12 << 30)) / (24 << 30)
        let sinWhole = Int64(cosineTableQ30[90 - whole]), cosWhole = Int64(cosineTableQ30[whole])
        // Each product is below 2^60, so the sums fit; the shift floors, also when cos r < 0 by rounding.
        let s = (sinWhole * cosB + cosWhole * sinB + (1 << 29)) >> 30
        let c = (cosWhole * cosB - sinWhole * sinB + (1 << 29)) >> 30
        switch reduced / 90_000_000 {
        case 0: return (s, c)
        case 1: return (c, -s)
        case 2: return (-s, -c)
        default: return (-c, s)
        }
    }

    /// The angle in [−90°, 90°] whose `sinCosQ30` sine is `q30` (· 2^30), in µ°: bisection for the
    /// largest a with sin(a) ≤ q30, 28 steps. Bisection rather than a series because it needs no
    /// constants of its own and inverts exactly the sine above, so the two cannot disagree;
    /// values beyond ±2^30 give ±90°. Within 0.001° of asin(q30 / 2^30), the worst next to ±1
    /// where the sine is flattest; within 7·10⁻⁶° below 89°.
    public static func arcsineMicrodegrees(q30 value: Int64) -> Int32 {
        if value >= 1 << 30 { return 90_000_000 }
        if value <= -(1 << 30) { return -90_000_000 }
        var low: Int64 = -90_000_000, high: Int64 = 90_000_000
        while high - low > 1 {
            let middle = (low + high) >> 1
            if sinCosQ30(microdegrees: middle).sin <= value { low = middle } else { high = middle }
        }
        return Int32(low)
    }

    /// ⌊a / b⌋ for b > 0: times before J2000 and angles below zero need the floor, not Swift's truncation.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return a % b < 0 ? q - 1 : q
    }

    /// a − b·⌊a / b⌋ ∈ [0, b) for b > 0.
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        let r = a % b
        return r < 0 ? r + b : r
    }
}

/// The sun's declination and the equation of time at one instant, from the Astronomical Almanac's
/// low-precision formulas (about 0.01° from 1950 to 2050), which need only sines of linear
/// functions of time (geometry.md §7.2). The right ascension is its series in tan²(ε/2) to the
/// third power instead of an arctangent: its remainder (5·10⁻⁵°) is far below the model's own
/// 0.01°, and it needs no integer arctangent.
struct SolarPosition: Sendable {
    /// 2000-01-01 12:00 UTC, the epoch J2000.0 of the formulas, as UNIX seconds.
    static let j2000UnixSeconds: Int64 = 946_728_000
    /// Times are clamped to ±10^11 s (years −1200 … 5100): the formulas mean nothing far outside
    /// 1900–2200 anyway, and the clamp keeps every product below 2^63 and the obliquity near 23°.
    static let unixSecondsLimit: Int64 = 100_000_000_000
    /// 180 · 10⁶ / π rounded: µ° per radian, for the right-ascension series (relative error 9·10⁻⁹).
    static let microdegreesPerRadian: Int64 = 57_295_780

    /// sin δ · 2^30.
    let sinDeclination: Int64
    /// cos δ · 2^30 (δ is within ±24°, so the cosine is positive).
    let cosDeclination: Int64
    /// The hour angle of the sun at Greenwich in µ°, not reduced: 15° per hour from 12:00 UTC
    /// plus the equation of time. A place's hour angle adds its longitude.
    let greenwichHourAngle: Int64
    /// The equation of time L − α in µ°: how far the true sun runs ahead of the mean sun.
    let equationOfTime: Int64

    init(unixSeconds: Int64) {
        let t = min(max(unixSeconds, -Self.unixSecondsLimit), Self.unixSecondsLimit) - Self.j2000UnixSeconds
        // |t| < 1.01·10^11, so the rate products stay below 10^18.
        let meanLongitude = GeoMath.floorMod(280_460_000 + GeoMath.floorDiv(9_856_474 * t, 864_000), 360_000_000)
        let meanAnomaly = GeoMath.floorMod(357_528_000 + GeoMath.floorDiv(9_856_003 * t, 864_000), 360_000_000)
        let obliquity = 23_439_000 - GeoMath.floorDiv(t, 216_000)

        let center = Self.scale(1_915_000, GeoMath.sinCosQ30(microdegrees: meanAnomaly).sin)
            + Self.scale(20_000, GeoMath.sinCosQ30(microdegrees: 2 * meanAnomaly).sin)
        let longitude = meanLongitude + center
        let (sinObliquity, cosObliquity) = GeoMath.sinCosQ30(microdegrees: obliquity)
        let sinLongitude = GeoMath.sinCosQ30(microdegrees: longitude).sin

        let sinDeclination = (sinObliquity * sinLongitude + (1 << 29)) >> 30
        self.sinDeclination = sinDeclination
        cosDeclination = Int64(GeoMath.isqrt(UInt64((1 << 60) - sinDeclination * sinDeclination)))

        // y = tan²(ε/2) = (1 − cos ε) / (1 + cos ε), rounded; the clamp keeps ε near 23°, so the
        // divisor is about 1.9 · 2^30 and the numerator below 2^60.
        let y = ((((1 << 30) - cosObliquity) << 30) + (((1 << 30) + cosObliquity) >> 1)) / ((1 << 30) + cosObliquity)
        let y2 = (y * y + (1 << 29)) >> 30
        let y3 = (y2 * y + (1 << 29)) >> 30
        let k = Self.microdegreesPerRadian
        let first = (y * k + (1 << 29)) >> 30
        let second = (y2 * k + (1 << 30)) >> 31
        let third = (y3 * k + (3 << 29)) / (3 << 30)
        // α = λ − y·sin 2λ + y²/2·sin 4λ − y³/3·sin 6λ, so L − α needs no wrap: L − λ is −center.
        let equationOfTime = -center
            + Self.scale(first, GeoMath.sinCosQ30(microdegrees: 2 * longitude).sin)
            - Self.scale(second, GeoMath.sinCosQ30(microdegrees: 4 * longitude).sin)
            + Self.scale(third, GeoMath.sinCosQ30(microdegrees: 6 * longitude).sin)
        self.equationOfTime = equationOfTime
        // 360° per 86 400 s is 12 500 / 3 µ° per second; the day starts at noon, as J2000 does.
        greenwichHourAngle = GeoMath.floorMod(t, 86_400) * 12_500 / 3 + equationOfTime
    }

    /// amplitude · sine / 2^30 rounded half up (the shift floors, also for negative products).
    static func scale(_ amplitude: Int64, _ sineQ30: Int64) -> Int64 {
        (amplitude * sineQ30 + (1 << 29)) >> 30
    }
}
