import CairnCrypto

/// Why a validator set cannot carry proposer priorities.
public enum ProposerPrioritiesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No validator with power above zero: nobody could propose.
    case emptyValidatorSet
    /// The total power is above the limit that keeps the priority arithmetic inside Int64.
    case totalPowerTooLarge(limit: UInt64)
    /// The same address twice.
    case duplicateValidator(Address)

    public var description: String {
        switch self {
        case .emptyValidatorSet: "the validator set has no validator with power above zero"
        case .totalPowerTooLarge(let limit): "the total voting power is above the limit of \(limit)"
        case .duplicateValidator(let a): "validator \(a) appears twice in the validator set"
        }
    }
}
