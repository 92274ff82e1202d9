import CairnGeo
import Testing

@Suite struct DecimalTextTests {
    @Test(arguments: [
        ("52.520008", 52_520_008), ("-33.86882", -33_868_820), ("180", 180_000_000), ("-180.000000", -180_000_000),
        ("0", 0), ("-0", 0), ("+13.4", 13_400_000), ("0.000001", 1), ("-0.000001", -1), ("007.5", 7_500_000),
        // Beyond ±90°/±180° still parses: the range is GeoPoint's rule, reported with its own message.
        ("91.0", 91_000_000), ("2147.483647", Int32.max), ("-2147.483648", Int32.min),
    ] as [(String, Int32)])
    func microDegreesAreExact(text: String, expected: Int32) throws {
        #expect(try DecimalText.microDegrees(text) == expected)
    }

    @Test func everySixDecimalValueRoundTripsThroughItsText() throws {
        // Values a Double would misround when scaled (52.520008 × 10⁶ = 52 520 007.99…) among them.
        for value: Int32 in [52_520_008, 4_356_789, -122_419_415, 1, -1, 89_999_999, 179_999_999] {
            let sign = value < 0 ? "-" : ""
            let magnitude = value.magnitude
            let fraction = String(magnitude % 1_000_000)
            let text = "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
            #expect(try DecimalText.microDegrees(text) == value, "\(text)")
        }
    }

    @Test(arguments: ["", "-", "+", "--1", "-+1", "1e5", "1E5", "0x10", ".5", "5.", "1.2.3", " 1", "1 ", "1,5", "½", "١٢", "nan", "inf"])
    func malformedTextIsRefused(text: String) {
        #expect(throws: DecimalText.Error.notADecimal(text)) { try DecimalText.microDegrees(text) }
    }

    @Test func moreDecimalsThanAllowedAreRefusedNotRounded() {
        #expect(throws: DecimalText.Error.tooManyDecimals("1.2345678", allowed: 6)) { try DecimalText.microDegrees("1.2345678") }
        #expect(throws: DecimalText.Error.tooManyDecimals("52.5200080", allowed: 6)) { try DecimalText.microDegrees("52.5200080") }
        #expect(throws: DecimalText.Error.tooManyDecimals("3.05", allowed: 1)) { try DecimalText.scaled("3.05", decimals: 1) }
        #expect("\(DecimalText.Error.tooManyDecimals("3.05", allowed: 1))" == "'3.05' has more than 1 decimal place")
    }

    @Test func valuesBeyondTheIntegerAreRefused() {
        #expect(throws: DecimalText.Error.tooLarge("2147.483648")) { try DecimalText.microDegrees("2147.483648") }
        #expect(throws: DecimalText.Error.tooLarge("99999999999999999999")) { try DecimalText.scaled("99999999999999999999", decimals: 0) }
    }

    @Test func otherScales() throws {
        #expect(try DecimalText.scaled("3.0", decimals: 1) == 30)
        #expect(try DecimalText.scaled("12", decimals: 1) == 120)
        #expect(try DecimalText.scaled("-4", decimals: 0) == -4)
        #expect(throws: DecimalText.Error.tooManyDecimals("4.5", allowed: 0)) { try DecimalText.scaled("4.5", decimals: 0) }
    }
}

@Suite struct DecimalTextWritingTests {
    @Test(arguments: [
        (52_520_008, 6, "52.520008"), (-33_868_820, 6, "-33.868820"), (1, 6, "0.000001"), (-1, 6, "-0.000001"),
        (0, 6, "0.000000"), (30, 1, "3.0"), (5, 1, "0.5"), (-42, 0, "-42"),
    ] as [(Int64, Int, String)])
    func writesEveryDecimal(value: Int64, decimals: Int, expected: String) throws {
        #expect(DecimalText.text(value, decimals: decimals) == expected)
        #expect(try DecimalText.scaled(expected, decimals: decimals) == value)
    }
}
