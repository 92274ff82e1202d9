import CairnCrypto
import Crypto

/// The first bytes each side sends: `"cairnp2p"` (8 ASCII bytes) ‖ protocol version (u32 big
/// endian) ‖ a fresh X25519 ephemeral public key (32 bytes). Fixed size, so it needs no framing.
struct Hello: Equatable {
    static let magic: [UInt8] = Array("cairnp2p".utf8)
    static let version: UInt32 = 1
    static let size = 8 + 4 + 32

    let ephemeralKey: [UInt8]

    var bytes: [UInt8] {
        Self.magic + withUnsafeBytes(of: Self.version.bigEndian, Array.init) + ephemeralKey
    }

    init(ephemeralKey: [UInt8]) { self.ephemeralKey = ephemeralKey }

    init(bytes: [UInt8]) throws(HandshakeError) {
        guard bytes.count == Self.size, Array(bytes[0..<8]) == Self.magic else { throw .badHello("wrong magic bytes") }
        let version = bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard version == Self.version else { throw .badHello("unsupported protocol version \(version)") }
        ephemeralKey = Array(bytes[12...])
    }
}

/// What both sides derive from the two ephemeral keys (Specs/p2p.md §3): one ChaCha20-Poly1305 key
/// per direction and the challenge both identities sign.
struct HandshakeKeys: Equatable {
    static let transcriptLabel: [UInt8] = Array("cairn-p2p/v1/transcript".utf8)
    static let hkdfInfo: [UInt8] = Array("cairn-p2p/v1/keys".utf8)

    /// The sorted ephemeral keys; the side whose key is `lo` sends with `loToHiKey`.
    let lo: [UInt8]
    let hi: [UInt8]
    let sharedSecret: [UInt8]
    let transcriptHash: [UInt8]
    let loToHiKey: [UInt8]
    let hiToLoKey: [UInt8]
    let challenge: [UInt8]
    /// Whether our ephemeral key is `lo`.
    let weAreLo: Bool

    var sendKey: [UInt8] { weAreLo ? loToHiKey : hiToLoKey }
    var receiveKey: [UInt8] { weAreLo ? hiToLoKey : loToHiKey }

    init(ours: Curve25519.KeyAgreement.PrivateKey, theirs peerKey: [UInt8]) throws(HandshakeError) {
        let own = Array(ours.publicKey.rawRepresentation)
        guard peerKey.count == 32, let peer = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: peerKey) else {
            throw .badHello("the ephemeral key is not 32 bytes")
        }
        guard own != peerKey else { throw .badHello("the peer echoed our own ephemeral key") }
        guard let secret = try? ours.sharedSecretFromKeyAgreement(with: peer) else {
            throw .badHello("the ephemeral key is a low-order point")
        }
        // A low-order point gives the all-zero secret (swift-crypto does not reject it), which
        // would let a man in the middle fix the session keys.
        sharedSecret = secret.withUnsafeBytes { Array($0) }
        guard sharedSecret.contains(where: { $0 != 0 }) else { throw .badHello("the ephemeral key is a low-order point") }
        weAreLo = own.lexicographicallyPrecedes(peerKey)
        (lo, hi) = weAreLo ? (own, peerKey) : (peerKey, own)
        transcriptHash = Array(SHA256.hash(data: Self.transcriptLabel + lo + hi))
        let okm = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: sharedSecret), salt: transcriptHash,
                                         info: Self.hkdfInfo, outputByteCount: 96)
            .withUnsafeBytes { Array($0) }
        loToHiKey = Array(okm[0..<32])
        hiToLoKey = Array(okm[32..<64])
        challenge = Array(okm[64..<96])
    }
}

/// The first encrypted frame in each direction: the sender's Ed25519 identity public key (32
/// bytes) ‖ its signature over the handshake challenge (64 bytes).
struct AuthMessage {
    static let size = 32 + 64
    let publicKey: Curve25519.Signing.PublicKey
    let signature: [UInt8]

    init(identity: NodeIdentity, challenge: [UInt8]) throws(HandshakeError) {
        publicKey = identity.publicKey
        guard let signature = try? identity.privateKey.signature(for: challenge) else { throw .signingFailed }
        self.signature = Array(signature)
    }

    init(bytes: [UInt8]) throws(HandshakeError) {
        guard bytes.count == Self.size,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes[0..<32]) else {
            throw .badAuth("the authentication message is malformed")
        }
        publicKey = key
        signature = Array(bytes[32...])
    }

    var bytes: [UInt8] { Array(publicKey.rawRepresentation) + signature }

    func verify(challenge: [UInt8]) -> Bool {
        publicKey.isValidSignature(signature, for: challenge)
    }
}

public enum HandshakeError: Error, Equatable, CustomStringConvertible {
    case badHello(String)
    case badAuth(String)
    case signingFailed
    case wrongPeer(expected: NodeID, actual: NodeID)
    case selfConnection
    case incompatible(String)
    case timedOut

    public var description: String {
        switch self {
        case .badHello(let why): "bad handshake hello: \(why)"
        case .badAuth(let why): "handshake authentication failed: \(why)"
        case .signingFailed: "could not sign the handshake challenge"
        case .wrongPeer(let expected, let actual): "dialled \(expected) but the peer is \(actual)"
        case .selfConnection: "connected to ourselves"
        case .incompatible(let why): "incompatible peer: \(why)"
        case .timedOut: "handshake timed out"
        }
    }
}
