/// An ECVRF proof, 81 bytes: Γ (33, compressed point) ‖ c (16, big-endian) ‖ s (32, big-endian).
/// Decoding is strict (RFC 9381 §5.4.4): the length, Γ on the curve, s below n. Each of these has
/// exactly one encoding, so equal proofs have equal bytes.
public struct VRFProof: Sendable, Hashable {
    public static let byteCount = 81

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(VRFError) {
        guard bytes.count == Self.byteCount else { throw .proofWrongLength(bytes.count) }
        guard CurvePoint(compressed: Array(bytes[0..<33])) != nil else { throw .gammaNotOnCurve }
        guard Scalar.isBelowOrder(bytes[49..<81]) else { throw .scalarOutOfRange }
        self.bytes = bytes
    }

    /// Parses `0x`-prefixed or bare hex of 81 bytes.
    public init(hex: String) throws(VRFError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex) } catch { throw .invalidHex(error) }
        try self.init(bytes: bytes)
    }

    /// For proofs the prover just assembled, which satisfy the rules by construction.
    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var gamma: [UInt8] { Array(bytes[0..<33]) }
    public var c: [UInt8] { Array(bytes[33..<49]) }
    public var s: [UInt8] { Array(bytes[49..<81]) }

    /// `0x`-prefixed lower-case hex of the 81 bytes.
    public var hex: String { Hex.prefixed(bytes) }
}
