/// The integer arithmetic under the grid, the distance and the path loss (Specs/depin/geometry.md §2).
/// Consensus compares these results across machines, so nothing here uses floating point: every
/// result is exact or rounded as its comment says.
public enum GeoMath {
    /// ⌊√n⌋. Newton's iteration from a start at or above the root decreases to the floor root
    /// and stops there. The start 2^⌈bits(n)/2⌉ is at most 2^(W/2) for a W-bit type and n/x stays
    /// ≤ 2^(W/2) + 1 while x ≥ ⌊√n⌋, so x + n/x cannot overflow.
    public static func isqrt<T: FixedWidthInteger & UnsignedInteger>(_ n: T) -> T {
        guard n > 1 else { return n }
        let bits = T.bitWidth - n.leadingZeroBitCount
        var x = T(1) << ((bits + 1) / 2)
        while true {
            let next = (x + n / x) >> 1
            if next >= x { return x }
            x = next
        }
    }

    /// cos(i°) · 2^30 rounded to nearest, i = 0…90 (Specs/depin/geometry.md §2.2). A literal table,
    /// not a libm call, so that every implementation starts from the same integers; no entry is
    /// within 0.007 of a rounding tie, so any correct float cosine reproduces it.
    public static let cosineTableQ30: [UInt32] = [
        1073741824, 1073578288, 1073087729, 1072270298, 1071126243, 1069655912,
        1067859754, 1065738315, 1063292242, 1060522280, 1057429273, 1054014162,
        1050277989, 1046221891, 1041847103, 1037154959, 1032146887, 1026824413,
        1021189159, 1015242840, 1008987269, 1002424350, 995556083, 988384560,
        980911966, 973140576, 965072759, 956710970, 948057759, 939115760,
        929887697, 920376381, 910584710, 900515665, 890172315, 879557810,
        868675383, 857528349, 846120104, 834454122, 822533958, 810363241,
        797945680, 785285058, 772385229, 759250125, 745883746, 732290163,
        718473518, 704438018, 690187940, 675727625, 661061475, 646193961,
        631129609, 615873009, 600428808, 584801711, 568996477, 553017922,
        536870912, 520560366, 504091252, 487468587, 470697435, 453782903,
        436730145, 419544355, 402230767, 384794656, 367241333, 349576144,
        331804471, 313931728, 295963357, 277904834, 259761657, 241539355,
        223243478, 204879599, 186453311, 167970228, 149435979, 130856211,
        112236583, 93582766, 74900443, 56195305, 37473049, 18739379,
        0,
    ]

    /// cos(a) · 2^30 for a latitude-like angle of |a| micro-degrees, by linear interpolation in
    /// `cosineTableQ30` rounded half up; 0 from 90° on. Within 3.9·10⁻⁵ of the true cosine (the
    /// interpolation error h²/8 for 1° steps), which is far below what the distance needs.
    public static func cosineQ30(microdegrees a: UInt32) -> UInt64 {
        guard a < 90_000_000 else { return 0 }
        let degree = Int(a / 1_000_000)
        let fraction = UInt64(a % 1_000_000)
        let low = UInt64(cosineTableQ30[degree]), high = UInt64(cosineTableQ30[degree + 1])
        // (low − high) < 2^25 and fraction < 10^6, so the product stays below 2^45.
        return low - ((low - high) * fraction + 500_000) / 1_000_000
    }

    /// Fraction bits of `log2Q20`.
    public static let log2FractionBits = 20

    /// ⌊log2(n) · 2^20⌋ up to the truncation of the squarings below (never above the true value,
    /// at most 2^-19 below it); n = 0 counts as 1. The integer part is the bit length − 1; the
    /// fraction comes bit by bit from squaring the mantissa, held in Q62 in [1, 2): a square ≥ 2
    /// gives a 1 bit and is halved (Specs/depin/geometry.md §2.3).
    public static func log2Q20(_ n: UInt128) -> UInt32 {
        let value = max(n, 1)
        let exponent = UInt128.bitWidth - 1 - value.leadingZeroBitCount
        // The top 63 bits of n, its leading 1 at bit 62.
        let mantissa = exponent >= 62 ? value >> (exponent - 62) : value << (62 - exponent)
        var m = UInt64(mantissa)
        var result = UInt32(exponent)
        for _ in 0..<log2FractionBits {
            // m < 2^63, so m² < 2^126 fits; m² >> 62 < 2^64, and below 2^63 after the halving.
            let square = (UInt128(m) * UInt128(m)) >> 62
            result <<= 1
            if square >= 1 << 63 {
                result |= 1
                m = UInt64(square >> 1)
            } else {
                m = UInt64(square)
            }
        }
        return result
    }
}
