/// Free-space path loss, the floor under any honest received signal: a witness reporting more than
/// TxPower + gains − FSPL heard something closer than it claims (Specs/depin/geometry.md §5).
public enum FreeSpacePathLoss {
    /// 200 · log10(2) · 2^32 rounded to nearest: tenths of a dB per unit of log2.
    public static let tenthsPerLog2Q32: Int64 = 258_582_797_298
    /// −200 · log10(4π / c) · 2^52 rounded to nearest, c = 299 792 458 m/s: the 147.55 dB of
    /// FSPL(1 m, 1 Hz) with its sign flipped, in tenths of a dB.
    public static let offsetTenthsQ52: Int64 = 6_645_161_084_996_166_856

    /// 20·log10(d) + 20·log10(f) + 20·log10(4π/c) in tenths of a dB, rounded half up, with d and f
    /// below 1 taken as 1 (so 0 m or 0 Hz gives −1476, and no input traps). In tenths so it adds
    /// directly to RSSI in dBm·10 and gains in dBi·10; within 0.5 tenth of the exact value.
    public static func decibelsTenths(distanceMeters: UInt64, frequencyHz: UInt64) -> Int32 {
        let product = UInt128(max(distanceMeters, 1)) * UInt128(max(frequencyHz, 1))
        let log2 = Int128(GeoMath.log2Q20(product))
        // log2 < 2^27 and the slope < 2^38: the Q52 value stays below 2^66.
        let q52 = log2 * Int128(tenthsPerLog2Q32) - Int128(offsetTenthsQ52)
        // The shift floors, so adding a half first rounds half up, also for negative values.
        return Int32((q52 + (1 << 51)) >> 52)
    }
}
