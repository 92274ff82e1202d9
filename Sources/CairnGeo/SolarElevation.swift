/// The sun's elevation at a place, for the proof-of-energy rule that a solar meter claims nothing
/// for a slot in which the sun stays below the horizon at its asserted location
/// (Specs/depin/geometry.md §7). Integer only, like the rest of CairnGeo: validators must agree on
/// every result. Over 2000–2100 it is within 0.00006° of the same formulas in Double (0.005° within
/// a few tenths of a degree of the zenith or nadir) and within 0.013° of the NOAA solar calculator.
/// It is the geometric elevation of the sun's centre, without refraction, so a rule about the sun
/// being up must leave a margin below zero (§7.7).
public enum SolarElevation {
    /// The longest stretch of a span whose noons `maxElevation` visits: a year of noons passes
    /// through every declination, so a longer span cannot raise the maximum by more than the
    /// year's drift, and a bound keeps the cost of one call at a few hundred elevations.
    public static let noonSearchLimitSeconds: Int64 = 366 * 86_400

    /// Sun elevation above the horizon at `point` at UNIX time `unixSeconds` (UTC), in µ°
    /// (negative below). Refraction is not included. Times are clamped to ±10^11 s.
    public static func elevation(at point: GeoPoint, unixSeconds: Int64) -> Int32 {
        elevation(at: point, of: SolarPosition(unixSeconds: unixSeconds))
    }

    /// The local solar noon (the sun on the point's meridian, equation of time included) nearest
    /// to `unixSeconds`, give or take the equation of time: within 12 h 17 min of it.
    public static func solarNoon(at point: GeoPoint, near unixSeconds: Int64) -> Int64 {
        let offset = longitudeSeconds(point)
        let t = clamp(unixSeconds) - SolarPosition.j2000UnixSeconds
        return noon(day: GeoMath.floorDiv(t + offset + 43_200, 86_400), longitudeSeconds: offset)
    }

    /// The highest elevation over the closed interval [from, to] (swapped if from > to): the
    /// larger of the ends and of every local solar noon inside, up to `noonSearchLimitSeconds`
    /// after `from`: within a day the elevation rises to noon and falls after it. Only nearly: the
    /// declination's drift (up to 0.4° a day) moves the day's true peak off noon, so the result
    /// may fall short of the slot's true highest value by 0.000 16° within ±80° of latitude and
    /// up to 0.02° next to a pole (geometry.md §7.5), which a threshold's margin absorbs.
    public static func maxElevation(at point: GeoPoint, from: Int64, to: Int64) -> Int32 {
        let start = clamp(min(from, to)), end = clamp(max(from, to))
        var highest = max(elevation(at: point, unixSeconds: start), elevation(at: point, unixSeconds: end))
        let noonEnd = min(end, start + noonSearchLimitSeconds)
        let offset = longitudeSeconds(point)
        // A day's noon is its longitude's mean noon moved by the equation of time (under 17 min),
        // so the day whose mean noon is at or before `start` is the first that can reach it and
        // the one after the mean noon at or before `noonEnd` the last.
        let first = GeoMath.floorDiv(start - SolarPosition.j2000UnixSeconds + offset, 86_400)
        let last = GeoMath.floorDiv(noonEnd - SolarPosition.j2000UnixSeconds + offset, 86_400) + 1
        for day in first...last {
            let instant = noon(day: day, longitudeSeconds: offset)
            if instant >= start && instant <= noonEnd {
                highest = max(highest, elevation(at: point, unixSeconds: instant))
            }
        }
        return highest
    }

    static func elevation(at point: GeoPoint, of sun: SolarPosition) -> Int32 {
        let (sinLatitude, cosLatitude) = GeoMath.sinCosQ30(microdegrees: Int64(point.latitude))
        let cosHourAngle = GeoMath.sinCosQ30(microdegrees: sun.greenwichHourAngle + Int64(point.longitude)).cos
        // sin h = sin φ sin δ + cos φ cos δ cos H; both terms are below 2^60 in magnitude.
        let horizontal = (cosLatitude * sun.cosDeclination + (1 << 29)) >> 30
        let sine = (sinLatitude * sun.sinDeclination + horizontal * cosHourAngle + (1 << 29)) >> 30
        return GeoMath.arcsineMicrodegrees(q30: sine)
    }

    /// Noon of `day` (days from J2000.0): the mean noon of the longitude, then moved by the
    /// equation of time taken at that mean noon. One step suffices: the equation of time changes
    /// by under half a second in the 17 minutes of the move, and the elevation near noon changes
    /// with the square of the time error (about 10⁻⁷° for a second).
    static func noon(day: Int64, longitudeSeconds: Int64) -> Int64 {
        let meanNoon = SolarPosition.j2000UnixSeconds + 86_400 * day - longitudeSeconds
        return meanNoon - GeoMath.floorDiv(SolarPosition(unixSeconds: meanNoon).equationOfTime * 3, 12_500)
    }

    /// The longitude as seconds of time, 240 s per degree (86 400 s / 360 · 10⁶ µ° = 3 / 12 500), floored.
    static func longitudeSeconds(_ point: GeoPoint) -> Int64 {
        GeoMath.floorDiv(Int64(point.longitude) * 3, 12_500)
    }

    static func clamp(_ unixSeconds: Int64) -> Int64 {
        min(max(unixSeconds, -SolarPosition.unixSecondsLimit), SolarPosition.unixSecondsLimit)
    }
}
