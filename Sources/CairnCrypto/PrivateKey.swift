import CSecp256k1

/// A secp256k1 secret key: 32 big-endian bytes encoding a scalar in [1, n-1].
public struct PrivateKey: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 32 else { throw .invalidPrivateKeyLength(bytes.count) }
        guard secp256k1_ec_seckey_verify(Secp256k1Context.shared.pointer, bytes) == 1 else {
            throw .invalidPrivateKey
        }
        self.bytes = bytes
    }

    /// Parses `0x`-prefixed or bare hex of 32 bytes.
    public init(hex: String) throws(CryptoError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex) } catch { throw .invalidHex(error) }
        try self.init(bytes: bytes)
    }

    /// A fresh key from the system CSPRNG (getrandom on Linux). Rejection sampling: a random
    /// 32-byte string is invalid with probability about 2^-128.
    public static func generate() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            let candidate = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            if let key = try? PrivateKey(bytes: candidate) { return key }
        }
    }

    /// Computed on each use (one scalar multiplication, about 20 µs): cache it if needed often.
    public var publicKey: PublicKey {
        var pubkey = secp256k1_pubkey()
        let ok = secp256k1_ec_pubkey_create(Secp256k1Context.shared.pointer, &pubkey, bytes)
        precondition(ok == 1, "a verified secret key always has a public key")
        return PublicKey(pubkey)
    }

    public var address: Address { publicKey.address }

    /// ECDSA over secp256k1 with an RFC 6979 deterministic nonce; libsecp256k1 always returns
    /// the low-S form, so the result satisfies `RecoverableSignature`'s rules.
    public func sign(digest: Hash32) -> RecoverableSignature {
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        let ok = secp256k1_ecdsa_sign_recoverable(context, &signature, digest.bytes, bytes, nil, nil)
        precondition(ok == 1, "signing with a verified secret key cannot fail")
        var recid: Int32 = 0
        let out = [UInt8](unsafeUninitializedCapacity: 65) { buffer, count in
            secp256k1_ecdsa_recoverable_signature_serialize_compact(context, buffer.baseAddress!, &recid, &signature)
            buffer[64] = UInt8(recid)
            count = 65
        }
        return RecoverableSignature(unchecked: out)
    }

    /// Constant-time, so comparing keys leaks nothing through timing.
    public static func == (a: PrivateKey, b: PrivateKey) -> Bool {
        var diff: UInt8 = 0
        for i in 0..<32 { diff |= a.bytes[i] ^ b.bytes[i] }
        return diff == 0
    }

    /// Never prints the secret, so keys do not leak into logs.
    public var description: String { "PrivateKey(<redacted>)" }
}
