import CSecp256k1

/// A recoverable ECDSA signature: 65 bytes r ‖ s ‖ v, r and s big-endian, v ∈ {0, 1}.
/// Only the low-S form (s ≤ n/2) is valid, so a signature cannot be malleated into a second
/// valid encoding (EIP-2); libsecp256k1's recovery does not check this itself.
public struct RecoverableSignature: Sendable, Hashable {
    public let bytes: [UInt8]

    /// The secp256k1 group order n, big-endian.
    static let order: [UInt8] = Hex.unsafeDecode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
    /// floor(n / 2), big-endian: the largest allowed s.
    static let halfOrder: [UInt8] = Hex.unsafeDecode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 65 else { throw .signatureWrongLength(bytes.count) }
        guard bytes[64] <= 1 else { throw .recoveryIDOutOfRange(bytes[64]) }
        let r = bytes[0..<32], s = bytes[32..<64]
        guard !Self.isZero(r), Self.less(r, Self.order), !Self.isZero(s), Self.less(s, Self.order) else {
            throw .signatureScalarOutOfRange
        }
        guard !Self.less(Self.halfOrder[...], s) else { throw .highS }
        self.bytes = bytes
    }

    /// For signatures libsecp256k1 just produced, which satisfy the rules by construction.
    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses `0x`-prefixed or bare hex of 65 bytes.
    public init(hex: String) throws(CryptoError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex) } catch { throw .invalidHex(error) }
        try self.init(bytes: bytes)
    }

    public var r: ArraySlice<UInt8> { bytes[0..<32] }
    public var s: ArraySlice<UInt8> { bytes[32..<64] }
    public var v: UInt8 { bytes[64] }
    /// `0x`-prefixed lower-case hex of the 65 bytes.
    public var hex: String { Hex.prefixed(bytes) }

    /// The public key whose private key signed `digest`.
    public func recoverPublicKey(digest: Hash32) throws(CryptoError) -> PublicKey {
        PublicKey(try recover(digest))
    }

    /// The signer's address. Hashes the recovered key from a stack buffer, so the only heap
    /// allocation is the address itself; this runs for every transaction.
    public func recoverAddress(digest: Hash32) throws(CryptoError) -> Address {
        var pubkey = try recover(digest)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65 + 32) { buffer in
            var length = 65
            secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, buffer.baseAddress!, &length, &pubkey,
                                          UInt32(SECP256K1_EC_UNCOMPRESSED))
            let raw = UnsafeMutableRawBufferPointer(buffer)
            Keccak256.hash(UnsafeRawBufferPointer(rebasing: raw[1..<65]), into: UnsafeMutableRawBufferPointer(rebasing: raw[65...]))
            return Address(unchecked: Array(buffer[(65 + 12)...]))
        }
    }

    private func recover(_ digest: Hash32) throws(CryptoError) -> secp256k1_pubkey {
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &signature, bytes, Int32(bytes[64])) == 1 else {
            throw .signatureScalarOutOfRange
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &pubkey, &signature, digest.bytes) == 1 else {
            throw .signatureDoesNotRecover
        }
        return pubkey
    }

    private static func isZero(_ x: ArraySlice<UInt8>) -> Bool { x.allSatisfy { $0 == 0 } }

    /// Big-endian comparison of equal-length byte strings.
    private static func less(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
    private static func less(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool { a.lexicographicallyPrecedes(b) }
}

extension Hex {
    /// Decodes a hex constant written in this file.
    fileprivate static func unsafeDecode(_ string: String) -> [UInt8] {
        do { return try decode(string) } catch { fatalError("bad hex constant \(string): \(error)") }
    }
}
