/// Address derivation and EIP-55 display and parsing.
extension Address: CustomStringConvertible {
    /// The last 20 bytes of Keccak-256 of the 64-byte X ‖ Y (the uncompressed key without 0x04).
    public init(publicKey: PublicKey) {
        let digest = Keccak256.hash(publicKey.uncompressed[1..<65])
        self.init(unchecked: Array(digest[12..<32]))
    }

    /// EIP-55: lower-case hex of the address, then each letter whose position's nibble in
    /// Keccak-256(that lower-case ASCII text) is ≥ 8 is upper-cased. "0x"-prefixed.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes).utf8)
        let hash = Keccak256.hash(lower)
        var out = [UInt8](repeating: 0, count: 42)
        out[0] = UInt8(ascii: "0")
        out[1] = UInt8(ascii: "x")
        for i in 0..<40 {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            let c = lower[i]
            out[i + 2] = (c >= UInt8(ascii: "a") && nibble >= 8) ? c - 32 : c
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { checksummed }

    /// Parses 40 hex digits, with or without "0x". All-lower and all-upper are accepted as
    /// carrying no checksum; mixed case must be the exact EIP-55 form, so a typo in a
    /// checksummed address is caught instead of sending to the wrong account.
    public init(hex: String) throws(CryptoError) {
        // Hex.decode strips the one optional prefix itself; the digits are decoded from exactly
        // what it kept, so a second "0x" is an invalid digit, never a shorter address.
        var digits = Substring(hex)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard digits.utf8.count == 40 else { throw .addressWrongLength(digits.utf8.count) }
        let decoded: [UInt8]
        do { decoded = try Hex.decode(hex, count: 20) } catch { throw .invalidHex(error) }
        self.init(unchecked: decoded)
        let hasLower = digits.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }
        let hasUpper = digits.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
        if hasLower && hasUpper && checksummed.utf8.dropFirst(2).elementsEqual(digits.utf8) == false {
            throw .invalidAddressChecksum(hex)
        }
    }
}
