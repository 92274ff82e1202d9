/// Everything that can be wrong with keys, signatures, addresses, mnemonics and derivation paths.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    case invalidHex(Hex.Error)
    case invalidPrivateKeyLength(Int)
    /// Zero or not below the group order n.
    case invalidPrivateKey
    case invalidPublicKey(length: Int)
    case signatureWrongLength(Int)
    case recoveryIDOutOfRange(UInt8)
    /// r or s is zero or not below n.
    case signatureScalarOutOfRange
    case highS
    case signatureDoesNotRecover
    case addressWrongLength(Int)
    case invalidAddressChecksum(String)
    case invalidMnemonicLength(Int)
    case invalidMnemonicWord(String, position: Int)
    case invalidMnemonicChecksum
    case invalidEntropyLength(Int)
    case invalidSeedLength(Int)
    case invalidDerivationPath(String, reason: String)
    /// BIP-32's "proceed with the next index" case (probability below 2^-127).
    case unusableChildKey(index: UInt32)
    /// The seed's HMAC gives an invalid master key (probability below 2^-127).
    case unusableSeed

    public var description: String {
        switch self {
        case .invalidHex(let e): "invalid hex: \(e)"
        case .invalidPrivateKeyLength(let n): "private key must be 32 bytes, got \(n)"
        case .invalidPrivateKey: "private key is zero or not below the secp256k1 group order"
        case .invalidPublicKey(let n):
            "invalid public key: \(n) bytes that are not a secp256k1 point in 33-byte compressed or 65-byte uncompressed form"
        case .signatureWrongLength(let n): "signature must be 65 bytes (r‖s‖v), got \(n)"
        case .recoveryIDOutOfRange(let v): "signature recovery id v must be 0 or 1, got \(v)"
        case .signatureScalarOutOfRange: "signature r or s is zero or not below the secp256k1 group order"
        case .highS: "signature has a high S value (s > n/2); only low-S signatures are accepted"
        case .signatureDoesNotRecover: "signature does not recover to a public key for this digest"
        case .addressWrongLength(let n): "address must be 40 hex digits (20 bytes), got \(n) digits"
        case .invalidAddressChecksum(let s):
            "address \(s) mixes upper and lower case but its EIP-55 checksum is wrong (mistyped address?)"
        case .invalidMnemonicLength(let n): "mnemonic must have 12, 15, 18, 21 or 24 words, got \(n)"
        case .invalidMnemonicWord(let w, let i): "mnemonic word \(i + 1) '\(w)' is not in the BIP-39 English word list"
        case .invalidMnemonicChecksum: "mnemonic checksum is wrong (a word is mistyped or out of order)"
        case .invalidEntropyLength(let n): "mnemonic entropy must be 16, 20, 24, 28 or 32 bytes, got \(n)"
        case .invalidSeedLength(let n): "BIP-32 seed must be 16 to 64 bytes, got \(n)"
        case .invalidDerivationPath(let p, let reason): "invalid derivation path '\(p)': \(reason)"
        case .unusableChildKey(let i): "BIP-32 child \(i) gives an invalid key; use the next index"
        case .unusableSeed: "BIP-32 seed gives an invalid master key; use another seed"
        }
    }
}
