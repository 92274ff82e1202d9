import CairnCore
import CairnCrypto

/// Why a staking operation cannot apply (Specs/staking.md §4, rule names in the table).
public enum StakingRejection: ModuleRejection, Equatable {
    case invalidConsensusKey
    case validatorExists(Address)
    case unknownValidator(Address)
    case notOperator(validator: Address, operatorAddress: Address, sender: Address)
    case commissionTooHigh(maximum: UInt64, got: UInt64)
    case commissionChangeTooLarge(maximum: UInt64, got: UInt64)
    case commissionAlreadyChanged(epoch: UInt64)
    case nothingToChange
    case selfBondTooLow(minimum: Amount, got: Amount)
    case tooManyCandidates(limit: UInt64)
    case zeroAmount
    case amountTooSmall(Amount)
    case validatorHasNoTokens(Address)
    case noDelegation(delegator: Address, validator: Address)
    case insufficientDelegation(available: Amount, requested: Amount)
    case tooManyEntries(limit: UInt64)
    case validatorQueueFull(validator: Address, limit: UInt64)
    case tooManyDelegations(limit: UInt64)
    case tooManyPendingPairs(limit: UInt64)
    case sameValidator
    case redelegationNotMatured(validator: Address)
    case notJailed(Address)
    case tombstoned(Address)
    case stillJailed(until: UInt64, height: UInt64)
    case balanceOverflow(Address)

    /// Stable reason codes (Specs/staking.md §4): the RPC `data.reason` of a refused transaction.
    public var reason: String {
        switch self {
        case .invalidConsensusKey: "invalid_consensus_key"
        case .validatorExists: "validator_exists"
        case .unknownValidator: "unknown_validator"
        case .notOperator: "not_operator"
        case .commissionTooHigh: "commission_too_high"
        case .commissionChangeTooLarge: "commission_change_too_large"
        case .commissionAlreadyChanged: "commission_already_changed"
        case .nothingToChange: "nothing_to_change"
        case .selfBondTooLow: "self_bond_too_low"
        case .tooManyCandidates: "too_many_candidates"
        case .zeroAmount: "zero_amount"
        case .amountTooSmall: "amount_too_small"
        case .validatorHasNoTokens: "validator_has_no_tokens"
        case .noDelegation: "no_delegation"
        case .insufficientDelegation: "insufficient_delegation"
        case .tooManyEntries: "too_many_entries"
        case .validatorQueueFull: "validator_queue_full"
        case .tooManyDelegations: "too_many_delegations"
        case .tooManyPendingPairs: "too_many_pending_pairs"
        case .sameValidator: "same_validator"
        case .redelegationNotMatured: "redelegation_not_matured"
        case .notJailed: "not_jailed"
        case .tombstoned: "tombstoned"
        case .stillJailed: "still_jailed"
        case .balanceOverflow: "balance_overflow"
        }
    }

    public var description: String {
        switch self {
        case .invalidConsensusKey: "the consensus key must not be the zero address"
        case .validatorExists(let v): "a validator with consensus address \(v) already exists"
        case .unknownValidator(let v): "no validator has consensus address \(v)"
        case .notOperator(let v, let o, let s): "validator \(v) is operated by \(o), not by the sender \(s)"
        case .commissionTooHigh(let m, let g): "commission \(g) ppm is above the maximum of \(m) ppm"
        case .commissionChangeTooLarge(let m, let g): "commission change of \(g) ppm is above the per-epoch maximum of \(m) ppm"
        case .commissionAlreadyChanged(let e): "commission was already changed in epoch \(e); one change per epoch"
        case .nothingToChange: "edit_validator changes nothing"
        case .selfBondTooLow(let m, let g): "self-bond of \(g) base units is below the minimum of \(m)"
        case .tooManyCandidates(let l): "the chain already has the maximum of \(l) validators"
        case .zeroAmount: "amount must be positive"
        case .amountTooSmall(let a): "amount \(a) is worth less than one share"
        case .validatorHasNoTokens(let v): "validator \(v) was slashed to zero tokens and takes no delegations"
        case .noDelegation(let d, let v): "\(d) has no delegation with validator \(v)"
        case .insufficientDelegation(let a, let r): "delegation is worth \(a) base units, \(r) requested"
        case .tooManyEntries(let l): "already \(l) pending entries for this pair; wait for one to complete"
        case .validatorQueueFull(let v, let l): "validator \(v) already has \(l) delegators with pending entries"
        case .tooManyDelegations(let l): "the delegator already has delegations with the maximum of \(l) validators"
        case .tooManyPendingPairs(let l): "the delegator already has unbondings or redelegations in progress with the maximum of \(l) validators (pairs)"
        case .sameValidator: "source and destination validator are the same"
        case .redelegationNotMatured(let v): "stake redelegated to \(v) has not completed its unbonding period yet"
        case .notJailed(let v): "validator \(v) is not jailed"
        case .tombstoned(let v): "validator \(v) double-signed and can never be unjailed"
        case .stillJailed(let u, let h): "validator is jailed until height \(u) (this is height \(h))"
        case .balanceOverflow(let a): "balance of \(a) would exceed 2^128-1"
        }
    }
}
