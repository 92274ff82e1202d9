import Testing
import CairnCrypto

@Suite struct AddressTests {
    static let eip55Vectors = [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
    ]

    @Test(arguments: eip55Vectors)
    func checksumRoundTrip(_ text: String) throws {
        let address = try Address(hex: text)
        #expect(address.checksummed == text)
        #expect(address.description == text)
        #expect(try Address(hex: text.lowercased()) == address)
        #expect(try Address(hex: "0x" + text.dropFirst(2).uppercased()) == address)
        #expect(try Address(hex: String(text.dropFirst(2))) == address)
    }

    @Test func wrongChecksumIsRejected() {
        // One letter's case flipped in a checksummed address.
        let bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
        #expect(throws: CryptoError.invalidAddressChecksum(bad)) { try Address(hex: bad) }
        #expect(CryptoError.invalidAddressChecksum(bad).description.contains("checksum"))
    }

    @Test func wrongLengthAndBadDigitsAreRejected() {
        #expect(throws: CryptoError.addressWrongLength(38)) { try Address(hex: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA") }
        #expect(throws: CryptoError.addressWrongLength(0)) { try Address(hex: "0x") }
        #expect(throws: CryptoError.self) { try Address(hex: "0xzzAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") }
    }

    @Test func fromPrivateKey() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        #expect(key.address.checksummed == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        #expect(Address(publicKey: key.publicKey) == key.address)
    }

    /// Found by FuzzCrypto: a doubled prefix used to reach Address(unchecked:) with 19 bytes and trap.
    @Test(arguments: ["0x0x00000000000000000000000000000000000000", "0x0X898e00000000000000000000000000000000"])
    func doublePrefixIsRejectedNotATrap(text: String) {
        #expect(throws: CryptoError.self) { try Address(hex: text) }
    }
}
