import CairnCrypto
import Foundation

/// SplitMix64: a small, fast generator whose whole output follows from its seed, so a simulation
/// with the same `--seed` places the same fleet and draws the same radio noise.
struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator of its own for one purpose (a link, a beacon), independent of the order in
    /// which the simulator happens to ask for numbers.
    init(seed: UInt64, _ parts: String...) {
        let digest = Hash32.sha256(Array((["\(seed)"] + parts).joined(separator: "/").utf8)).bytes
        state = digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &self) }

    /// Standard normal by Box–Muller (one of the pair; the simulator needs few).
    mutating func gaussian(sigma: Double = 1) -> Double {
        let u = Double.random(in: Double.ulpOfOne...1, using: &self), v = Double.random(in: 0...1, using: &self)
        return sigma * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
