import Crypto

/// ECVRF-SECP256K1-SHA256-TAI: the elliptic-curve VRF of RFC 9381 §5 on secp256k1 with SHA-256,
/// try-and-increment encode_to_curve (§5.4.1.1), RFC 6979 nonces (§5.4.2.1) and suite string
/// 0xFE, byte for byte as Specs/depin/randomness.md §2 writes it out. RFC 9381 defines no
/// secp256k1 suite; 0xFE is the value the libraries that implement this one use.
///
/// Only the holder of a key can compute the output `beta` for an input `alpha`, anyone with the
/// public key can check it, and a key has exactly one valid output per input: the proposer
/// cannot choose among several outputs the way it can choose among block contents.
public enum ECVRF {
    public static let suiteString: UInt8 = 0xFE

    /// RFC 9381 §5.1 ECVRF_prove. Deterministic: the nonce is RFC 6979's, so one key and one
    /// input always give the same 81 bytes.
    public static func prove(key: PrivateKey, alpha: [UInt8]) -> VRFProof {
        proofSteps(key: key, alpha: alpha).proof
    }

    /// RFC 9381 §5.3 ECVRF_verify with validate_key: returns beta if `proof` is `publicKey`'s
    /// proof for `alpha`. validate_key has nothing left to reject: a `PublicKey` is a parsed
    /// curve point, never the infinity, and the cofactor is 1.
    public static func verify(publicKey: PublicKey, alpha: [UInt8], proof: VRFProof) throws(VRFError) -> Hash32 {
        guard let h = encodeToCurve(salt: publicKey.compressed, alpha: alpha) else { throw .inputHasNoCurvePoint }
        return try verify(publicKey: publicKey, h: h.point, proof: proof)
    }

    /// §5.3 from step 8 on, for a given H. Separate so that the tests can replay another
    /// library's proofs, which hash to the curve with another salt.
    static func verify(publicKey: PublicKey, h: CurvePoint, proof: VRFProof) throws(VRFError) -> Hash32 {
        let pk = publicKey.compressed
        // VRFProof's initializer has already checked that Γ parses and that s < n.
        guard let gamma = CurvePoint(compressed: proof.gamma) else { throw .gammaNotOnCurve }
        let c = [UInt8](repeating: 0, count: 16) + proof.c
        let s = proof.s
        let u = CurvePoint.sum(CurvePoint.generator(times: s), CurvePoint(publicKey).times(c)?.negated)
        let v = CurvePoint.sum(h.times(s), gamma.times(c)?.negated)
        guard let u, let v else { throw .degenerateProof }
        let expected = challenge(pk, h.compressed, proof.gamma, u.compressed, v.compressed)
        guard expected == proof.c else { throw .challengeMismatch }
        return proofToHash(proof)
    }

    /// RFC 9381 §5.2: beta = SHA-256(0xFE ‖ 0x03 ‖ point_to_string(cofactor·Γ) ‖ 0x00). It does
    /// not check the proof: only a beta that `verify` returned is the key's output.
    public static func proofToHash(_ proof: VRFProof) -> Hash32 {
        // The cofactor is 1, and a compressed point that parsed is already its canonical string.
        Hash32.sha256(parts: [suiteString, 0x03], proof.gamma, [0x00])
    }

    /// Every intermediate value of one proof, for the test vectors.
    struct ProofSteps {
        var h: CurvePoint
        var counter: UInt8
        var nonce: [UInt8]
        var gamma: CurvePoint
        var u: CurvePoint
        var v: CurvePoint
        var proof: VRFProof
    }

    /// ECVRF_prove, keeping what the vectors print.
    static func proofSteps(key: PrivateKey, alpha: [UInt8]) -> ProofSteps {
        let x = key.bytes
        let pk = key.publicKey.compressed
        guard let (h, counter) = encodeToCurve(salt: pk, alpha: alpha) else {
            preconditionFailure("no counter 0...255 maps this input to a point (probability about 2^-256)")
        }
        let hString = h.compressed
        let k = nonce(secretKey: x, hString: hString)
        // x and k are in [1, n−1] and H has prime order, so none of the three is the infinity.
        let gamma = h.times(x)!, u = CurvePoint.generator(times: k)!, v = h.times(k)!
        let gammaString = gamma.compressed
        let c = challenge(pk, hString, gammaString, u.compressed, v.compressed)
        let s = Scalar.mulAdd(k, [UInt8](repeating: 0, count: 16) + c, x)
        return ProofSteps(h: h, counter: counter, nonce: k, gamma: gamma, u: u, v: v,
                          proof: VRFProof(unchecked: gammaString + c + s))
    }

    /// §5.4.1.1 ECVRF_encode_to_curve_try_and_increment: the first counter whose
    /// SHA-256(0xFE ‖ 0x01 ‖ salt ‖ alpha ‖ ctr ‖ 0x00), read as an x with even y, is a point.
    /// Half of all x are, so this takes two hashes on average; nil after 256 misses.
    static func encodeToCurve(salt: [UInt8], alpha: [UInt8]) -> (point: CurvePoint, counter: UInt8)? {
        var input = [suiteString, 0x01] + salt + alpha + [0x00, 0x00]
        let counterIndex = input.count - 2
        for counter in UInt8.min...UInt8.max {
            input[counterIndex] = counter
            if let point = CurvePoint(compressed: [0x02] + Hash32.sha256(input).bytes) { return (point, counter) }
        }
        return nil
    }

    /// §5.4.2.1: the RFC 6979 §3.2 nonce with HMAC-SHA256 for the secret x and h1 = SHA-256(h_string).
    /// qlen = hlen = 256, so bits2int is the identity and one HMAC output is one candidate.
    static func nonce(secretKey x: [UInt8], hString: [UInt8]) -> [UInt8] {
        let seed = x + Scalar.reduced(Hash32.sha256(hString).bytes)  // int2octets(x) ‖ bits2octets(h1)
        var v = [UInt8](repeating: 0x01, count: 32)
        var k = [UInt8](repeating: 0x00, count: 32)
        k = hmac(key: k, v + [0x00] + seed)
        v = hmac(key: k, v)
        k = hmac(key: k, v + [0x01] + seed)
        v = hmac(key: k, v)
        while true {
            v = hmac(key: k, v)
            if !Scalar.isZero(v) && Scalar.isBelowOrder(v) { return v }
            k = hmac(key: k, v + [0x00])
            v = hmac(key: k, v)
        }
    }

    /// §5.4.3: the first 16 bytes (cLen) of SHA-256(0xFE ‖ 0x02 ‖ Y ‖ H ‖ Γ ‖ U ‖ V ‖ 0x00).
    static func challenge(_ y: [UInt8], _ h: [UInt8], _ gamma: [UInt8], _ u: [UInt8], _ v: [UInt8]) -> [UInt8] {
        Array(Hash32.sha256(parts: [suiteString, 0x02], y, h, gamma, u, v, [0x00]).bytes.prefix(16))
    }

    private static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
