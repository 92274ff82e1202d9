import Testing
@testable import CairnCrypto

@Suite struct MnemonicTests {
    static let abandon = Array(repeating: "abandon", count: 11) + ["about"]
    static let hardhat = Array(repeating: "test", count: 11) + ["junk"]

    @Test func wordListIsTheReferenceList() {
        #expect(bip39EnglishWords.count == 2048)
        let file = bip39EnglishWords.map { $0 + "\n" }.joined()
        #expect(Hash32.sha256(Array(file.utf8)).hex
            == "0x2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda")
        #expect(bip39EnglishWords == bip39EnglishWords.sorted())
        #expect(Mnemonic.wordIndex("abandon") == 0)
        #expect(Mnemonic.wordIndex("zoo") == 2047)
        #expect(Mnemonic.wordIndex("zzz") == nil)
    }

    /// BIP-39 reference vectors (trezor/python-mnemonic vectors.json, passphrase "TREZOR").
    @Test func trezorVectors() throws {
        #expect(try Mnemonic.words(entropy: [UInt8](repeating: 0, count: 16)) == Self.abandon)
        #expect(Hex.encode(try Mnemonic.seed(words: Self.abandon, passphrase: "TREZOR")) ==
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04")
        let legal = "legal winner thank year wave sausage worth useful legal winner thank yellow".split(separator: " ").map(String.init)
        #expect(try Mnemonic.words(entropy: [UInt8](repeating: 0x7f, count: 16)) == legal)
        let zoo = Array(repeating: "zoo", count: 23) + ["vote"]
        #expect(try Mnemonic.words(entropy: [UInt8](repeating: 0xff, count: 32)) == zoo)
        #expect(try Mnemonic.entropy(words: zoo) == [UInt8](repeating: 0xff, count: 32))
    }

    @Test func validation() {
        #expect(throws: Never.self) { try Mnemonic.validate(Self.hardhat) }
        #expect(throws: CryptoError.invalidMnemonicChecksum) {
            try Mnemonic.validate(Array(repeating: "abandon", count: 12))
        }
        #expect(throws: CryptoError.invalidMnemonicLength(11)) { try Mnemonic.validate(Array(Self.abandon.dropLast())) }
        var typo = Self.abandon
        typo[3] = "abandom"
        #expect(throws: CryptoError.invalidMnemonicWord("abandom", position: 3)) { try Mnemonic.validate(typo) }
        #expect(throws: CryptoError.self) { try Mnemonic.seed(words: typo) }
    }

    @Test(arguments: Mnemonic.allowedWordCounts)
    func generatedMnemonicsValidate(wordCount: Int) throws {
        let words = try Mnemonic.generate(wordCount: wordCount)
        #expect(words.count == wordCount)
        let entropy = try Mnemonic.entropy(words: words)
        #expect(entropy.count == wordCount * 4 / 3)
        #expect(try Mnemonic.words(entropy: entropy) == words)
    }

    @Test func badWordCountForGenerate() {
        #expect(throws: CryptoError.invalidMnemonicLength(13)) { try Mnemonic.generate(wordCount: 13) }
        #expect(throws: CryptoError.invalidEntropyLength(15)) { try Mnemonic.words(entropy: [UInt8](repeating: 0, count: 15)) }
    }
}

@Suite struct HDKeyTests {
    /// BIP-32 test vector 1.
    @Test func bip32Vector1() throws {
        let master = try HDKey(seed: Hex.decode("000102030405060708090a0b0c0d0e0f"))
        #expect(Hex.encode(master.privateKey.bytes) == "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35")
        #expect(Hex.encode(master.chainCode) == "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508")
        let m0h = try master.derive(path: "m/0'")
        #expect(Hex.encode(m0h.privateKey.bytes) == "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea")
        #expect(Hex.encode(m0h.chainCode) == "47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141")
        let m0h1 = try master.derive(path: "m/0h/1")
        #expect(Hex.encode(m0h1.privateKey.bytes) == "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368")
        #expect(m0h1.depth == 2)
        let deep = try master.derive(path: "m/0'/1/2'/2/1000000000")
        #expect(Hex.encode(deep.privateKey.bytes) == "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8")
        #expect(try master.derive(path: "m") == master)
    }

    @Test func hardhatAccounts() throws {
        let master = try HDKey(seed: Mnemonic.seed(words: MnemonicTests.hardhat))
        #expect(try master.derive(path: HDKey.ethereumPath(index: 0)).privateKey.address.checksummed
            == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        #expect(try master.derive(path: HDKey.ethereumPath(index: 1)).privateKey.address.checksummed
            == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
        #expect(HDKey.ethereumPath(index: 7) == "m/44'/60'/0'/0/7")
    }

    @Test func pathParsing() throws {
        #expect(try HDKey.parse(path: "m/44'/60h/0H/0/5") == [0x8000_002C, 0x8000_003C, 0x8000_0000, 0, 5])
        #expect(try HDKey.parse(path: "m") == [])
        for bad in ["", "44'/60'", "m/", "m//1", "m/-1", "m/+1", "m/2147483648", "m/1''", "m/x", "M/1", "m/1/"] {
            #expect(throws: CryptoError.self, "\(bad)") { try HDKey.parse(path: bad) }
        }
        let master = try HDKey(seed: [UInt8](repeating: 1, count: 16))
        let child = try master.child(0)
        #expect(throws: CryptoError.self) { try child.derive(path: "m/0") }
    }

    @Test func seedLength() {
        #expect(throws: CryptoError.invalidSeedLength(15)) { try HDKey(seed: [UInt8](repeating: 1, count: 15)) }
        #expect(throws: CryptoError.invalidSeedLength(65)) { try HDKey(seed: [UInt8](repeating: 1, count: 65)) }
    }
}
