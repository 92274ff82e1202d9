@testable import CairnCrypto
import Foundation
import Testing

/// Web3 Secret Storage v3 keystores: the definition's test vectors, round trips, and hostile files.
@Suite struct KeystoreTests {
    static let vectorKey = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"

    /// The PBKDF2-SHA-256 vector from the Web3 Secret Storage definition (password "testpassword").
    static let pbkdf2Vector = """
        {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
         "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
         "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256",
                      "salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
         "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
         "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
        """

    /// The scrypt vector exactly as the definition publishes it: note r = 1 and p = 8 (not the
    /// r = 8, p = 1 that geth writes); the published MAC only matches with these.
    static func scryptVector(r: Int, p: Int) -> String {
        """
        {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},
         "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",
         "kdfparams":{"dklen":32,"n":262144,"p":\(p),"r":\(r),
                      "salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
         "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},
         "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
        """
    }

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func object(_ json: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
    }

    func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object))
    }

    /// Edits one field of `crypto` (or `crypto.kdfparams` when `kdfparams` is true).
    func edited(_ keystore: [UInt8], kdfparams: Bool = false, _ key: String, _ value: Any?) throws -> [UInt8] {
        var top = try object(keystore)
        var crypto = try #require(top["crypto"] as? [String: Any])
        if kdfparams {
            var params = try #require(crypto["kdfparams"] as? [String: Any])
            params[key] = value
            crypto["kdfparams"] = params
        } else {
            crypto[key] = value
        }
        top["crypto"] = crypto
        return try json(top)
    }

    @Test func specPBKDF2Vector() throws {
        let key = try Keystore.decrypt(bytes(Self.pbkdf2Vector), passphrase: "testpassword")
        #expect(Hex.encode(key.bytes) == Self.vectorKey)
        #expect(key.address.checksummed.lowercased() == "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b")
        #expect(throws: KeystoreError.wrongPassphrase) {
            try Keystore.decrypt(bytes(Self.pbkdf2Vector), passphrase: "testpassword2")
        }
    }

    /// The definition's scrypt vector uses N = 2^18 with r = 1, which RFC 7914 forbids
    /// (N < 2^(128·r/8) = 2^16) and BoringSSL refuses; Cairn rejects it with that reason. The
    /// published intermediate derived key still checks the MAC rule and the cipher.
    @Test func specScryptVector() throws {
        #expect {
            try Keystore.decrypt(bytes(Self.scryptVector(r: 1, p: 8)), passphrase: "testpassword")
        } throws: { error in
            guard case .invalidKDFParameter(let why) = error as? KeystoreError else { return false }
            return why.contains("RFC 7914")
        }
        let key = try Keystore.open(
            derivedKey: Hex.decode("fac192ceb5fd772906bea3e118a69e8bbb5cc24229e20d8766fd298291bba6bd"),
            ciphertext: Hex.decode("d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c"),
            iv: Hex.decode("83dbcc02d8ccb40e466191a123791e0e"),
            mac: Hex.decode("2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"))
        #expect(Hex.encode(key.bytes) == Self.vectorKey)
        // Read as r = 8, p = 1 the parameters are valid but derive another key: the MAC fails.
        #expect(throws: KeystoreError.wrongPassphrase) {
            try Keystore.decrypt(bytes(Self.scryptVector(r: 8, p: 1)), passphrase: "testpassword")
        }
    }

    @Test func specPBKDF2Intermediates() throws {
        let derived = try Hex.decode("f06d69cdc7da0faffb1008270bca38f5e31891a3a773950e6d0fea48a7188551")
        let key = try Keystore.open(
            derivedKey: derived,
            ciphertext: Hex.decode("5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46"),
            iv: Hex.decode("6087dab2f9fdbbfaddc31a909735c1e6"),
            mac: Hex.decode("517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"))
        #expect(Hex.encode(key.bytes) == Self.vectorKey)
    }

    /// RFC 7914 §12's third vector; r = 8 and p = 16 differ, so a swapped argument would show.
    @Test func scryptMatchesRFC7914() throws {
        let dk = try Keystore.scrypt("password", salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, dklen: 64)
        #expect(Hex.encode(dk) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test func roundTripAndFormat() throws {
        let key = PrivateKey.generate()
        let file = try Keystore.encrypt(key, passphrase: "correct horse", scryptN: 1024)
        #expect(try Keystore.decrypt(file, passphrase: "correct horse") == key)
        #expect(try Keystore.address(in: file) == key.address)

        let top = try object(file)
        #expect(top["version"] as? Int == 3)
        #expect(top["address"] as? String == Hex.encode(key.address.bytes))
        let id = try #require(top["id"] as? String)
        #expect(UUID(uuidString: id) != nil && id == id.lowercased() && Array(id)[14] == "4")
        let crypto = try #require(top["crypto"] as? [String: Any])
        #expect(crypto["cipher"] as? String == "aes-128-ctr")
        #expect(crypto["kdf"] as? String == "scrypt")
        #expect((crypto["cipherparams"] as? [String: Any])?["iv"].flatMap { $0 as? String }?.count == 32)
        #expect((crypto["ciphertext"] as? String)?.count == 64)
        #expect((crypto["mac"] as? String)?.count == 64)
        let params = try #require(crypto["kdfparams"] as? [String: Any])
        #expect(params["n"] as? Int == 1024 && params["r"] as? Int == 8 && params["p"] as? Int == 1)
        #expect(params["dklen"] as? Int == 32 && (params["salt"] as? String)?.count == 64)
        // The plaintext key never appears in the file.
        #expect(!String(decoding: file, as: UTF8.self).contains(Hex.encode(key.bytes)))
        // Fresh salt and IV each time.
        let again = try Keystore.encrypt(key, passphrase: "correct horse", scryptN: 1024)
        #expect(again != file)
    }

    @Test func unicodePassphraseIsItsUTF8Bytes() throws {
        let key = PrivateKey.generate()
        let file = try Keystore.encrypt(key, passphrase: "pässwörd 🔑", scryptN: 16)
        #expect(try Keystore.decrypt(file, passphrase: "pässwörd 🔑") == key)
        #expect(throws: KeystoreError.wrongPassphrase) { try Keystore.decrypt(file, passphrase: "passwort") }
    }

    /// geth allows an empty passphrase, so files with one exist; they must open, not crash.
    @Test func emptyPassphraseWorks() throws {
        let key = PrivateKey.generate()
        #expect(try Keystore.decrypt(try Keystore.encrypt(key, passphrase: "", scryptN: 16), passphrase: "") == key)
        let pbkdf2 = bytes(Self.pbkdf2Vector)
        #expect(throws: KeystoreError.wrongPassphrase) { try Keystore.decrypt(pbkdf2, passphrase: "") }
    }

    @Test func wrongPassphraseAndTampering() throws {
        let key = PrivateKey.generate()
        let file = try Keystore.encrypt(key, passphrase: "secret", scryptN: 1024)
        #expect(throws: KeystoreError.wrongPassphrase) { try Keystore.decrypt(file, passphrase: "Secret") }

        let crypto = try #require(try object(file)["crypto"] as? [String: Any])
        for field in ["ciphertext", "mac"] {
            var hex = Array(try #require(crypto[field] as? String))
            hex[5] = hex[5] == "0" ? "1" : "0"
            let tampered = try edited(file, field, String(hex))
            #expect(throws: KeystoreError.wrongPassphrase) { try Keystore.decrypt(tampered, passphrase: "secret") }
        }
        // A different salt derives a different key, so the MAC fails too.
        let salted = try edited(file, kdfparams: true, "salt", String(repeating: "ab", count: 32))
        #expect(throws: KeystoreError.wrongPassphrase) { try Keystore.decrypt(salted, passphrase: "secret") }
    }

    @Test func addressMismatchIsRejected() throws {
        let key = PrivateKey.generate()
        let file = try Keystore.encrypt(key, passphrase: "pw", scryptN: 16)
        var top = try object(file)
        let other = PrivateKey.generate().address
        top["address"] = Hex.encode(other.bytes)
        #expect(throws: KeystoreError.addressMismatch(stored: other.checksummed, actual: key.address.checksummed)) {
            try Keystore.decrypt(try json(top), passphrase: "pw")
        }
        // A 0x prefix is tolerated; an absent address is allowed (the definition makes it optional).
        top["address"] = Hex.prefixed(key.address.bytes)
        #expect(try Keystore.decrypt(try json(top), passphrase: "pw") == key)
        top["address"] = nil
        #expect(try Keystore.decrypt(try json(top), passphrase: "pw") == key)
        #expect(try Keystore.address(in: try json(top)) == nil)
    }

    @Test func capitalisedCryptoKeyIsAccepted() throws {
        let key = PrivateKey.generate()
        var top = try object(try Keystore.encrypt(key, passphrase: "pw", scryptN: 16))
        top["Crypto"] = top["crypto"]
        top["crypto"] = nil
        #expect(try Keystore.decrypt(try json(top), passphrase: "pw") == key)
    }

    @Test func unsupportedFormatsAreRejected() throws {
        let file = try Keystore.encrypt(PrivateKey.generate(), passphrase: "pw", scryptN: 16)
        var top = try object(file)
        top["version"] = 1
        #expect(throws: KeystoreError.unsupportedVersion(1)) { try Keystore.decrypt(try json(top), passphrase: "pw") }
        top["version"] = nil
        #expect(throws: KeystoreError.missingField("version")) { try Keystore.decrypt(try json(top), passphrase: "pw") }

        #expect(throws: KeystoreError.unsupportedCipher("aes-128-cbc")) {
            try Keystore.decrypt(try edited(file, "cipher", "aes-128-cbc"), passphrase: "pw")
        }
        #expect(throws: KeystoreError.unsupportedKDF("argon2")) {
            try Keystore.decrypt(try edited(file, "kdf", "argon2"), passphrase: "pw")
        }
        #expect(throws: KeystoreError.missingField("crypto.mac")) {
            try Keystore.decrypt(try edited(file, "mac", nil), passphrase: "pw")
        }
        #expect(throws: KeystoreError.wrongLength(field: "crypto.cipherparams.iv", expected: 16, actual: 8)) {
            try Keystore.decrypt(try edited(file, "cipherparams", ["iv": "0011223344556677"]), passphrase: "pw")
        }
        #expect(throws: KeystoreError.invalidHex(field: "crypto.ciphertext", .invalidCharacter("z"))) {
            try Keystore.decrypt(try edited(file, "ciphertext", String(repeating: "z", count: 64)), passphrase: "pw")
        }
        let pbkdf2 = bytes(Self.pbkdf2Vector.replacingOccurrences(of: "hmac-sha256", with: "hmac-sha1"))
        #expect(throws: KeystoreError.unsupportedPRF("hmac-sha1")) { try Keystore.decrypt(pbkdf2, passphrase: "x") }

        for garbage in ["", "[]", "{", "{\"version\":\"3\"}", "null"] {
            #expect(throws: KeystoreError.self) { try Keystore.decrypt(bytes(garbage), passphrase: "pw") }
        }
        #expect(throws: KeystoreError.tooLarge(70_000)) {
            try Keystore.decrypt([UInt8](repeating: 0x20, count: 70_000), passphrase: "pw")
        }
    }

    /// Absurd KDF parameters are refused before any work is done, so a hostile file cannot make
    /// the wallet allocate gigabytes or spin for hours.
    @Test(arguments: [
        ("n", 1000), ("n", 1), ("n", 0), ("n", 1 << 21), ("n", -4), ("r", 0), ("r", 1000), ("p", 0), ("p", 1 << 20),
        ("dklen", 16), ("dklen", 1 << 30),
    ] as [(String, Int)])
    func absurdScryptParametersAreRejected(field: String, value: Int) throws {
        let file = try Keystore.encrypt(PrivateKey.generate(), passphrase: "pw", scryptN: 16)
        let bad = try edited(file, kdfparams: true, field, value)
        #expect {
            try Keystore.decrypt(bad, passphrase: "pw")
        } throws: { error in
            guard case .invalidKDFParameter(let why) = error as? KeystoreError else { return false }
            return why.contains(field == "dklen" ? "dklen" : "scrypt \(field)")
        }
    }

    @Test func scryptMemoryAndWorkAreBounded() throws {
        let file = try Keystore.encrypt(PrivateKey.generate(), passphrase: "pw", scryptN: 16)
        // Each parameter in range, the product not: 128 · 2^20 · 16 bytes = 2 GiB; r above 16.
        var bad = try edited(file, kdfparams: true, "n", 1 << 20)
        bad = try edited(bad, kdfparams: true, "r", 16)
        #expect(throws: KeystoreError.self) { try Keystore.decrypt(bad, passphrase: "pw") }
        bad = try edited(bad, kdfparams: true, "r", 17)
        #expect(throws: KeystoreError.self) { try Keystore.decrypt(bad, passphrase: "pw") }
        bad = try edited(bad, kdfparams: true, "r", 8)
        bad = try edited(bad, kdfparams: true, "p", 4)
        #expect(throws: KeystoreError.self) { try Keystore.decrypt(bad, passphrase: "pw") }
        #expect(throws: KeystoreError.self) {
            try Keystore.encrypt(PrivateKey.generate(), passphrase: "pw", scryptN: 1000)
        }
    }

    @Test func absurdPBKDF2ParametersAreRejected() throws {
        for c in [0, -1, 1 << 30] {
            let bad = bytes(Self.pbkdf2Vector.replacingOccurrences(of: "\"c\":262144", with: "\"c\":\(c)"))
            #expect(throws: KeystoreError.invalidKDFParameter("pbkdf2 c must be 1 to \(1 << 24), got \(c)")) {
                try Keystore.decrypt(bad, passphrase: "testpassword")
            }
        }
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(KeystoreError.wrongPassphrase.description.contains("wrong passphrase"))
        #expect(KeystoreError.unsupportedKDF("argon2").description.contains("argon2"))
        #expect(KeystoreError.invalidKDFParameter("scrypt n must be a power of two").description.contains("power of two"))
    }
}
