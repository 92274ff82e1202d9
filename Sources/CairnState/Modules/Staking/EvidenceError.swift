import CairnCore
import CairnCrypto

/// Why a block's evidence is invalid; the block is invalid as a whole.
public enum EvidenceError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooMany(count: Int, limit: UInt64)
    case notInPast(index: Int, evidenceHeight: UInt64, blockHeight: UInt64)
    case tooOld(index: Int, age: UInt64, maximum: UInt64)
    case unknownValidator(index: Int, Address)
    case alreadyTombstoned(index: Int, Address)
    case beforeValidatorExisted(index: Int, Address, createdHeight: UInt64)
    case duplicate(index: Int, Address)

    /// Stable reason code of the block rule broken.
    public var reason: String {
        switch self {
        case .tooMany: "too_much_evidence"
        case .notInPast: "evidence_not_in_past"
        case .tooOld: "evidence_too_old"
        case .unknownValidator: "evidence_unknown_validator"
        case .alreadyTombstoned: "evidence_already_tombstoned"
        case .beforeValidatorExisted: "evidence_before_validator"
        case .duplicate: "duplicate_evidence"
        }
    }

    public var description: String {
        switch self {
        case .tooMany(let c, let l): "block carries \(c) pieces of evidence, the limit is \(l)"
        case .notInPast(let i, let e, let b): "evidence \(i) is for height \(e), not before block height \(b)"
        case .tooOld(let i, let a, let m): "evidence \(i) is \(a) blocks old, the maximum age is \(m)"
        case .unknownValidator(let i, let v): "evidence \(i) names \(v), which is no validator"
        case .alreadyTombstoned(let i, let v): "evidence \(i): validator \(v) is already tombstoned"
        case .beforeValidatorExisted(let i, let v, let c): "evidence \(i) is for a height before validator \(v) was created (at \(c))"
        case .duplicate(let i, let v): "evidence \(i): validator \(v) already has evidence in this block"
        }
    }
}
