import Crypto

/// A second ECVRF, written from Specs/depin/randomness.md §2 and RFC 9381 without the production
/// code or libsecp256k1: 256-bit integers, Montgomery arithmetic modulo p and n, Jacobian points.
/// It is generic over the curve so that it can also reproduce RFC 9381's own P-256 vectors, which
/// checks the construction itself and not just agreement between two programs of one author.
/// Slow (milliseconds per scalar multiplication) and not constant-time: for tests only.
enum ReferenceModel {
    // MARK: 256-bit integers

    /// Four 64-bit limbs, least significant first.
    struct U256: Equatable, Comparable {
        var limbs: [UInt64]

        init(limbs: [UInt64]) {
            precondition(limbs.count == 4)
            self.limbs = limbs
        }

        static let zero = U256(limbs: [0, 0, 0, 0])
        static let one = U256(limbs: [1, 0, 0, 0])

        /// 32 big-endian bytes.
        init(bytes: [UInt8]) {
            precondition(bytes.count == 32)
            var limbs = [UInt64](repeating: 0, count: 4)
            for (i, byte) in bytes.enumerated() {
                let fromLow = 31 - i
                limbs[fromLow / 8] |= UInt64(byte) << (8 * UInt64(fromLow % 8))
            }
            self.limbs = limbs
        }

        init(hex: String) {
            let digits = Array(hex.utf8)
            precondition(digits.count == 64)
            var bytes = [UInt8]()
            for i in stride(from: 0, to: 64, by: 2) { bytes.append(UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16)!) }
            self.init(bytes: bytes)
        }

        var bytes: [UInt8] {
            (0..<32).map { i in
                let fromLow = 31 - i
                return UInt8(truncatingIfNeeded: limbs[fromLow / 8] >> (8 * UInt64(fromLow % 8)))
            }
        }

        var isZero: Bool { limbs.allSatisfy { $0 == 0 } }
        var isOdd: Bool { limbs[0] & 1 == 1 }
        func bit(_ i: Int) -> Bool { (limbs[i / 64] >> UInt64(i % 64)) & 1 == 1 }

        static func < (a: U256, b: U256) -> Bool {
            for i in stride(from: 3, through: 0, by: -1) where a.limbs[i] != b.limbs[i] { return a.limbs[i] < b.limbs[i] }
            return false
        }

        /// a + b mod 2^256 and the carry out.
        static func adding(_ a: U256, _ b: U256) -> (U256, Bool) { limbwise(a, b) { $0.addingReportingOverflow($1) } }

        /// a − b mod 2^256 and the borrow out.
        static func subtracting(_ a: U256, _ b: U256) -> (U256, Bool) { limbwise(a, b) { $0.subtractingReportingOverflow($1) } }

        /// Limb by limb from the lowest, passing the carry (or borrow) up.
        private static func limbwise(_ a: U256, _ b: U256,
                                     _ op: (UInt64, UInt64) -> (partialValue: UInt64, overflow: Bool)) -> (U256, Bool) {
            var out = [UInt64](repeating: 0, count: 4)
            var carry: UInt64 = 0
            for i in 0..<4 {
                let (r1, o1) = op(a.limbs[i], b.limbs[i])
                let (r2, o2) = op(r1, carry)
                out[i] = r2
                carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
            }
            return (U256(limbs: out), carry != 0)
        }

        func shiftedRight(by n: Int) -> U256 {
            precondition(n > 0 && n < 64)
            var out = limbs
            for i in 0..<4 {
                out[i] = limbs[i] >> UInt64(n) | (i < 3 ? limbs[i + 1] << UInt64(64 - n) : 0)
            }
            return U256(limbs: out)
        }
    }

    // MARK: Arithmetic modulo an odd m > 2^255

    /// Residues are kept in Montgomery form a·2^256 mod m, so a product needs no division.
    struct Modulus {
        let m: U256
        /// −m^(−1) mod 2^64.
        let mInverse: UInt64
        /// 2^512 mod m, to enter Montgomery form.
        let rSquared: U256

        init(_ m: U256) {
            precondition(m.isOdd && m.bit(255), "the reductions below assume an odd m above 2^255")
            self.m = m
            var inverse: UInt64 = 1
            for _ in 0..<7 { inverse = inverse &* (2 &- m.limbs[0] &* inverse) }  // Newton: doubles the correct bits
            mInverse = 0 &- inverse
            // 2^256 mod m = 2^256 − m, since m < 2^256 < 2m; then 256 doublings give 2^512 mod m.
            let adder = Modulus(m: m, mInverse: 0 &- inverse, rSquared: .zero)
            var r = U256.subtracting(.zero, m).0
            for _ in 0..<256 { r = adder.add(r, r) }
            rSquared = r
        }

        private init(m: U256, mInverse: UInt64, rSquared: U256) {
            self.m = m
            self.mInverse = mInverse
            self.rSquared = rSquared
        }

        /// Any 256-bit value modulo m: below 2m, so one subtraction.
        func reduce(_ a: U256) -> U256 { a < m ? a : U256.subtracting(a, m).0 }

        func add(_ a: U256, _ b: U256) -> U256 {
            let (sum, carry) = U256.adding(a, b)
            return carry || !(sum < m) ? U256.subtracting(sum, m).0 : sum
        }

        func subtract(_ a: U256, _ b: U256) -> U256 {
            let (difference, borrow) = U256.subtracting(a, b)
            return borrow ? U256.adding(difference, m).0 : difference
        }

        func negate(_ a: U256) -> U256 { subtract(.zero, a) }

        /// a·b·2^(−256) mod m (CIOS Montgomery multiplication).
        func multiply(_ a: U256, _ b: U256) -> U256 {
            var t = [UInt64](repeating: 0, count: 6)
            for i in 0..<4 {
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let (high, low) = a.limbs[j].multipliedFullWidth(by: b.limbs[i])
                    let (s1, o1) = t[j].addingReportingOverflow(low)
                    let (s2, o2) = s1.addingReportingOverflow(carry)
                    t[j] = s2
                    carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                let (s, o) = t[4].addingReportingOverflow(carry)
                t[4] = s
                t[5] = o ? 1 : 0
                // Add q·m with q chosen so that the lowest limb becomes 0, then drop that limb.
                let q = t[0] &* mInverse
                let (high0, low0) = q.multipliedFullWidth(by: m.limbs[0])
                carry = high0 &+ (t[0].addingReportingOverflow(low0).overflow ? 1 : 0)
                for j in 1..<4 {
                    let (high, low) = q.multipliedFullWidth(by: m.limbs[j])
                    let (s1, o1) = t[j].addingReportingOverflow(low)
                    let (s2, o2) = s1.addingReportingOverflow(carry)
                    t[j - 1] = s2
                    carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                let (s3, o3) = t[4].addingReportingOverflow(carry)
                t[3] = s3
                t[4] = t[5] &+ (o3 ? 1 : 0)
            }
            let result = U256(limbs: Array(t[0..<4]))
            return t[4] != 0 || !(result < m) ? U256.subtracting(result, m).0 : result
        }

        func enter(_ a: U256) -> U256 { multiply(reduce(a), rSquared) }
        func leave(_ a: U256) -> U256 { multiply(a, .one) }
        var oneResidue: U256 { enter(.one) }

        /// base^exponent, base in Montgomery form, exponent an ordinary integer.
        func power(_ base: U256, _ exponent: U256) -> U256 {
            var result = oneResidue
            for i in stride(from: 255, through: 0, by: -1) {
                result = multiply(result, result)
                if exponent.bit(i) { result = multiply(result, base) }
            }
            return result
        }

        /// a^(m−2): the inverse for a prime m (Fermat).
        func inverse(_ a: U256) -> U256 { power(a, U256.subtracting(m, U256(limbs: [2, 0, 0, 0])).0) }
    }

    // MARK: Curves y² = x³ + a·x + b over F_p with a prime-order group (cofactor 1)

    struct Curve {
        let suiteString: UInt8
        let p: Modulus
        let n: Modulus
        /// a and b in Montgomery form modulo p.
        let a: U256
        let b: U256
        let generator: Point

        init(suiteString: UInt8, p: String, n: String, a: String, b: String, gx: String, gy: String) {
            self.suiteString = suiteString
            self.p = Modulus(U256(hex: p))
            self.n = Modulus(U256(hex: n))
            self.a = self.p.enter(U256(hex: a))
            self.b = self.p.enter(U256(hex: b))
            generator = Point(x: self.p.enter(U256(hex: gx)), y: self.p.enter(U256(hex: gy)), z: self.p.oneResidue)
        }

        /// ECVRF-SECP256K1-SHA256-TAI.
        static let secp256k1 = Curve(
            suiteString: 0xFE,
            p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
            n: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            a: "0000000000000000000000000000000000000000000000000000000000000000",
            b: "0000000000000000000000000000000000000000000000000000000000000007",
            gx: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
            gy: "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")

        /// ECVRF-P256-SHA256-TAI (RFC 9381 §5.5), only to replay the RFC's own vectors.
        static let p256 = Curve(
            suiteString: 0x01,
            p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
            n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
            a: "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
            b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
            gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
            gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")

        // Jacobian coordinates (X, Y, Z) for (X/Z², Y/Z³); Z = 0 is the point at infinity.
        struct Point {
            var x: U256
            var y: U256
            var z: U256
            var isInfinity: Bool { z.isZero }
        }

        var infinity: Point { Point(x: p.oneResidue, y: p.oneResidue, z: .zero) }

        func double(_ q: Point) -> Point {
            if q.isInfinity || q.y.isZero { return infinity }
            let y2 = p.multiply(q.y, q.y)
            let s = times4(p.multiply(q.x, y2))  // 4·X·Y²
            let z2 = p.multiply(q.z, q.z)
            let x2 = p.multiply(q.x, q.x)
            let m = p.add(p.add(p.add(x2, x2), x2), p.multiply(a, p.multiply(z2, z2)))  // 3·X² + a·Z⁴
            let x3 = p.subtract(p.multiply(m, m), p.add(s, s))
            let y4 = times4(p.multiply(y2, y2))
            let y3 = p.subtract(p.multiply(m, p.subtract(s, x3)), p.add(y4, y4))  // M·(S − X') − 8·Y⁴
            let z3 = p.multiply(p.add(q.y, q.y), q.z)
            return Point(x: x3, y: y3, z: z3)
        }

        private func times4(_ t: U256) -> U256 {
            let twice = p.add(t, t)
            return p.add(twice, twice)
        }

        func add(_ q: Point, _ r: Point) -> Point {
            if q.isInfinity { return r }
            if r.isInfinity { return q }
            let qz2 = p.multiply(q.z, q.z), rz2 = p.multiply(r.z, r.z)
            let u1 = p.multiply(q.x, rz2), u2 = p.multiply(r.x, qz2)
            let s1 = p.multiply(q.y, p.multiply(rz2, r.z)), s2 = p.multiply(r.y, p.multiply(qz2, q.z))
            if u1 == u2 { return s1 == s2 ? double(q) : infinity }
            let h = p.subtract(u2, u1), rr = p.subtract(s2, s1)
            let h2 = p.multiply(h, h), h3 = p.multiply(h2, h)
            let u1h2 = p.multiply(u1, h2)
            let x3 = p.subtract(p.subtract(p.multiply(rr, rr), h3), p.add(u1h2, u1h2))
            let y3 = p.subtract(p.multiply(rr, p.subtract(u1h2, x3)), p.multiply(s1, h3))
            let z3 = p.multiply(h, p.multiply(q.z, r.z))
            return Point(x: x3, y: y3, z: z3)
        }

        func negate(_ q: Point) -> Point { Point(x: q.x, y: p.negate(q.y), z: q.z) }

        /// k·q by double-and-add from the top bit; k is an ordinary integer.
        func multiply(_ q: Point, by k: U256) -> Point {
            var result = infinity
            for i in stride(from: 255, through: 0, by: -1) {
                result = double(result)
                if k.bit(i) { result = add(result, q) }
            }
            return result
        }

        /// SEC1 compressed point_to_string; nil for the infinity, which has no 33-byte form.
        func encode(_ q: Point) -> [UInt8]? {
            if q.isInfinity { return nil }
            let zInverse = p.inverse(q.z)
            let zInverse2 = p.multiply(zInverse, zInverse)
            let x = p.leave(p.multiply(q.x, zInverse2))
            let y = p.leave(p.multiply(q.y, p.multiply(zInverse2, zInverse)))
            return [y.isOdd ? 0x03 : 0x02] + x.bytes
        }

        /// SEC1 string_to_point for 33 compressed bytes: prefix 2 or 3, x < p, x³ + a·x + b a square.
        func decode(_ bytes: [UInt8]) -> Point? {
            guard bytes.count == 33, bytes[0] == 0x02 || bytes[0] == 0x03 else { return nil }
            let xInteger = U256(bytes: Array(bytes[1...]))
            guard xInteger < p.m else { return nil }
            let x = p.enter(xInteger)
            let rhs = p.add(p.add(p.multiply(p.multiply(x, x), x), p.multiply(a, x)), b)
            // p ≡ 3 (mod 4) for both curves, so a square root of a square c is c^((p+1)/4).
            let exponent = U256.adding(p.m, .one).0.shiftedRight(by: 2)
            var y = p.power(rhs, exponent)
            guard p.multiply(y, y) == rhs else { return nil }
            if p.leave(y).isOdd != (bytes[0] == 0x03) {
                guard !y.isZero else { return nil }
                y = p.negate(y)
            }
            return Point(x: x, y: y, z: p.oneResidue)
        }
    }

    // MARK: The VRF (Specs/depin/randomness.md §2; RFC 9381 §5 with the TAI suites)

    static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return Array(hasher.finalize())
    }

    static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Everything a proof computes, for comparison field by field.
    struct Proof: Equatable {
        var publicKey: [UInt8]
        var counter: Int
        var h: [UInt8]
        var k: [UInt8]
        var gamma: [UInt8]
        var u: [UInt8]
        var v: [UInt8]
        var c: [UInt8]
        var s: [UInt8]
        var pi: [UInt8]
        var beta: [UInt8]
    }

    /// Why the model rejects a proof; the names are the spec's (randomness.md §2.6).
    enum Failure: String, Error {
        case invalidPublicKey = "invalid_public_key"
        case wrongLength = "wrong_length"
        case gammaNotOnCurve = "gamma_not_on_curve"
        case sNotBelowN = "s_not_below_n"
        case uOrVInfinity = "u_or_v_infinity"
        case challengeMismatch = "challenge_mismatch"
        case noCurvePoint = "no_curve_point"
    }

    struct VRF {
        let curve: Curve

        /// ECVRF_encode_to_curve_try_and_increment with encode_to_curve_salt = PK_string.
        func encodeToCurve(salt: [UInt8], alpha: [UInt8]) -> (counter: Int, point: Curve.Point)? {
            for counter in 0..<256 {
                let hash = sha256([curve.suiteString, 0x01], salt, alpha, [UInt8(counter)], [0x00])
                if let point = curve.decode([0x02] + hash) { return (counter, point) }  // interpret_hash_value_as_a_point
            }
            return nil
        }

        /// RFC 6979 §3.2 with HMAC-SHA256, x the secret scalar and h1 = SHA-256(h_string); qlen = hlen = 256.
        func nonce(x: U256, hString: [UInt8]) -> U256 {
            let h1 = U256(bytes: sha256(hString))
            let seed = x.bytes + curve.n.reduce(h1).bytes  // int2octets(x) ‖ bits2octets(h1)
            var v = [UInt8](repeating: 0x01, count: 32)  // step b
            var k = [UInt8](repeating: 0x00, count: 32)  // step c
            k = hmacSHA256(key: k, v + [0x00] + seed)  // step d
            v = hmacSHA256(key: k, v)  // step e
            k = hmacSHA256(key: k, v + [0x01] + seed)  // step f
            v = hmacSHA256(key: k, v)  // step g
            while true {  // step h
                v = hmacSHA256(key: k, v)
                let candidate = U256(bytes: v)
                if !candidate.isZero && candidate < curve.n.m { return candidate }
                k = hmacSHA256(key: k, v + [0x00])
                v = hmacSHA256(key: k, v)
            }
        }

        /// ECVRF_challenge_generation: first cLen = 16 bytes of Hash(suite ‖ 0x02 ‖ P1…P5 ‖ 0x00).
        func challenge(_ points: [[UInt8]]) -> [UInt8] {
            Array(sha256([curve.suiteString, 0x02], points.flatMap { $0 }, [0x00]).prefix(16))
        }

        /// ECVRF_proof_to_hash of Γ's string (the cofactor is 1).
        func proofToHash(gamma: [UInt8]) -> [UInt8] {
            sha256([curve.suiteString, 0x03], gamma, [0x00])
        }

        func publicKey(secretKey: [UInt8]) -> [UInt8] {
            curve.encode(curve.multiply(curve.generator, by: U256(bytes: secretKey)))!
        }

        /// ECVRF_prove.
        func prove(secretKey: [UInt8], alpha: [UInt8]) -> Proof {
            let x = U256(bytes: secretKey)
            let y = publicKey(secretKey: secretKey)
            let (counter, h) = encodeToCurve(salt: y, alpha: alpha)!
            let hString = curve.encode(h)!
            let gamma = curve.encode(curve.multiply(h, by: x))!
            let k = nonce(x: x, hString: hString)
            let u = curve.encode(curve.multiply(curve.generator, by: k))!
            let v = curve.encode(curve.multiply(h, by: k))!
            let c = challenge([y, hString, gamma, u, v])
            let n = curve.n
            let cInteger = U256(bytes: [UInt8](repeating: 0, count: 16) + c)
            let s = n.leave(n.add(n.enter(k), n.multiply(n.enter(cInteger), n.enter(x))))  // (k + c·x) mod n
            let pi = gamma + c + s.bytes
            return Proof(publicKey: y, counter: counter, h: hString, k: k.bytes, gamma: gamma, u: u, v: v, c: c,
                         s: s.bytes, pi: pi, beta: proofToHash(gamma: gamma))
        }

        /// ECVRF_verify with validate_key; `salt` is PK_string unless a caller replays another
        /// library's variant. Returns beta.
        func verify(publicKey: [UInt8], alpha: [UInt8], pi: [UInt8], salt: [UInt8]? = nil) -> Result<[UInt8], Failure> {
            guard let y = curve.decode(publicKey) else { return .failure(.invalidPublicKey) }  // never the infinity
            guard pi.count == 33 + 16 + 32 else { return .failure(.wrongLength) }
            let gammaString = Array(pi[0..<33])
            guard let gamma = curve.decode(gammaString) else { return .failure(.gammaNotOnCurve) }
            let c = U256(bytes: [UInt8](repeating: 0, count: 16) + pi[33..<49])
            let s = U256(bytes: Array(pi[49..<81]))
            guard s < curve.n.m else { return .failure(.sNotBelowN) }
            guard let h = encodeToCurve(salt: salt ?? publicKey, alpha: alpha)?.point else { return .failure(.noCurvePoint) }
            let u = curve.add(curve.multiply(curve.generator, by: s), curve.negate(curve.multiply(y, by: c)))
            let v = curve.add(curve.multiply(h, by: s), curve.negate(curve.multiply(gamma, by: c)))
            guard let uString = curve.encode(u), let vString = curve.encode(v) else { return .failure(.uOrVInfinity) }
            guard challenge([publicKey, curve.encode(h)!, gammaString, uString, vString]) == Array(pi[33..<49]) else {
                return .failure(.challengeMismatch)
            }
            return .success(proofToHash(gamma: gammaString))
        }
    }
}
