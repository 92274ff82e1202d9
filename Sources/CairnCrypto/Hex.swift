/// Lower-case hexadecimal, with or without a `0x` prefix, as used throughout the RPC and the CLI.
public enum Hex {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case oddLength(Int)
        case invalidCharacter(Character)
        case wrongLength(expected: Int, actual: Int)

        public var description: String {
            switch self {
            case .oddLength(let n): "hex string has an odd number of digits (\(n))"
            case .invalidCharacter(let c): "hex string contains '\(c)', which is not a hex digit"
            case .wrongLength(let expected, let actual): "expected \(expected) bytes of hex, got \(actual)"
            }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lower-case hex without a prefix.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `encode` for an array, in one pass into the string's own storage: this runs for every
    /// event and RPC field, where the generic version's per-element calls showed in profiles.
    public static func encode(_ bytes: [UInt8]) -> String { hex(bytes, prefix: false) }

    /// `prefixed` for an array, likewise.
    public static func prefixed(_ bytes: [UInt8]) -> String { hex(bytes, prefix: true) }

    private static func hex(_ bytes: [UInt8], prefix: Bool) -> String {
        let start = prefix ? 2 : 0
        return String(unsafeUninitializedCapacity: start + 2 * bytes.count) { out in
            if prefix {
                out[0] = UInt8(ascii: "0")
                out[1] = UInt8(ascii: "x")
            }
            bytes.withUnsafeBufferPointer { input in
                for (i, b) in input.enumerated() {
                    out[start + 2 * i] = digits[Int(b >> 4)]
                    out[start + 2 * i + 1] = digits[Int(b & 0x0f)]
                }
            }
            return start + 2 * bytes.count
        }
    }

    /// Encodes `bytes` as `0x`-prefixed lower-case hex.
    public static func prefixed<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        "0x" + encode(bytes)
    }

    /// Decodes hex with an optional `0x`/`0X` prefix; upper and lower case digits are accepted.
    public static func decode(_ string: String) throws(Hex.Error) -> [UInt8] {
        var utf8 = Substring(string).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
           let x = utf8.dropFirst().first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8 = 0
        for (i, c) in utf8.enumerated() {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: throw .invalidCharacter(Character(Unicode.Scalar(c)))
            }
            if i % 2 == 0 { high = v << 4 } else { out.append(high | v) }
        }
        return out
    }

    /// Decodes hex that must be exactly `count` bytes long.
    public static func decode(_ string: String, count: Int) throws(Hex.Error) -> [UInt8] {
        let bytes = try decode(string)
        guard bytes.count == count else { throw .wrongLength(expected: count, actual: bytes.count) }
        return bytes
    }
}
