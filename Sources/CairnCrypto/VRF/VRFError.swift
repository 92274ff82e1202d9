/// Why a VRF proof was refused. The first three come from decoding the 81 bytes alone, the rest
/// from checking the proof against a public key and an input (Specs/depin/randomness.md §2.6).
public enum VRFError: Error, Equatable, CustomStringConvertible {
    case invalidHex(Hex.Error)
    case proofWrongLength(Int)
    /// Γ is not the compressed encoding of a secp256k1 point.
    case gammaNotOnCurve
    /// s is not below the group order n.
    case scalarOutOfRange
    /// U = s·B − c·Y or V = s·H − c·Γ is the point at infinity. No honest proof gets here (U and
    /// V are k·B and k·H with k ≠ 0), and the infinity has no 33-byte encoding to hash.
    case degenerateProof
    /// The recomputed challenge differs: the proof is not for this key and input.
    case challengeMismatch
    /// No counter 0…255 maps the input to a curve point (probability about 2^-256 per input).
    case inputHasNoCurvePoint

    public var description: String {
        switch self {
        case .invalidHex(let e): "invalid hex: \(e)"
        case .proofWrongLength(let n): "VRF proof must be 81 bytes (Γ 33 ‖ c 16 ‖ s 32), got \(n)"
        case .gammaNotOnCurve: "VRF proof's Γ is not a compressed secp256k1 point"
        case .scalarOutOfRange: "VRF proof's s is not below the secp256k1 group order"
        case .degenerateProof: "VRF proof makes U or V the point at infinity"
        case .challengeMismatch: "VRF proof does not verify for this public key and input"
        case .inputHasNoCurvePoint: "VRF input does not hash to a secp256k1 point for any counter 0...255"
        }
    }
}
