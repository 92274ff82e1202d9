import CSecp256k1

/// A secp256k1 public key, stored uncompressed (0x04 ‖ X ‖ Y, 65 bytes).
public struct PublicKey: Sendable, Hashable {
    public let uncompressed: [UInt8]

    /// Parses a 33-byte compressed or 65-byte uncompressed SEC1 key; libsecp256k1 checks that
    /// the point is on the curve.
    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 33 || bytes.count == 65 else { throw .invalidPublicKey(length: bytes.count) }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &pubkey, bytes, bytes.count) == 1 else {
            throw .invalidPublicKey(length: bytes.count)
        }
        self.init(pubkey)
    }

    init(_ pubkey: secp256k1_pubkey) {
        var pubkey = pubkey
        uncompressed = [UInt8](unsafeUninitializedCapacity: 65) { buffer, count in
            var length = 65
            secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, buffer.baseAddress!, &length, &pubkey,
                                          UInt32(SECP256K1_EC_UNCOMPRESSED))
            count = 65
        }
    }

    /// SEC1 compressed form: 0x02 (even Y) or 0x03 (odd Y), then X.
    public var compressed: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 33) { buffer, count in
            buffer[0] = 0x02 | (uncompressed[64] & 1)
            for i in 1...32 { buffer[i] = uncompressed[i] }
            count = 33
        }
    }

    public var address: Address { Address(publicKey: self) }

    /// `0x`-prefixed lower-case hex of the compressed form.
    public var hex: String { Hex.prefixed(compressed) }
}
