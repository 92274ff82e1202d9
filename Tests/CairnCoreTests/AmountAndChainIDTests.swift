import CairnCore
import Testing

@Suite("Amounts and chain ids")
struct AmountAndChainIDTests {
    private static let cairn: Amount = 1_000_000_000_000_000_000

    @Test(arguments: [
        ("0", Amount(0)), ("1500", 1500), ("340282366920938463463374607431768211455", Amount.max),
        ("1cairn", cairn), ("1.5cairn", cairn + cairn / 2), ("1.5 CAIRN", cairn + cairn / 2),
        ("  2 Cairn ", 2 * cairn), ("0.000000000000000001cairn", 1), ("5.cairn", 5 * cairn),
        ("340282366920938463463.374607431768211455cairn", Amount.max),
    ])
    func parsesAmounts(text: String, expected: Amount) throws {
        #expect(try AmountFormat.parse(text) == expected)
    }

    @Test(arguments: [
        ("", AmountFormat.Error.invalid("")), ("01", .invalid("01")), ("-1", .invalid("-1")), ("+1", .invalid("+1")),
        ("1.5", .invalid("1.5")), ("1e3", .invalid("1e3")), (".5cairn", .invalid(".5cairn")),
        ("1.2.3cairn", .invalid("1.2.3cairn")), ("cairn", .invalid("cairn")),
        ("1.0000000000000000001cairn", .tooManyDecimals("1.0000000000000000001cairn")),
        ("340282366920938463463374607431768211456", .overflow("340282366920938463463374607431768211456")),
        ("340282366920938463463.374607431768211456cairn", .overflow("340282366920938463463.374607431768211456cairn")),
    ])
    func rejectsBadAmounts(text: String, expected: AmountFormat.Error) {
        #expect(throws: expected) { try AmountFormat.parse(text) }
    }

    @Test func baseUnitsOnlyAcceptPlainIntegers() throws {
        #expect(try AmountFormat.parseBaseUnits("42") == 42)
        #expect(throws: AmountFormat.Error.invalid("1cairn")) { try AmountFormat.parseBaseUnits("1cairn") }
        #expect(throws: AmountFormat.Error.invalid(" 1")) { try AmountFormat.parseBaseUnits(" 1") }
        #expect(throws: AmountFormat.Error.invalid("00")) { try AmountFormat.parseBaseUnits("00") }
    }

    @Test func displaysWholeTokensWithoutTrailingZeros() throws {
        #expect(AmountFormat.display(0) == "0 CAIRN")
        #expect(AmountFormat.display(Self.cairn) == "1 CAIRN")
        #expect(AmountFormat.display(Self.cairn + Self.cairn / 2) == "1.5 CAIRN")
        #expect(AmountFormat.display(1) == "0.000000000000000001 CAIRN")
        #expect(AmountFormat.display(.max) == "340282366920938463463.374607431768211455 CAIRN")
        // Display then parse is the identity.
        for a: Amount in [0, 1, 10, Self.cairn * 3 + 7, .max] {
            let shown = AmountFormat.display(a).replacingOccurrences(of: " CAIRN", with: "cairn")
            #expect(try AmountFormat.parse(shown) == a)
        }
    }

    @Test(arguments: ["a", "cairn-test", "cairn-mainnet-1", "0", String(repeating: "z", count: 48), "a-b-c"])
    func acceptsChainIDs(id: String) {
        #expect(ChainID.validate(id) == nil)
    }

    @Test func rejectsChainIDs() {
        #expect(ChainID.validate("") == "chain id must be 1 to 48 characters")
        #expect(ChainID.validate(String(repeating: "z", count: 49)) == "chain id must be 1 to 48 characters")
        for bad in ["-a", "a-", "Cairn", "cairn_test", "cairn test", "café", "a.b", "-"] {
            #expect(ChainID.validate(bad) == "chain id '\(bad)' may hold only a-z, 0-9 and inner '-'", "\(bad)")
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
