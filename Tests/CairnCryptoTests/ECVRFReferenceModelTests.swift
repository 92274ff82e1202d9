import CairnTestSupport
import Crypto
import Testing
import CairnCrypto

/// The reference model (ECVRFReferenceModel.swift) against RFC 9381's own vectors, the published
/// secp256k1 ones, and every field of Specs/vectors/vrf.json.
@Suite struct ECVRFReferenceModelTests {
    typealias Model = ReferenceModel
    static let secp256k1 = Model.VRF(curve: .secp256k1)

    /// RFC 9381 Appendix B.1, ECVRF-P256-SHA256-TAI, Examples 10–12: the same construction on
    /// another curve, every intermediate value given.
    static let rfcP256: [(sk: String, pk: String, alpha: String, h: String, k: String, u: String, v: String, pi: String, beta: String)] = [
        ("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721",
         "0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6", "73616d706c65",
         "0272a877532e9ac193aff4401234266f59900a4a9e3fc3cfc6a4b7e467a15d06d4",
         "0d90591273453d2dc67312d39914e3a93e194ab47a58cd598886897076986f77",
         "02bb6a034f67643c6183c10f8b41dc4babf88bff154b674e377d90bde009c21672",
         "02893ebee7af9a0faa6da810da8a91f9d50e1dc071240c9706726820ff919e8394",
         "035b5c726e8c0e2c488a107c600578ee75cb702343c153cb1eb8dec77f4b5071b4a53f0a46f018bc2c56e58d383f2305e0975972c26feea0eb122fe7893c15af376b33edf7de17c6ea056d4d82de6bc02f",
         "a3ad7b0ef73d8fc6655053ea22f9bede8c743f08bbed3d38821f0e16474b505e"),
        ("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721",
         "0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6", "74657374",
         "02173119b4fff5e6f8afed4868a29fe8920f1b54c2cf89cc7b301d0d473de6b974",
         "5852353a868bdce26938cde1826723e58bf8cb06dd2fed475213ea6f3b12e961",
         "022779a2cafcb65414c4a04a4b4d2adf4c50395f57995e89e6de823250d91bc48e",
         "033b4a14731672e82339f03b45ff6b5b13dee7ada38c9bf1d6f8f61e2ce5921119",
         "034dac60aba508ba0c01aa9be80377ebd7562c4a52d74722e0abae7dc3080ddb56c19e067b15a8a8174905b13617804534214f935b94c2287f797e393eb0816969d864f37625b443f30f1a5a33f2b3c854",
         "a284f94ceec2ff4b3794629da7cbafa49121972671b466cab4ce170aa365f26d"),
        ("2ca1411a41b17b24cc8c3b089cfd033f1920202a6c0de8abb97df1498d50d2c8",
         "03596375e6ce57e0f20294fc46bdfcfd19a39f8161b58695b3ec5b3d16427c274d",
         "4578616d706c65207573696e67204543445341206b65792066726f6d20417070656e646978204c2e342e32206f6620414e53492e58392d36322d32303035",
         "0258055c26c4b01d01c00fb57567955f7d39cd6f6e85fd37c58f696cc6b7aa761d",
         "5689e2e08e1110b4dda293ac21667eac6db5de4a46a519c73d533f69be2f4da3",
         "020f465cd0ec74d2e23af0abde4c07e866ae4e5138bded5dd1196b8843f380db84",
         "036cb6f811428fc4904370b86c488f60c280fa5b496d2f34ff8772f60ed24b2d1d",
         "03d03398bf53aa23831d7d1b2937e005fb0062cbefa06796579f2a1fc7e7b8c667d091c00b0f5c3619d10ecea44363b5a599cadc5b2957e223fec62e81f7b4825fc799a771a3d7334b9186bdbee87316b1",
         "90871e06da5caa39a3c61578ebb844de8635e27ac0b13e829997d0d95dd98c19"),
    ]

    @Test func reproducesRFC9381P256Examples() throws {
        let vrf = Model.VRF(curve: .p256)
        for v in Self.rfcP256 {
            let alpha = try Hex.decode(v.alpha)
            let proof = vrf.prove(secretKey: try Hex.decode(v.sk), alpha: alpha)
            #expect(Hex.encode(proof.publicKey) == v.pk)
            #expect(Hex.encode(proof.h) == v.h)
            #expect(Hex.encode(proof.k) == v.k)
            #expect(Hex.encode(proof.u) == v.u)
            #expect(Hex.encode(proof.v) == v.v)
            #expect(Hex.encode(proof.pi) == v.pi)
            #expect(Hex.encode(proof.beta) == v.beta)
            #expect(try vrf.verify(publicKey: proof.publicKey, alpha: alpha, pi: proof.pi).get() == proof.beta)
        }
    }

    @Test func reproducesPublishedSecp256k1Vectors() throws {
        for v in PublishedVRFVectors.seda {
            let proof = Self.secp256k1.prove(secretKey: try Hex.decode(v.secretKey), alpha: PublishedVRFVectors.sedaAlpha)
            #expect(Hex.encode(proof.publicKey) == v.publicKey)
            #expect(Hex.encode(proof.pi) == v.pi)
            #expect(Hex.encode(try Self.secp256k1.verify(publicKey: proof.publicKey, alpha: PublishedVRFVectors.sedaAlpha,
                                                         pi: proof.pi).get()) == v.beta)
        }
        for v in PublishedVRFVectors.encodeToCurve {
            let found = try #require(Self.secp256k1.encodeToCurve(salt: try Hex.decode(v.salt), alpha: v.alpha))
            #expect(Self.secp256k1.curve.encode(found.point).map(Hex.encode) == v.h)
        }
        for v in PublishedVRFVectors.vrfFun {
            let pi = try Hex.decode(v.gamma + v.c + v.s)
            let publicKey = try Hex.decode(v.publicKey)
            #expect(try Self.secp256k1.verify(publicKey: publicKey, alpha: v.alpha, pi: pi, salt: []).get() == Hex.decode(v.beta))
            #expect(Self.secp256k1.verify(publicKey: publicKey, alpha: v.alpha, pi: pi) == .failure(.challengeMismatch))
        }
    }

    /// The model's arithmetic against libsecp256k1 on public keys, including the extremes.
    @Test func publicKeysAgreeWithLibsecp256k1() throws {
        var keys = [try PrivateKey(hex: "0x" + String(repeating: "00", count: 31) + "01"),
                    try PrivateKey(hex: "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")]
        for _ in 0..<4 { keys.append(PrivateKey.generate()) }
        for key in keys {
            #expect(Self.secp256k1.publicKey(secretKey: key.bytes) == key.publicKey.compressed)
        }
    }

    @Test func recomputesEveryFieldOfTheVectorFile() throws {
        let file = try SpecVectors.load("vrf.json", generated: VRFVectorGenerator.generate())
        #expect(file.suiteString == "0xfe")
        for v in file.vectors {
            let alpha = try Hex.decode(v.alpha)
            let proof = Self.secp256k1.prove(secretKey: try Hex.decode(v.secretKey), alpha: alpha)
            #expect(Hex.prefixed(proof.publicKey) == v.publicKey, "\(v.comment)")
            #expect(proof.counter == v.encodeToCurveCounter, "\(v.comment)")
            #expect(Hex.prefixed(proof.h) == v.h, "\(v.comment)")
            #expect(Hex.prefixed(proof.k) == v.k, "\(v.comment)")
            #expect(Hex.prefixed(proof.gamma) == v.gamma, "\(v.comment)")
            #expect(Hex.prefixed(proof.u) == v.u, "\(v.comment)")
            #expect(Hex.prefixed(proof.v) == v.v, "\(v.comment)")
            #expect(Hex.prefixed(proof.c) == v.c, "\(v.comment)")
            #expect(Hex.prefixed(proof.s) == v.s, "\(v.comment)")
            #expect(Hex.prefixed(proof.pi) == v.proof, "\(v.comment)")
            #expect(Hex.prefixed(proof.beta) == v.beta, "\(v.comment)")
            #expect(try Self.secp256k1.verify(publicKey: proof.publicKey, alpha: alpha, pi: proof.pi).get() == proof.beta)
        }
        for v in file.invalid {
            let result = Self.secp256k1.verify(publicKey: try Hex.decode(v.publicKey), alpha: try Hex.decode(v.alpha),
                                               pi: try Hex.decode(v.proof))
            #expect(result == .failure(Model.Failure(rawValue: v.error)!), "\(v.comment)")
        }
        let chain = file.seedChain
        var previous = Model.sha256(Array("cairn-seed".utf8), try Hex.decode(chain.genesisHash))
        #expect(Hex.prefixed(previous) == chain.genesisSeed)
        for block in chain.blocks {
            let height = UInt64(block.height)!
            let alpha = previous + (0..<8).map { UInt8(truncatingIfNeeded: height >> (56 - 8 * UInt64($0))) }
            #expect(Hex.prefixed(alpha) == block.alpha)
            let proof = Self.secp256k1.prove(secretKey: try Hex.decode(block.proposerSecretKey), alpha: alpha)
            #expect(Hex.prefixed(proof.publicKey) == block.proposerPublicKey)
            #expect(Hex.prefixed(proof.pi) == block.seedProof)
            #expect(Hex.prefixed(proof.beta) == block.seed)
            previous = proof.beta
        }
    }
}
