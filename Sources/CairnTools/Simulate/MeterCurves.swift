import Foundation

/// The sun's elevation in floating point (the Astronomical Almanac's low-precision formulas, good
/// to about 0.01°): the simulator's own sun, independent of the chain's integer one, which a
/// solar rule with a margin of a degree does not need to match more closely.
enum SunPosition {
    /// Degrees above the horizon (negative below) at a place (degrees) and Unix time (seconds).
    static func elevation(latitude: Double, longitude: Double, unixSeconds: Double) -> Double {
        let d = unixSeconds / 86_400 - 10_957.5 // days since J2000.0 (2000-01-01 12:00 UTC)
        let rad = Double.pi / 180
        let g = (357.529 + 0.985_600_28 * d) * rad
        let q = 280.459 + 0.985_647_36 * d
        let l = (q + 1.915 * sin(g) + 0.020 * sin(2 * g)) * rad
        let e = (23.439 - 0.000_000_36 * d) * rad
        let ra = atan2(cos(e) * sin(l), cos(l))
        let dec = asin(sin(e) * sin(l))
        let gmst = (18.697_374_558 + 24.065_709_824_419_08 * d).truncatingRemainder(dividingBy: 24) * 15 * rad
        let hourAngle = gmst + longitude * rad - ra
        let lat = latitude * rad
        return asin(sin(lat) * sin(dec) + cos(lat) * cos(dec) * cos(hourAngle)) / rad
    }
}

/// A solar array's output over a day: the sun's height at the place and time (a clear-sky curve
/// that follows the season), times a day's clearness and passing clouds.
struct SolarCurve: Sendable {
    let latitude: Double
    let longitude: Double
    /// Clear-sky output at the zenith, as a fraction of the nameplate (inverter and panel losses).
    static let peak = 0.85
    private var day = Int64.min
    private var clearness = 1.0
    private var cloud = 1.0

    init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    func elevation(_ unixSeconds: Double) -> Double { SunPosition.elevation(latitude: latitude, longitude: longitude, unixSeconds: unixSeconds) }

    /// The fraction of the nameplate delivered over the slot [start, end): nothing unless the sun
    /// is above the horizon at the slot's middle, so an honest array never claims a slot the
    /// chain's night rule (−1° at the slot's highest) could refuse.
    mutating func output(start: Double, end: Double, _ rng: inout SeededRandom) -> Double {
        let today = Int64((start / 86_400).rounded(.down))
        if today != day {
            day = today
            clearness = rng.uniform(0.35...1.0)
        }
        // Clouds drift: a bounded random walk of the light they let through.
        cloud = min(1, max(0.2, cloud + rng.gaussian(sigma: 0.08)))
        let height = elevation((start + end) / 2)
        guard height > 0 else { return 0 }
        return Self.peak * pow(sin(height * .pi / 180), 1.15) * clearness * cloud
    }

    /// Whether the sun stays well below the horizon over the whole slot (both ends under −3°).
    func isNight(start: Double, end: Double) -> Bool { max(elevation(start), elevation(end)) < -3 }
}

/// A wind turbine's output: wind speed as a mean-reverting random process with gusts, through a
/// power curve (cubic from cut-in to rated speed, flat to cut-out).
struct WindCurve: Sendable {
    static let cutIn = 3.0, rated = 12.0, cutOut = 25.0
    /// What the turbine delivers at rated speed, as a fraction of the registered nameplate (more
    /// than 1 for a turbine bigger than it says).
    let ratedOutput: Double
    private var speed: Double
    private let mean: Double

    init(mean: Double, ratedOutput: Double, _ rng: inout SeededRandom) {
        self.mean = mean
        self.ratedOutput = ratedOutput
        speed = max(0, mean + rng.gaussian(sigma: 2))
    }

    mutating func output(_ rng: inout SeededRandom) -> Double {
        speed = max(0, speed + 0.15 * (mean - speed) + rng.gaussian(sigma: 1.2))
        let gust = rng.uniform(0...1) < 0.08 ? rng.uniform(2...6) : 0
        let v = speed + gust
        guard v >= Self.cutIn, v < Self.cutOut else { return 0 }
        let fraction = v >= Self.rated ? 1 : pow((v - Self.cutIn) / (Self.rated - Self.cutIn), 3)
        return ratedOutput * fraction
    }
}
