import CSecp256k1

/// A secp256k1 point as libsecp256k1 holds it, with the few group operations the VRF needs.
/// libsecp256k1's public API cannot represent the point at infinity: every operation that could
/// reach it returns nil here, and the VRF code decides what nil means.
struct CurvePoint {
    private var raw: secp256k1_pubkey

    private init(raw: secp256k1_pubkey) { self.raw = raw }

    /// SEC1 string_to_point: nil unless `bytes` is 0x02 or 0x03, then an x below p with a
    /// point on the curve (libsecp256k1's parser checks all three).
    init?(compressed bytes: [UInt8]) {
        guard bytes.count == 33 else { return nil }
        var raw = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &raw, bytes, 33) == 1 else { return nil }
        self.raw = raw
    }

    init(_ key: PublicKey) {
        var raw = secp256k1_pubkey()
        let ok = secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &raw, key.uncompressed, 65)
        precondition(ok == 1, "a PublicKey is always a valid point")
        self.raw = raw
    }

    /// scalar·B for a 32-byte big-endian scalar below n; nil for zero (the infinity).
    static func generator(times scalar: [UInt8]) -> CurvePoint? {
        guard !Scalar.isZero(scalar) else { return nil }
        var raw = secp256k1_pubkey()
        let ok = secp256k1_ec_pubkey_create(Secp256k1Context.shared.pointer, &raw, scalar)
        precondition(ok == 1, "a nonzero scalar below n is a valid secret key")
        return CurvePoint(raw: raw)
    }

    /// scalar·self for a 32-byte big-endian scalar below n; nil for zero, which libsecp256k1
    /// refuses as a tweak. The group has prime order, so no other scalar gives the infinity.
    func times(_ scalar: [UInt8]) -> CurvePoint? {
        guard !Scalar.isZero(scalar) else { return nil }
        var out = raw
        let ok = secp256k1_ec_pubkey_tweak_mul(Secp256k1Context.shared.pointer, &out, scalar)
        precondition(ok == 1, "a nonzero scalar below n is a valid tweak")
        return CurvePoint(raw: out)
    }

    var negated: CurvePoint {
        var out = raw
        let ok = secp256k1_ec_pubkey_negate(Secp256k1Context.shared.pointer, &out)
        precondition(ok == 1, "negating a valid point cannot fail")
        return CurvePoint(raw: out)
    }

    /// a + b, with nil standing for the infinity on both sides of the equation.
    /// libsecp256k1's combine fails exactly when the sum is the infinity.
    static func sum(_ a: CurvePoint?, _ b: CurvePoint?) -> CurvePoint? {
        guard let a else { return b }
        guard let b else { return a }
        var out = secp256k1_pubkey()
        let ok = withUnsafePointer(to: a.raw) { pa in
            withUnsafePointer(to: b.raw) { pb in
                let ins: [UnsafePointer<secp256k1_pubkey>?] = [pa, pb]
                return secp256k1_ec_pubkey_combine(Secp256k1Context.shared.pointer, &out, ins, 2)
            }
        }
        return ok == 1 ? CurvePoint(raw: out) : nil
    }

    /// SEC1 point_to_string, compressed: 0x02 or 0x03 (parity of y), then x.
    var compressed: [UInt8] {
        var raw = raw
        return [UInt8](unsafeUninitializedCapacity: 33) { buffer, count in
            var length = 33
            secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, buffer.baseAddress!, &length, &raw,
                                          UInt32(SECP256K1_EC_COMPRESSED))
            count = 33
        }
    }
}

/// 32-byte big-endian scalars modulo the group order n, with the one mixed product the prover
/// needs; everything else is done by libsecp256k1 on points.
enum Scalar {
    static let zero = [UInt8](repeating: 0, count: 32)
    /// n, big-endian.
    static let order = RecoverableSignature.order

    static func isZero(_ x: [UInt8]) -> Bool { x.allSatisfy { $0 == 0 } }

    /// Big-endian a < n for 32 bytes.
    static func isBelowOrder(_ a: some Collection<UInt8>) -> Bool { a.lexicographicallyPrecedes(order) }

    /// A 256-bit value reduced modulo n. One subtraction is enough: n > 2^255, so any 256-bit
    /// value is below 2n. (RFC 6979's bits2octets.)
    static func reduced(_ a: [UInt8]) -> [UInt8] {
        guard !isBelowOrder(a) else { return a }
        var out = a
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            let d = Int(a[i]) - Int(order[i]) - borrow
            out[i] = UInt8((d + 256) & 0xff)
            borrow = d < 0 ? 1 : 0
        }
        return out
    }

    /// k + c·x mod n for scalars k, x in [1, n−1] and c in [0, n−1]. libsecp256k1 refuses a zero
    /// tweak and a zero result, so both are handled here: c = 0 gives k, and a refused addition
    /// of two valid keys means the sum is n, i.e. 0.
    static func mulAdd(_ k: [UInt8], _ c: [UInt8], _ x: [UInt8]) -> [UInt8] {
        guard !isZero(c) else { return k }
        var s = k
        guard secp256k1_ec_seckey_tweak_add(Secp256k1Context.shared.pointer, &s, product(c, x)) == 1 else { return zero }
        return s
    }

    /// c·x mod n for c and x in [1, n−1]; nonzero because n is prime.
    static func product(_ c: [UInt8], _ x: [UInt8]) -> [UInt8] {
        var cx = x
        let ok = secp256k1_ec_seckey_tweak_mul(Secp256k1Context.shared.pointer, &cx, c)
        precondition(ok == 1, "both factors are valid nonzero scalars")
        return cx
    }
}
