/// Decimal text read exactly as a scaled integer ("52.520008" with 6 decimals is 52 520 008).
/// Parsing the digits rather than going through `Double` matters because most decimal fractions
/// have no exact binary form: 52.520008 as a Double times 10⁶ is 52 520 007.999…, which a
/// truncating conversion turns into the wrong micro-degree, and a signed position must not depend
/// on how a float happened to round.
public enum DecimalText {
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        case notADecimal(String)
        case tooManyDecimals(String, allowed: Int)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .notADecimal(let text):
                "'\(text)' is not a decimal number (digits with an optional '-' and at most one '.', e.g. -33.86882)"
            case .tooManyDecimals(let text, let allowed):
                "'\(text)' has more than \(allowed) decimal place\(allowed == 1 ? "" : "s")"
            case .tooLarge(let text): "'\(text)' is too large"
            }
        }
    }

    /// `text` × 10^`decimals`: an optional sign, ASCII digits, and optionally a '.' followed by
    /// 1…`decimals` digits. No exponents, spaces or empty parts, so one spelling has one reading.
    public static func scaled(_ text: String, decimals: Int) throws(Error) -> Int64 {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, isDigits(whole) else { throw .notADecimal(text) }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || (!fraction.isEmpty && isDigits(fraction)) else { throw .notADecimal(text) }
        guard fraction.count <= decimals else { throw .tooManyDecimals(text, allowed: decimals) }
        var value: Int64 = 0
        for digit in (whole + fraction + String(repeating: "0", count: decimals - fraction.count)).utf8 {
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw .tooLarge(text) }
            value = sum
        }
        return negative ? -value : value
    }

    /// Degrees as micro-degrees, exactly: at most 6 decimals, and a value a `GeoPoint` field can
    /// hold (the range of latitude and longitude is `GeoPoint`'s to check).
    public static func microDegrees(_ text: String) throws(Error) -> Int32 {
        guard let value = Int32(exactly: try scaled(text, decimals: 6)) else { throw .tooLarge(text) }
        return value
    }

    private static func isDigits(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

extension DecimalText {
    /// The inverse of `scaled`: `value` / 10^`decimals` written out with every decimal.
    public static func text(_ value: Int64, decimals: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let sign = value < 0 ? "-" : ""
        guard decimals > 0 else { return sign + padded }
        return "\(sign)\(padded.dropLast(decimals)).\(padded.suffix(decimals))"
    }
}
