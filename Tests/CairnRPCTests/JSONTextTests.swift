import CairnCore
import CairnRPC
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONText.parse(#" {"a": [1, -2, 1.5, 2e3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {}} "#)
        #expect(value == [
            "a": [1, -2, 1.5, .number("2e3"), true, false, nil, "x\n\u{e9}\u{1F600}"],
            "b": [:],
        ])
    }

    @Test func integersAndFractionsAreDistinct() throws {
        #expect(try JSONText.parse("10") == .integer(10))
        #expect(try JSONText.parse("10.0") == .number("10.0"))
        #expect(try JSONText.parse("-9223372036854775808") == .integer(.min))
        // Beyond Int64: kept as text.
        #expect(try JSONText.parse("9223372036854775808") == .number("9223372036854775808"))
    }

    /// Numbers other than Int64 are written back exactly as read: never rounded through a Double
    /// (request ids are echoed from this), never refused for their size.
    @Test(arguments: [
        "18446744073709551616", "12345678901234567890123", "1e400", "-1e-400", "1.5", "1.50", "1E+2", "0.0", "-0",
        "-9223372036854775809",
    ])
    func numbersKeepTheirText(_ text: String) throws {
        let value = try JSONText.parse(text)
        #expect(value == .number(text))
        #expect(JSONText.string(value) == text)
        #expect(JSONText.string(try JSONText.parse("[\(text)]")) == "[\(text)]")
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "tru", "nul", "\"abc", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00\"", "{\"a\" 1}", "{1:2}", "[1 2]", "1 2", "\"a\u{01}\"", "NaN", "{\"a\":1,\"a\":2}",
    ])
    func rejectsInvalidText(_ text: String) {
        #expect(throws: JSONText.ParseError.self) { try JSONText.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONText.ParseError.self) { try JSONText.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONText.ParseError.self) { try JSONText.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONText.parse(ok)
    }

    @Test func writesSortedCompactOutput() {
        let value: JSONValue = ["b": 1, "a": ["z": nil, "c": "q\"\\\u{01}\n"], "B": [true, 1.5]]
        #expect(JSONText.string(value) == #"{"B":[true,1.5],"a":{"c":"q\"\\\u0001\n","z":null},"b":1}"#)
    }

    @Test func roundTripsThroughText() throws {
        // A seeded walk over a fixed set of shapes keeps this deterministic.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        func make(_ depth: Int) -> JSONValue {
            switch next() % (depth > 3 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(next() & 1 == 0)
            case 2: return .integer(Int64(bitPattern: next()))
            case 3: return .number((Double(Int32(truncatingIfNeeded: next())) / 8).description)
            case 4: return .string(String((0..<(next() % 6)).map { _ in Character(Unicode.Scalar(UInt8(next() % 94 + 32))) }) + "é\u{7}")
            case 5: return .array((0..<(next() % 4)).map { _ in make(depth + 1) })
            default:
                var object: [String: JSONValue] = [:]
                for index in 0..<(next() % 4) { object["k\(index)\(next() % 3)"] = make(depth + 1) }
                return .object(object)
            }
        }
        for _ in 0..<300 {
            let value = make(0)
            #expect(try JSONText.parse(JSONText.bytes(value)) == value)
        }
    }

    @Test func codableAgreesWithText() throws {
        let value: JSONValue = ["n": 5, "s": "x", "l": [true, nil], "d": 0.25]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}
