@testable import CairnGeo
import CairnTestSupport
import Foundation
import Testing

/// The JSON form of Specs/vectors/solar.json. Times are decimal strings because the clamp vectors
/// use the extremes of Int64; angles and Q30 values fit a JSON number.
struct SolarVectorFile: Codable, Equatable {
    struct SinCos: Codable, Equatable { var microdegrees: Int64; var sin: Int64; var cos: Int64 }
    struct Arcsine: Codable, Equatable { var q30: Int64; var microdegrees: Int32 }
    struct Elevation: Codable, Equatable {
        var latitude: Int32
        var longitude: Int32
        var unixSeconds: String
        var sinDeclination: Int64
        var cosDeclination: Int64
        var equationOfTime: Int64
        var greenwichHourAngle: Int64
        var elevation: Int32
    }
    struct Noon: Codable, Equatable { var latitude: Int32; var longitude: Int32; var near: String; var noon: String }
    struct MaxElevation: Codable, Equatable {
        var latitude: Int32
        var longitude: Int32
        var from: String
        var to: String
        var maxElevation: Int32
    }

    var description: String
    var sinCos: [SinCos]
    var arcsine: [Arcsine]
    var elevations: [Elevation]
    var noons: [Noon]
    var maxElevations: [MaxElevation]
}

/// Places and instants that exercise the equator, both hemispheres, the polar circles, the
/// solstices and equinoxes, the sun below the horizon, 2000–2099 and the clamp.
enum SolarVectorInputs {
    static let angles: [Int64] = [
        0, 1, 999_999, 1_000_000, 30_000_000, 45_000_000, 89_999_999, 90_000_000, 123_456_789, 180_000_000,
        270_000_001, 359_999_999, -1, -90_000_000, 720_000_001, 23_439_000, -1_234_567_890_123,
    ]
    static let sines: [Int64] = [
        0, 1, -1, 1 << 29, -(1 << 29), 759_250_125, 1_073_741_823, 1 << 30, -(1 << 30), 1 << 31, -(1 << 40),
    ]
    static let greenwich: (Int32, Int32) = (51_476_900, 0)
    static let sydney: (Int32, Int32) = (-33_868_800, 151_209_300)
    static let longyearbyen: (Int32, Int32) = (78_223_200, 15_626_700)
    /// (latitude, longitude, UNIX seconds).
    static let elevations: [(Int32, Int32, Int64)] = [
        (0, 0, 946_728_000),                                   // J2000.0 itself
        (0, 0, 953_553_600),                                   // 2000-03-20 12:00, near the zenith
        (greenwich.0, greenwich.1, 1_718_971_200),             // 2024-06-21 12:00, solstice noon
        (greenwich.0, greenwich.1, 1_734_782_400),             // 2024-12-21 12:00
        (greenwich.0, greenwich.1, 1_734_739_200),             // 2024-12-21 00:00, near the nadir side
        (sydney.0, sydney.1, 1_924_048_800),                   // 2030-12-21 02:00 UTC, local noon in summer
        (sydney.0, sydney.1, 1_908_237_600),                   // 2030-06-21 02:00 UTC, local noon in winter
        (longyearbyen.0, longyearbyen.1, 1_766_314_800),       // 2025-12-21 11:00, polar night
        (longyearbyen.0, longyearbyen.1, 1_750_546_800),       // 2025-06-21 23:00, midnight sun
        (-89_000_000, 0, 2_555_236_800),                       // 2050-12-21 12:00, austral summer near the pole
        (89_000_000, 100_000_000, 2_531_368_800),              // 2050-03-20 06:00, equinox near the pole
        (37_774_929, -122_419_416, 4_093_855_200),             // 2099-09-23 14:00 UTC, just after sunrise
        (-180_700, -78_467_800, 3_336_483_600),                // 2075-09-23 17:00 UTC, Quito near noon
        (35_676_200, 139_650_300, 978_307_200),                // 2001-01-01 00:00 UTC, Tokyo morning
        (61_218_100, -149_900_300, 2_856_196_800),             // 2060-07-04 20:00 UTC, Anchorage
        (-33_924_900, 18_424_100, 3_730_600_800),              // 2088-03-20 06:00 UTC, Cape Town at dawn
        (10_000_000, -180_000_000, 4_102_444_799),             // 2099-12-31 23:59:59, the antimeridian
        (0, 179_999_999, 2_214_129_600),                       // 2040-02-29 12:00
        (64_146_600, -21_942_600, 1_269_070_200),              // 2010-03-20 07:30 UTC, Reykjavik at sunrise
        (28_573_300, -80_649_000, -14_182_940),                // 1969-07-20 20:17:40, before the UNIX epoch
        (-45_000_000, 170_000_000, 0),                         // the UNIX epoch
        (90_000_000, 0, 1_766_275_200),                        // the North Pole at the December solstice
        (0, 0, Int64.min),                                     // clamped to −10^11
        (0, 0, Int64.max),                                     // clamped to 10^11
    ]
    /// (latitude, longitude, near).
    static let noons: [(Int32, Int32, Int64)] = [
        (greenwich.0, greenwich.1, 1_718_971_200), (sydney.0, sydney.1, 1_924_048_800),
        (0, -180_000_000, 946_728_000), (0, 179_999_999, 946_728_000), (48_856_600, 2_352_200, 1_908_273_600),
        (0, 0, Int64.max),
    ]
    /// (latitude, longitude, from, to).
    static let maxElevations: [(Int32, Int32, Int64, Int64)] = [
        (48_856_600, 2_352_200, 1_908_270_000, 1_908_277_200),                // Paris, the hour round noon
        (48_856_600, 2_352_200, 1_908_309_600, 1_908_313_200),                // Paris, the hour before midnight
        (longyearbyen.0, longyearbyen.1, 1_766_275_200, 1_766_361_600),      // 2025-12-21, polar night all day
        (longyearbyen.0, longyearbyen.1, 1_750_464_000, 1_750_550_400),      // 2025-06-21, midnight sun
        (37_774_929, -122_419_416, 4_093_851_600, 4_093_855_200),            // San Francisco, a sunrise hour
        (-33_868_800, 151_209_300, 1_924_048_800, 1_924_048_800),            // an instant
        (-33_868_800, 151_209_300, 1_924_300_000, 1_924_000_000),            // reversed bounds
        (0, 0, 953_553_600 - 3 * 86_400, 953_553_600),                       // three days, three noons
        (-70_000_000, 60_000_000, 1_750_000_000, 1_750_000_000 + 400 * 86_400), // beyond the noon search limit
        (0, 0, Int64.min, Int64.max),                                        // clamped
    ]
}

/// Double-precision references, one the same formulas as the integer code with exact trigonometry
/// (an arctangent for the right ascension), the other the NOAA solar calculator (Meeus' formulas,
/// with nutation and aberration), both without refraction.
enum SolarReference {
    static func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }
    static func degrees(_ radians: Double) -> Double { radians * 180 / .pi }

    /// Declination and equation of time (degrees) of the Astronomical Almanac's low-precision formulas.
    static func almanacSun(unixSeconds: Int64) -> (declination: Double, equationOfTime: Double) {
        let n = Double(unixSeconds - 946_728_000) / 86_400
        let meanLongitude = 280.460 + 0.9856474 * n
        let anomaly = radians(357.528 + 0.9856003 * n)
        let longitude = radians(meanLongitude + 1.915 * sin(anomaly) + 0.020 * sin(2 * anomaly))
        let obliquity = radians(23.439 - 0.0000004 * n)
        let ascension = degrees(atan2(cos(obliquity) * sin(longitude), cos(longitude)))
        var equation = (meanLongitude - ascension).truncatingRemainder(dividingBy: 360)
        if equation > 180 { equation -= 360 } else if equation <= -180 { equation += 360 }
        return (degrees(asin(sin(obliquity) * sin(longitude))), equation)
    }

    static func almanac(latitude: Double, longitude: Double, unixSeconds: Int64) -> Double {
        let sun = almanacSun(unixSeconds: unixSeconds)
        let sinceNoon = Double(((unixSeconds - 946_728_000) % 86_400 + 86_400) % 86_400)
        let hourAngle = sinceNoon * 360 / 86_400 + longitude + sun.equationOfTime
        return elevation(latitude: latitude, declination: sun.declination, hourAngle: hourAngle)
    }

    static func noaa(latitude: Double, longitude: Double, unixSeconds: Int64) -> Double {
        let jc = (Double(unixSeconds) / 86_400 + 2_440_587.5 - 2_451_545) / 36_525
        let l0 = radians(280.46646 + jc * (36000.76983 + jc * 0.0003032))
        let m = radians(357.52911 + jc * (35999.05029 - 0.0001537 * jc))
        let e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
        let center = sin(m) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) + sin(2 * m) * (0.019993 - 0.000101 * jc)
            + sin(3 * m) * 0.000289
        let omega = radians(125.04 - 1934.136 * jc)
        let apparent = radians(degrees(l0) + center - 0.00569 - 0.00478 * sin(omega))
        let meanObliquity = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
        let obliquity = radians(meanObliquity + 0.00256 * cos(omega))
        let y = pow(tan(obliquity / 2), 2)
        let minutes = 4 * degrees(y * sin(2 * l0) - 2 * e * sin(m) + 4 * e * y * sin(m) * cos(2 * l0)
            - 0.5 * y * y * sin(4 * l0) - 1.25 * e * e * sin(2 * m))
        let dayMinutes = Double((unixSeconds % 86_400 + 86_400) % 86_400) / 60
        let solarTime = dayMinutes + minutes + 4 * longitude
        return elevation(latitude: latitude, declination: degrees(asin(sin(obliquity) * sin(apparent))),
                         hourAngle: solarTime / 4 - 180)
    }

    static func elevation(latitude: Double, declination: Double, hourAngle: Double) -> Double {
        let (phi, delta) = (radians(latitude), radians(declination))
        let sine = sin(phi) * sin(delta) + cos(phi) * cos(delta) * cos(radians(hourAngle))
        return degrees(asin(min(1, max(-1, sine))))
    }
}

/// Specs/vectors/solar.json is produced by this code (CAIRN_WRITE_VECTORS=1 rewrites it); the
/// error bounds asserted here are those Specs/depin/geometry.md §7.6 states, a little above the
/// measured maxima, so a regression in a table, a constant or a rounding fails them.
@Suite struct SolarElevationTests {
    static func point(_ latitude: Int32, _ longitude: Int32) -> GeoPoint {
        // The inputs above are valid coordinates; a typo should fail loudly.
        try! GeoPoint(latitude: latitude, longitude: longitude)
    }

    static func generate() -> SolarVectorFile {
        let sinCos = SolarVectorInputs.angles.map { a in
            let (s, c) = GeoMath.sinCosQ30(microdegrees: a)
            return SolarVectorFile.SinCos(microdegrees: a, sin: s, cos: c)
        }
        let arcsine = SolarVectorInputs.sines.map { SolarVectorFile.Arcsine(q30: $0, microdegrees: GeoMath.arcsineMicrodegrees(q30: $0)) }
        let elevations = SolarVectorInputs.elevations.map { latitude, longitude, time in
            let sun = SolarPosition(unixSeconds: time)
            return SolarVectorFile.Elevation(
                latitude: latitude, longitude: longitude, unixSeconds: String(time),
                sinDeclination: sun.sinDeclination, cosDeclination: sun.cosDeclination,
                equationOfTime: sun.equationOfTime, greenwichHourAngle: sun.greenwichHourAngle,
                elevation: SolarElevation.elevation(at: point(latitude, longitude), unixSeconds: time))
        }
        let noons = SolarVectorInputs.noons.map { latitude, longitude, near in
            SolarVectorFile.Noon(latitude: latitude, longitude: longitude, near: String(near),
                                 noon: String(SolarElevation.solarNoon(at: point(latitude, longitude), near: near)))
        }
        let maxima = SolarVectorInputs.maxElevations.map { latitude, longitude, from, to in
            SolarVectorFile.MaxElevation(latitude: latitude, longitude: longitude, from: String(from), to: String(to),
                                         maxElevation: SolarElevation.maxElevation(at: point(latitude, longitude), from: from, to: to))
        }
        return SolarVectorFile(
            description: "Integer solar elevation (Specs/depin/geometry.md §7). Angles in micro-degrees, sines and "
                + "cosines · 2^30, times in UNIX seconds as decimal strings. sin_cos: angle → sinCosQ30; arcsine: "
                + "q30 → µ°; elevations: point and time → the sun's sin/cos declination (Q30), equation of time and "
                + "Greenwich hour angle (µ°, unreduced) and the elevation; noons: point, near → solar noon; "
                + "max_elevations: point, [from, to] → the highest elevation.",
            sinCos: sinCos, arcsine: arcsine, elevations: elevations, noons: noons, maxElevations: maxima)
    }

    @Test func vectors() throws {
        let generated = Self.generate()
        let stored = try SpecVectors.load("solar.json", generated: generated)
        #expect(stored == generated, "solar.json differs from what the code produces; rerun with CAIRN_WRITE_VECTORS=1 if the change is intended")
        #expect(stored.elevations.count >= 20)
    }

    @Test func sineAndCosineWithinTheTableRounding() {
        var worst = 0.0
        for a in stride(from: Int64(-400_000_000), through: 400_000_000, by: 997) {
            let (s, c) = GeoMath.sinCosQ30(microdegrees: a)
            let x = SolarReference.radians(Double(a) / 1e6)
            worst = max(worst, abs(Double(s) / 1_073_741_824 - sin(x)), abs(Double(c) / 1_073_741_824 - cos(x)))
        }
        print("integer sine and cosine: worst absolute error \(worst)")
        #expect(worst < 2.3e-9)
        #expect(GeoMath.sinCosQ30(microdegrees: 90_000_000) == (1 << 30, 0))
        #expect(GeoMath.sinCosQ30(microdegrees: -90_000_000) == (-(1 << 30), 0))
        #expect(GeoMath.sinCosQ30(microdegrees: 360_000_000) == GeoMath.sinCosQ30(microdegrees: 0))
    }

    @Test func arcsineInvertsTheSine() {
        var worst = 0.0
        // Every value near ±1, where the sine is flattest and its rounding costs most, and a stride elsewhere.
        let ends = (Int64(1) << 30 - 20_000...Int64(1) << 30).flatMap { [$0, -$0] }
        for value in Array(stride(from: -(Int64(1) << 30), through: 1 << 30, by: 40_009)) + ends {
            let exact = SolarReference.degrees(asin(Double(value) / 1_073_741_824))
            worst = max(worst, abs(Double(GeoMath.arcsineMicrodegrees(q30: value)) / 1e6 - exact))
        }
        print("integer arcsine: worst error \(worst)°")
        #expect(worst < 0.001)
        var rng = SeededGenerator(seed: 21)
        for _ in 0..<2_000 {
            let a = Int64.random(in: -89_000_000...89_000_000, using: &rng)
            let back = Int64(GeoMath.arcsineMicrodegrees(q30: GeoMath.sinCosQ30(microdegrees: a).sin))
            // One unit of the sine spans 1 / (18.7 · cos a) µ°: 3 µ° at 89°.
            let spread = 1 + Int64((1 / (18.7 * cos(SolarReference.radians(Double(a) / 1e6)))).rounded(.up))
            #expect(abs(back - a) <= spread, "\(a) → \(back)")
        }
    }

    /// Seeded pseudo-random places within ±89° and instants in 2000–2100, with the integer
    /// elevation and the two Double references in degrees.
    static func samples(seed: UInt64, count: Int) -> [(integer: Double, almanac: Double, noaa: Double)] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let latitude = Int32.random(in: -89_000_000...89_000_000, using: &rng)
            let longitude = Int32.random(in: -180_000_000...179_999_999, using: &rng)
            let time = Int64.random(in: 946_684_800..<4_102_444_800, using: &rng)
            let (phi, lambda) = (Double(latitude) / 1e6, Double(longitude) / 1e6)
            return (Double(SolarElevation.elevation(at: point(latitude, longitude), unixSeconds: time)) / 1e6,
                    SolarReference.almanac(latitude: phi, longitude: lambda, unixSeconds: time),
                    SolarReference.noaa(latitude: phi, longitude: lambda, unixSeconds: time))
        }
    }

    @Test func agreesWithTheSameFormulasInDouble() {
        let samples = Self.samples(seed: 22, count: 20_000)
        let worst = samples.map { abs($0.integer - $0.almanac) }.max() ?? 0
        let worstBelowSixty = samples.filter { abs($0.almanac) < 60 }.map { abs($0.integer - $0.almanac) }.max() ?? 0
        print("solar elevation vs the same formulas in Double, 2000–2100: worst \(worst)°, \(worstBelowSixty)° where |h| < 60°")
        #expect(worstBelowSixty < 0.00006 && worst < 0.00006)
    }

    /// Near the zenith (and the nadir) the arcsine magnifies the sine's rounding: the worst case.
    @Test func nearTheSubsolarAndAntisolarPoints() {
        var rng = SeededGenerator(seed: 23)
        var worst = 0.0
        for _ in 0..<20_000 {
            let time = Int64.random(in: 946_684_800..<4_102_444_800, using: &rng)
            let sun = SolarReference.almanacSun(unixSeconds: time)
            let sinceNoon = Double(((time - 946_728_000) % 86_400 + 86_400) % 86_400)
            var longitude = -(sinceNoon * 360 / 86_400 + sun.equationOfTime)
            var latitude = sun.declination
            if Bool.random(using: &rng) { longitude += 180; latitude = -latitude }
            let radius = Double.random(in: 0...0.3, using: &rng), bearing = Double.random(in: 0..<(2 * .pi), using: &rng)
            latitude += radius * cos(bearing)
            longitude = (longitude + radius * sin(bearing)).truncatingRemainder(dividingBy: 360)
            if longitude >= 180 { longitude -= 360 } else if longitude < -180 { longitude += 360 }
            let place = Self.point(Int32((latitude * 1e6).rounded()), Int32((longitude * 1e6).rounded()))
            let integer = Double(SolarElevation.elevation(at: place, unixSeconds: time)) / 1e6
            let reference = SolarReference.almanac(latitude: Double(place.latitude) / 1e6,
                                                   longitude: Double(place.longitude) / 1e6, unixSeconds: time)
            worst = max(worst, abs(integer - reference))
        }
        print("solar elevation within 0.3° of the zenith or nadir: worst \(worst)°")
        #expect(worst < 0.005)
    }

    @Test func agreesWithTheNOAACalculator() {
        let samples = Self.samples(seed: 22, count: 20_000)
        let worst = samples.map { abs($0.integer - $0.noaa) }.max() ?? 0
        let model = samples.map { abs($0.almanac - $0.noaa) }.max() ?? 0
        print("solar elevation vs the NOAA calculator, 2000–2100: worst \(worst)° (the Double formulas: \(model)°)")
        #expect(worst < 0.013)
    }

    static let paris = point(48_856_600, 2_352_200)

    @Test func aSlotContainingNoonReturnsTheNoonValue() {
        let noon = SolarElevation.solarNoon(at: Self.paris, near: 1_908_273_600)  // 2030-06-21 12:00 UTC
        let peak = SolarElevation.elevation(at: Self.paris, unixSeconds: noon)
        #expect(abs(noon - (1_908_273_600 - 470)) < 60, "Paris is 9.4 min east of Greenwich and the sun 1.6 min slow: noon ≈ 11:52 UTC")
        #expect(SolarElevation.maxElevation(at: Self.paris, from: noon - 1_800, to: noon + 1_800) == peak)
        #expect(SolarElevation.maxElevation(at: Self.paris, from: noon, to: noon) == peak)
        // 90° − 48.86° + 23.44° ≈ 64.58°.
        #expect(abs(peak - 64_580_000) < 20_000)
        for offset: Int64 in [-3_600, -600, 600, 3_600] {
            #expect(SolarElevation.elevation(at: Self.paris, unixSeconds: noon + offset) < peak)
        }
        // A slot that stops short of noon peaks at its end.
        let morning = SolarElevation.maxElevation(at: Self.paris, from: noon - 3_600, to: noon - 60)
        #expect(morning == SolarElevation.elevation(at: Self.paris, unixSeconds: noon - 60) && morning < peak)
    }

    @Test func polarNightStaysBelowTheHorizon() {
        let svalbard = Self.point(78_000_000, 15_000_000)
        let midnight: Int64 = 1_766_275_200  // 2025-12-21 00:00 UTC
        let highest = SolarElevation.maxElevation(at: svalbard, from: midnight, to: midnight + 86_400)
        // At noon the sun is 90° − 78° − 23.44° = −11.44°.
        #expect(highest < 0 && abs(highest + 11_440_000) < 50_000)
        for minute in stride(from: midnight, through: midnight + 86_400, by: 600) {
            #expect(SolarElevation.elevation(at: svalbard, unixSeconds: minute) <= highest)
        }
    }

    @Test func aMidnightSlotAtMidLatitudesIsBelowTheHorizon() {
        // 2030-06-21, the shortest night: local midnight in Paris is about 23:50 UTC.
        let noon = SolarElevation.solarNoon(at: Self.paris, near: 1_908_273_600)
        let highest = SolarElevation.maxElevation(at: Self.paris, from: noon + 43_200 - 1_800, to: noon + 43_200 + 1_800)
        // At midnight −(90° − 48.86° − 23.44°) ≈ −17.7°; half an hour either side it is a little higher.
        #expect(highest < -17_000_000)
    }

    @Test func aSunriseSlotReachesTheHorizonAtItsEnd() {
        // San Francisco, 2099-09-23: the first minute after 12:00 UTC with the sun's centre up.
        let place = Self.point(37_774_929, -122_419_416)
        let sunrise = try! #require(stride(from: Int64(4_093_848_000), to: 4_093_862_400, by: 60).first {
            SolarElevation.elevation(at: place, unixSeconds: $0) >= 0
        })
        #expect(SolarElevation.elevation(at: place, unixSeconds: sunrise - 1_800) < 0)
        let highest = SolarElevation.maxElevation(at: place, from: sunrise - 1_800, to: sunrise)
        #expect(highest >= 0 && highest == SolarElevation.elevation(at: place, unixSeconds: sunrise))
        #expect(SolarElevation.maxElevation(at: place, from: sunrise - 1_800, to: sunrise - 60) < 0)
    }

    /// Sampled every two minutes, no elevation in a random slot of up to 36 h may exceed the
    /// maximum by more than the noon approximation allows (§7.5: the declination's drift moves the
    /// day's true peak off noon, by 0.00016° at most up to 80°).
    @Test func noSampledElevationExceedsTheMaximum() {
        var rng = SeededGenerator(seed: 24)
        var worstAbove: Int32 = 0
        for _ in 0..<60 {
            let place = Self.point(Int32.random(in: -80_000_000...80_000_000, using: &rng),
                                   Int32.random(in: -180_000_000...179_999_999, using: &rng))
            let from = Int64.random(in: 946_684_800..<4_102_444_800, using: &rng)
            let to = from + Int64.random(in: 0...129_600, using: &rng)
            let highest = SolarElevation.maxElevation(at: place, from: from, to: to)
            for time in stride(from: from, through: to, by: 120) {
                worstAbove = max(worstAbove, SolarElevation.elevation(at: place, unixSeconds: time) - highest)
            }
        }
        print("maxElevation: a sample at most \(worstAbove) µ° above it")
        #expect(worstAbove <= 250)
    }

    @Test func timesBeyondTheLimitAreClamped() {
        let place = Self.point(45_000_000, 7_000_000)
        let limit = SolarPosition.unixSecondsLimit
        #expect(SolarElevation.elevation(at: place, unixSeconds: .max) == SolarElevation.elevation(at: place, unixSeconds: limit))
        #expect(SolarElevation.elevation(at: place, unixSeconds: .min) == SolarElevation.elevation(at: place, unixSeconds: -limit))
        #expect(SolarElevation.maxElevation(at: place, from: .max - 1, to: .max)
            == SolarElevation.elevation(at: place, unixSeconds: limit))
        let extremes = SolarElevation.maxElevation(at: place, from: .min, to: .max)
        #expect(extremes >= -90_000_000 && extremes <= 90_000_000)
        #expect(SolarElevation.solarNoon(at: place, near: .max) <= limit + 43_200 + 1_200)
    }
}
