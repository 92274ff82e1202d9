import Foundation
@testable import CairnCrypto

/// Specs/vectors/vrf.json: its format, and the generator that builds it from the production code.
/// Inputs are fixed here; every output field is computed.
struct VRFVectorsFile: Codable, Equatable {
    struct Valid: Codable, Equatable {
        var comment: String
        var secretKey: String
        var publicKey: String
        var alpha: String
        /// The ctr of encode_to_curve that gave H.
        var encodeToCurveCounter: Int
        var h: String
        var k: String
        var gamma: String
        var u: String
        var v: String
        var c: String
        var s: String
        var proof: String
        var beta: String
    }

    struct Invalid: Codable, Equatable {
        var comment: String
        var publicKey: String
        var alpha: String
        var proof: String
        /// The failure's name in Specs/depin/randomness.md §2.6.
        var error: String
    }

    struct SeedBlock: Codable, Equatable {
        var height: String
        var proposerSecretKey: String
        var proposerPublicKey: String
        var previousSeed: String
        var alpha: String
        var seedProof: String
        var seed: String
    }

    struct SeedChain: Codable, Equatable {
        var genesisHash: String
        var genesisSeed: String
        var blocks: [SeedBlock]
    }

    var description: String
    var suiteString: String
    var vectors: [Valid]
    var invalid: [Invalid]
    var seedChain: SeedChain
}

enum VRFVectorGenerator {
    static func key(_ hex: String) -> PrivateKey { try! PrivateKey(hex: hex) }

    static let keys = [
        "0x0000000000000000000000000000000000000000000000000000000000000001",
        "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f",
    ]

    static let longAlpha = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    static let seedAlpha = BlockSeed.alpha(previousSeed: Hash32.sha256(Array("previous".utf8)), height: 1_000_000)

    static let validInputs: [(comment: String, key: String, alpha: [UInt8])] = [
        ("secret key 1 (Y = B), empty alpha", keys[0], []),
        ("secret key 1, alpha \"sample\"", keys[0], Array("sample".utf8)),
        ("empty alpha", keys[1], []),
        ("alpha one zero byte", keys[1], [0x00]),
        ("alpha \"sample\"", keys[1], Array("sample".utf8)),
        ("secret key n-1 (Y = -B), alpha \"sample\"", keys[2], Array("sample".utf8)),
        ("secret key n-1, long alpha (1000 bytes, byte i = 7i+3 mod 256)", keys[2], longAlpha),
        ("a block-seed alpha: SHA-256(\"previous\") || u64_be(1000000)", keys[3], seedAlpha),
        ("long alpha (1000 bytes, byte i = 7i+3 mod 256)", keys[3], longAlpha),
        ("alpha \"The quick brown fox jumps over the lazy dog\"", keys[4], Array("The quick brown fox jumps over the lazy dog".utf8)),
    ]

    static func valid(_ comment: String, _ keyHex: String, _ alpha: [UInt8]) -> VRFVectorsFile.Valid {
        let key = key(keyHex)
        let steps = ECVRF.proofSteps(key: key, alpha: alpha)
        let p = steps.proof
        return .init(comment: comment, secretKey: keyHex, publicKey: key.publicKey.hex, alpha: Hex.prefixed(alpha),
                     encodeToCurveCounter: Int(steps.counter), h: Hex.prefixed(steps.h.compressed),
                     k: Hex.prefixed(steps.nonce), gamma: Hex.prefixed(steps.gamma.compressed),
                     u: Hex.prefixed(steps.u.compressed), v: Hex.prefixed(steps.v.compressed),
                     c: Hex.prefixed(p.c), s: Hex.prefixed(p.s), proof: p.hex, beta: ECVRF.proofToHash(p).hex)
    }

    /// Proofs derived from the valid proof of `keys[1]` for "sample", each broken in one way.
    static func invalid() -> [VRFVectorsFile.Invalid] {
        let key = key(keys[1])
        let alpha = Array("sample".utf8)
        let proof = ECVRF.prove(key: key, alpha: alpha).bytes
        let gamma = Array(proof[0..<33]), c = Array(proof[33..<49]), s = Array(proof[49..<81])
        let order = Scalar.order
        let zero16 = [UInt8](repeating: 0, count: 16), zero32 = [UInt8](repeating: 0, count: 32)

        var notOnCurve = gamma  // the first x after Γ's that is not on the curve
        repeat { increment(&notOnCurve) } while CurvePoint(compressed: notOnCurve) != nil
        var flippedC = c
        flippedC[15] ^= 0x01
        var sPlusOne = s
        increment(&sPlusOne)
        var otherGamma = gamma  // −Γ: a valid point, but not x·H
        otherGamma[0] ^= 0x01
        // s = c·x mod n makes U = s·B − c·Y and V = s·H − c·Γ both the infinity.
        let cx = Scalar.product(zero16 + c, key.bytes)

        func entry(_ comment: String, _ bytes: [UInt8], _ error: String, key: PrivateKey = key, alpha: [UInt8] = alpha) -> VRFVectorsFile.Invalid {
            .init(comment: comment, publicKey: key.publicKey.hex, alpha: Hex.prefixed(alpha), proof: Hex.prefixed(bytes), error: error)
        }
        return [
            entry("empty proof", [], "wrong_length"),
            entry("80 bytes: the last byte dropped", Array(proof.dropLast()), "wrong_length"),
            entry("82 bytes: a zero byte appended", proof + [0x00], "wrong_length"),
            entry("Γ with prefix 0x04", [0x04] + gamma.dropFirst() + c + s, "gamma_not_on_curve"),
            entry("Γ's x replaced by the next x that is not on the curve", notOnCurve + c + s, "gamma_not_on_curve"),
            entry("Γ's x = p (not a field element)", [0x02] + Hex.decodeOrEmpty("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f") + c + s,
                  "gamma_not_on_curve"),
            entry("s = n", gamma + c + order, "s_not_below_n"),
            entry("s = 2^256 - 1", gamma + c + [UInt8](repeating: 0xff, count: 32), "s_not_below_n"),
            entry("last bit of c flipped", gamma + flippedC + s, "challenge_mismatch"),
            entry("s + 1", gamma + c + sPlusOne, "challenge_mismatch"),
            entry("Γ negated (prefix 02 and 03 swapped)", otherGamma + c + s, "challenge_mismatch"),
            entry("c = 0 (U = s·B, V = s·H)", gamma + zero16 + s, "challenge_mismatch"),
            entry("s = 0 (U = -c·Y, V = -c·Γ)", gamma + c + zero32, "challenge_mismatch"),
            entry("s = c·x mod n: U and V are the point at infinity", gamma + c + cx, "u_or_v_infinity"),
            entry("c = 0 and s = 0: U = 0·B - 0·Y is the point at infinity", gamma + zero16 + zero32, "u_or_v_infinity"),
            entry("the valid proof under another public key (secret key 1)", proof, "challenge_mismatch", key: Self.key(keys[0])),
            entry("the valid proof for alpha \"samplf\"", proof, "challenge_mismatch", alpha: Array("samplf".utf8)),
            entry("the valid proof for alpha \"sample\" with a zero byte appended", proof, "challenge_mismatch", alpha: alpha + [0x00]),
        ]
    }

    /// Big-endian +1 in place (wrapping), for deriving neighbours of valid encodings.
    static func increment(_ bytes: inout [UInt8]) {
        for i in stride(from: bytes.count - 1, through: 1, by: -1) {
            bytes[i] &+= 1
            if bytes[i] != 0 { return }
        }
    }

    static func seedChain() -> VRFVectorsFile.SeedChain {
        let genesisHash = Hash32.sha256(Array("example genesis".utf8))
        var previous = BlockSeed.genesis(genesisHash: genesisHash)
        var blocks: [VRFVectorsFile.SeedBlock] = []
        for (height, keyHex) in zip(UInt64(1)...3, [keys[1], keys[3], keys[1]]) {
            let alpha = BlockSeed.alpha(previousSeed: previous, height: height)
            let proof = ECVRF.prove(key: key(keyHex), alpha: alpha)
            let seed = ECVRF.proofToHash(proof)
            blocks.append(.init(height: String(height), proposerSecretKey: keyHex, proposerPublicKey: key(keyHex).publicKey.hex,
                                previousSeed: previous.hex, alpha: Hex.prefixed(alpha), seedProof: proof.hex, seed: seed.hex))
            previous = seed
        }
        return .init(genesisHash: genesisHash.hex, genesisSeed: BlockSeed.genesis(genesisHash: genesisHash).hex, blocks: blocks)
    }

    static func generate() -> VRFVectorsFile {
        VRFVectorsFile(
            description: "ECVRF-SECP256K1-SHA256-TAI (Specs/depin/randomness.md §2; RFC 9381 with suite string 0xFE). "
                + "Keys: 32-byte secret scalar, 33-byte compressed public key. For each valid vector: H = encode_to_curve "
                + "(try-and-increment with salt = public key, at counter encode_to_curve_counter), k = RFC 6979 nonce, "
                + "Γ = x·H, U = k·B, V = k·H, c = challenge (16 bytes), s = k + c·x mod n, proof = Γ || c || s (81 bytes), "
                + "beta = proof_to_hash. Invalid vectors: verifying the proof for the public key and alpha fails with the "
                + "named error. seed_chain: block seeds (randomness.md §3) from a genesis hash.",
            suiteString: "0xfe",
            vectors: validInputs.map { valid($0.comment, $0.key, $0.alpha) },
            invalid: invalid(),
            seedChain: seedChain())
    }
}
