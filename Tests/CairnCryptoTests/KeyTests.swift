import Testing
import CairnCrypto

@Suite struct KeyTests {
    @Test func privateKeyValidation() {
        #expect(throws: CryptoError.invalidPrivateKeyLength(31)) { try PrivateKey(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: CryptoError.invalidPrivateKey) {
            try PrivateKey(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        }
        #expect(throws: Never.self) {
            try PrivateKey(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")
        }
        #expect(throws: CryptoError.self) { try PrivateKey(hex: "0xnothex") }
    }

    @Test func privateKeyDoesNotPrintSecret() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        #expect(!"\(key)".contains("4c0883"))
    }

    @Test func generatedKeysDiffer() {
        #expect(PrivateKey.generate() != PrivateKey.generate())
    }

    @Test func publicKeyForms() throws {
        // Private key 1: the public key is the generator G.
        let one = try PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1])
        let g = one.publicKey
        #expect(Hex.encode(g.compressed) == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        #expect(Hex.encode(g.uncompressed) == "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
        #expect(try PublicKey(bytes: g.compressed) == g)
        #expect(try PublicKey(bytes: g.uncompressed) == g)
        for _ in 0..<10 {
            let key = PrivateKey.generate().publicKey
            #expect(try PublicKey(bytes: key.compressed) == key)
        }
    }

    @Test func invalidPublicKeysAreRejected() {
        #expect(throws: CryptoError.invalidPublicKey(length: 64)) { try PublicKey(bytes: [UInt8](repeating: 1, count: 64)) }
        // x = 5 is not on the curve.
        #expect(throws: CryptoError.invalidPublicKey(length: 33)) {
            try PublicKey(bytes: [0x02] + [UInt8](repeating: 0, count: 31) + [5])
        }
        #expect(throws: CryptoError.invalidPublicKey(length: 65)) {
            try PublicKey(bytes: [0x04] + [UInt8](repeating: 7, count: 64))
        }
    }
}
