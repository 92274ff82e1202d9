import CSecp256k1
import Crypto

/// A BIP-32 extended private key on secp256k1. Cairn derives account keys at BIP-44's
/// Ethereum path m/44'/60'/0'/0/i so the same mnemonic gives the same addresses as common
/// Ethereum wallets.
public struct HDKey: Sendable, Equatable {
    public let privateKey: PrivateKey
    public let chainCode: [UInt8]
    /// 0 for the master key.
    public let depth: UInt8

    public static let hardenedOffset: UInt32 = 0x8000_0000

    /// The master key: HMAC-SHA512(key: "Bitcoin seed", seed) split into key ‖ chain code.
    public init(seed: [UInt8]) throws(CryptoError) {
        guard (16...64).contains(seed.count) else { throw .invalidSeedLength(seed.count) }
        let i = Array(HMAC<SHA512>.authenticationCode(for: seed, using: SymmetricKey(data: Array("Bitcoin seed".utf8))))
        guard let key = try? PrivateKey(bytes: Array(i[0..<32])) else { throw .unusableSeed }
        self.init(privateKey: key, chainCode: Array(i[32..<64]), depth: 0)
    }

    private init(privateKey: PrivateKey, chainCode: [UInt8], depth: UInt8) {
        self.privateKey = privateKey
        self.chainCode = chainCode
        self.depth = depth
    }

    public var publicKey: PublicKey { privateKey.publicKey }

    /// CKDpriv: indices ≥ 2^31 are hardened (HMAC over 0x00 ‖ k), others use the compressed
    /// public key; the child key is parse256(IL) + k mod n.
    public func child(_ index: UInt32) throws(CryptoError) -> HDKey {
        var data = index >= Self.hardenedOffset ? [0] + privateKey.bytes : publicKey.compressed
        data += [UInt8(index >> 24), UInt8(truncatingIfNeeded: index >> 16),
                 UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)]
        let i = Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: chainCode)))
        var key = privateKey.bytes
        let tweak = Array(i[0..<32])
        // Fails exactly when IL ≥ n or the sum is zero: BIP-32's "invalid child" case.
        guard secp256k1_ec_seckey_tweak_add(Secp256k1Context.shared.pointer, &key, tweak) == 1,
              let childKey = try? PrivateKey(bytes: key) else {
            throw .unusableChildKey(index: index)
        }
        return HDKey(privateKey: childKey, chainCode: Array(i[32..<64]), depth: depth &+ 1)
    }

    /// Derives a path such as "m/44'/60'/0'/0/0" from this key, which must be the master key.
    public func derive(path: String) throws(CryptoError) -> HDKey {
        let indices = try Self.parse(path: path)
        guard depth == 0 else { throw .invalidDerivationPath(path, reason: "paths starting at m need the master key") }
        var key = self
        for index in indices { key = try key.child(index) }
        return key
    }

    /// "m" then "/"-separated indices below 2^31, each optionally followed by ' or h (hardened).
    public static func parse(path: String) throws(CryptoError) -> [UInt32] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.first == "m" else { throw .invalidDerivationPath(path, reason: "must start with m") }
        guard parts.count <= 256 else { throw .invalidDerivationPath(path, reason: "deeper than 255 levels") }
        var indices: [UInt32] = []
        for part in parts.dropFirst() {
            var digits = part
            var hardened = false
            if let last = digits.last, last == "'" || last == "h" || last == "H" {
                hardened = true
                digits = digits.dropLast()
            }
            guard !digits.isEmpty, digits.count <= 10, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = UInt64(digits), value < UInt64(hardenedOffset) else {
                throw .invalidDerivationPath(path, reason: "'\(part)' is not an index below 2^31 with optional ' or h")
            }
            indices.append(UInt32(value) | (hardened ? hardenedOffset : 0))
        }
        return indices
    }

    /// BIP-44 Ethereum account path: m/44'/60'/0'/0/index.
    public static func ethereumPath(index: UInt32) -> String { "m/44'/60'/0'/0/\(index)" }
}
