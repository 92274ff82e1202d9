import CairnCrypto
import Crypto

/// A peer's identity on the network: the first 20 bytes of SHA-256 of its Ed25519 identity
/// public key, written as 40 lower-case hex digits (as in `id@host:port`).
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let byteCount = 20

    public init(publicKey: Curve25519.Signing.PublicKey) {
        bytes = Array(SHA256.hash(data: publicKey.rawRepresentation).prefix(Self.byteCount))
    }

    /// For decoders that have already read exactly `byteCount` bytes.
    init(unchecked bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount)
        self.bytes = bytes
    }

    /// Parses 40 hex digits (no 0x prefix); nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 2 * Self.byteCount, !hex.hasPrefix("0x"),
              let raw = try? Hex.decode(hex), raw.count == Self.byteCount else { return nil }
        bytes = raw
    }

    public var description: String { Hex.encode(bytes) }

    public static func < (a: NodeID, b: NodeID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
