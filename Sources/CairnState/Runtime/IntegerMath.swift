import CairnCore

/// Integer arithmetic of the state rules (staking, emission), in 256-bit intermediates where a product of two
/// amounts can exceed 128 bits. Every result is a floor unless the name says otherwise.
enum IntegerMath {
    /// Parts per million: rates are integers out of 1 000 000.
    static let ppmScale: UInt64 = 1_000_000

    /// ⌊a·b / c⌋, or nil when c = 0 or the quotient does not fit in 128 bits.
    static func mulDiv(_ a: UInt128, _ b: UInt128, _ c: UInt128) -> UInt128? {
        guard c > 0 else { return nil }
        let product = a.multipliedFullWidth(by: b)
        guard product.high < c else { return nil }
        return c.dividingFullWidth(product).quotient
    }

    /// ⌈a·b / c⌉, or nil as for `mulDiv`.
    static func mulDivCeil(_ a: UInt128, _ b: UInt128, _ c: UInt128) -> UInt128? {
        guard c > 0 else { return nil }
        let product = a.multipliedFullWidth(by: b)
        guard product.high < c else { return nil }
        let (q, r) = c.dividingFullWidth(product)
        if r == 0 { return q }
        let (up, overflow) = q.addingReportingOverflow(1)
        return overflow ? nil : up
    }

    /// ⌊(a·b + carry) / c⌋ and the remainder, or nil when c = 0 or the quotient overflows.
    static func mulAddDiv(_ a: UInt128, _ b: UInt128, _ carry: UInt128, _ c: UInt128) -> (quotient: UInt128, remainder: UInt128)? {
        guard c > 0 else { return nil }
        var (high, low) = a.multipliedFullWidth(by: b)
        let (sum, overflow) = low.addingReportingOverflow(carry)
        low = sum
        if overflow {
            guard high < .max else { return nil }
            high += 1
        }
        guard high < c else { return nil }
        let (q, r) = c.dividingFullWidth((high, low))
        return (q, r)
    }

    /// a + b, or 2^64 − 1 when that overflows: heights far beyond any chain's life mean "never".
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    /// ⌊amount · rate / 10^6⌋ for a rate in ppm (≤ 10^6, so the result never exceeds amount).
    static func ppm(_ amount: Amount, _ rate: UInt64) -> Amount {
        mulDiv(amount, UInt128(min(rate, ppmScale)), UInt128(ppmScale)) ?? 0
    }
}
