import Testing
@testable import CairnCrypto

@Suite struct KeccakTests {
    private func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    @Test func emptyInput() {
        #expect(hex(Keccak256.hash([UInt8]())) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    @Test func abc() {
        #expect(hex(Keccak256.hash(Array("abc".utf8))) == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }

    @Test func quickBrownFox() {
        let text = "The quick brown fox jumps over the lazy dog"
        #expect(hex(Keccak256.hash(text.utf8)) == "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")
    }

    /// Inputs longer than one 136-byte block; values from an independent Python Keccak that
    /// itself matches hashlib's SHA3-256 when given SHA3 padding.
    @Test func multiBlock() {
        #expect(hex(Keccak256.hash([UInt8](repeating: 0xa3, count: 200)))
            == "3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a")
        let expected: [(Int, String)] = [
            (135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f"),
            (136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed"),
            (137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a"),
            (272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5"),
            (1000, "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b"),
        ]
        for (n, digest) in expected {
            #expect(hex(Keccak256.hash(pattern(n))) == digest, "length \(n)")
        }
    }

    /// The same sponge with FIPS-202 padding must equal SHA3-256 (vectors from Python hashlib),
    /// which checks the permutation against a second, independent implementation.
    @Test func sha3PaddingMatchesFIPS202() {
        let expected: [(Int, String)] = [
            (0, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
            (135, "d9dcf1f98e49a79b0643a9e68fef48079ff8777c5e7e7f93469ded65f192ac71"),
            (136, "743bd32e775ac7387a57d4d574c89ddef5ebcb08bb5cc6b88c55a27b5035cc45"),
            (137, "01d47e8d6dce6e3dcbf1baa6f845b6ace4ef74bd17da8176ecc49bc35dbe5d21"),
            (272, "ddeb5151c079739970e780e6257d0c4d52d83bf82c6aa8d47d5195530b5d5f4b"),
            (1000, "bd8b4d76041e0135e53fab1aaf425c7b1c129d8878ffb64cc31230ccafd7dc7c"),
        ]
        for (n, digest) in expected {
            let input = pattern(n)
            var out = [UInt8](repeating: 0, count: 32)
            input.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in Keccak256.hash(i, into: o, padding: 0x06) } }
            #expect(hex(out) == digest, "length \(n)")
        }
        #expect(hex([UInt8](repeating: 0, count: 0)) == "")
    }

    @Test func nonContiguousSequenceGivesSameDigest() {
        let input = pattern(300)
        #expect(Keccak256.hash(input.lazy.map { $0 }) == Keccak256.hash(input))
        #expect(Keccak256.hash32(input).bytes == Keccak256.hash(input))
    }

    private func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) } }
}
