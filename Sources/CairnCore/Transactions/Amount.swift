/// Token amounts are integers in base units; one CAIRN is 10^18 base units.
public typealias Amount = UInt128

public enum AmountFormat {
    public static let decimals = 18
    public static let unit: Amount = 1_000_000_000_000_000_000
    public static let symbol = "CAIRN"

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalid(String)
        case tooManyDecimals(String)
        case overflow(String)

        public var description: String {
            switch self {
            case .invalid(let s): "'\(s)' is not an amount: use base units (e.g. 1500) or CAIRN with a suffix (e.g. 1.5cairn)"
            case .tooManyDecimals(let s): "'\(s)' has more than 18 decimal places"
            case .overflow(let s): "'\(s)' is too large"
            }
        }
    }

    /// Parses a plain base-unit integer ("1500"), as used in RPC and genesis.
    public static func parseBaseUnits(_ text: String) throws(Error) -> Amount {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .invalid(text) }
        guard text.count == 1 || !text.hasPrefix("0") else { throw .invalid(text) }
        guard let v = Amount(text) else { throw .overflow(text) }
        return v
    }

    /// Parses either base units ("1500") or whole tokens with a `cairn` suffix ("1.5cairn").
    public static func parse(_ input: String) throws(Error) -> Amount {
        let lower = input.lowercased().trimmingSpaces()
        guard lower.hasSuffix("cairn") else { return try parseBaseUnits(lower) }
        let number = String(lower.dropLast(5)).trimmingSpaces()
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { throw .invalid(input) }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= decimals else { throw .tooManyDecimals(input) }
        guard whole.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              fraction.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .invalid(input) }
        guard let w = Amount(whole) else { throw .overflow(input) }
        let padded = fraction + String(repeating: "0", count: decimals - fraction.count)
        let f = Amount(padded) ?? 0
        let (scaled, o1) = w.multipliedReportingOverflow(by: unit)
        let (total, o2) = scaled.addingReportingOverflow(f)
        guard !o1, !o2 else { throw .overflow(input) }
        return total
    }

    /// "1.5 CAIRN" style display, trailing zeros removed.
    public static func display(_ amount: Amount) -> String {
        let whole = amount / unit
        let fraction = amount % unit
        guard fraction > 0 else { return "\(whole) \(symbol)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: decimals - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits) \(symbol)"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
