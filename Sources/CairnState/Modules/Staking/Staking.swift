import CairnCore
import CairnCrypto

/// The staking module (Specs/staking.md): validators, delegation by shares, unbonding,
/// rewards, slashing and jailing. Every function reads and writes state through a
/// `StakingStore`; nothing here keeps state of its own.
public enum Staking {
    /// Scale of `ValidatorRecord.rewardPerShare`: rewards per share are tracked in units of 10^-27
    /// base units, so even a validator with 10^30 shares accrues small rewards.
    public static let rewardScale: UInt128 = 1_000_000_000_000_000_000_000_000_000

    /// The module account that receives staking's emission share and the fees it pays out.
    public static let rewardPoolName = "staking_rewards"
    public static let rewardPool = ModuleAccount.address(rewardPoolName)

    /// Voting power of `tokens`: ⌊tokens / power_reduction⌋, capped so a full set stays within
    /// `maxTotalPower`.
    public static func power(tokens: Amount, parameters: StakingParameters) -> UInt64 {
        let cap = ValidatorSet.maxTotalPower / max(parameters.maxValidators, 1)
        let p = tokens / parameters.powerReduction
        return p > UInt128(cap) ? cap : UInt64(p)
    }

    /// The epoch of a block height (heights 1…epoch_length are epoch 0).
    static func epoch(of height: UInt64, _ parameters: StakingParameters) -> UInt64 {
        height == 0 ? 0 : (height - 1) / parameters.epochLength
    }

    /// Rewards of `delegation` not yet paid: ⌊shares · (reward_per_share − reward_start) / 10^27⌋,
    /// never more than the validator's pool.
    public static func pendingRewards(_ delegation: DelegationRecord, _ validator: ValidatorRecord) -> Amount {
        guard validator.rewardPerShare > delegation.rewardStart else { return 0 }
        let owed = IntegerMath.mulDiv(delegation.shares, validator.rewardPerShare - delegation.rewardStart, rewardScale)
            ?? validator.rewardPool
        return min(owed, validator.rewardPool)
    }

    /// Value in tokens of `shares` of `validator`, rounded down.
    public static func tokens(ofShares shares: UInt128, _ validator: ValidatorRecord) -> Amount {
        guard validator.totalShares > 0 else { return 0 }
        if shares == validator.totalShares { return validator.tokens }
        return IntegerMath.mulDiv(shares, validator.tokens, validator.totalShares) ?? 0
    }

    /// Takes `shares` (worth `tokens`) out of a delegation and its validator; a delegation left
    /// with no shares is deleted and dropped from the delegator's index. The caller stores the
    /// validator.
    static func removeShares<S: StakingStore>(_ shares: UInt128, worth tokens: Amount, of delegator: Address,
                                              _ delegation: inout DelegationRecord, from consensus: Address,
                                              _ validator: inout ValidatorRecord, _ store: inout S) throws {
        validator.tokens -= tokens
        validator.totalShares -= shares
        delegation.shares -= shares
        if delegation.shares == 0 {
            store.delete(.delegation(delegator, consensus))
            var index = try store.addressList(.delegatorDelegations(delegator))
            index.remove(consensus)
            store.put(.delegatorDelegations(delegator), index)
        } else {
            store.set(.delegation(delegator, consensus), delegation)
        }
    }

    /// Pays `delegator` its pending rewards and restarts its accrual. The caller writes both records.
    @discardableResult
    static func settle<S: StakingStore>(_ delegator: Address, _ delegation: inout DelegationRecord,
                                        _ validator: inout ValidatorRecord, _ store: inout S) throws -> Amount {
        let owed = pendingRewards(delegation, validator)
        delegation.rewardStart = validator.rewardPerShare
        validator.rewardPool -= owed
        try store.credit(delegator, owed)
        return owed
    }

    /// Adds `amount` tokens (already taken from the delegator's balance) to `validator` as new
    /// shares of `delegator`, settling its rewards first. The caller writes `validator`.
    static func bond<S: StakingStore>(_ delegator: Address, _ consensus: Address, _ amount: Amount,
                                      _ validator: inout ValidatorRecord, _ parameters: StakingParameters,
                                      _ store: inout S) throws {
        guard amount > 0 else { throw StakingRejection.zeroAmount }
        let shares: UInt128
        if validator.totalShares == 0 {
            shares = amount
        } else {
            guard validator.tokens > 0 else { throw StakingRejection.validatorHasNoTokens(consensus) }
            shares = IntegerMath.mulDiv(amount, validator.totalShares, validator.tokens) ?? 0
        }
        guard shares > 0 else { throw StakingRejection.amountTooSmall(amount) }
        var delegation: DelegationRecord
        if let existing = try store.get(DelegationRecord.self, .delegation(delegator, consensus)) {
            delegation = existing
            try settle(delegator, &delegation, &validator, &store)
        } else {
            var index = try store.addressList(.delegatorDelegations(delegator))
            guard UInt64(index.count) < parameters.maxDelegationsPerDelegator else {
                throw StakingRejection.tooManyDelegations(limit: parameters.maxDelegationsPerDelegator)
            }
            index.insert(consensus)
            store.put(.delegatorDelegations(delegator), index)
            delegation = DelegationRecord(shares: 0, rewardStart: validator.rewardPerShare)
        }
        let (tokens, o1) = validator.tokens.addingReportingOverflow(amount)
        let (total, o2) = validator.totalShares.addingReportingOverflow(shares)
        let (mine, o3) = delegation.shares.addingReportingOverflow(shares)
        guard !o1, !o2, !o3 else { throw StakingRejection.balanceOverflow(delegator) }
        validator.tokens = tokens
        validator.totalShares = total
        delegation.shares = mine
        store.set(.delegation(delegator, consensus), delegation)
    }

    /// Removes `amount` tokens' worth of `delegator`'s shares from `validator` (shares rounded up,
    /// in the remaining delegators' favour), settling its rewards first; returns the tokens that
    /// leave the validator. The caller writes `validator`.
    static func unbond<S: StakingStore>(_ delegator: Address, _ consensus: Address, _ amount: Amount,
                                        _ validator: inout ValidatorRecord, _ store: inout S) throws -> Amount {
        guard amount > 0 else { throw StakingRejection.zeroAmount }
        guard var delegation = try store.get(DelegationRecord.self, .delegation(delegator, consensus)) else {
            throw StakingRejection.noDelegation(delegator: delegator, validator: consensus)
        }
        let available = tokens(ofShares: delegation.shares, validator)
        guard amount <= available else { throw StakingRejection.insufficientDelegation(available: available, requested: amount) }
        // amount ≤ ⌊shares·T/S⌋ implies ⌈amount·S/T⌉ ≤ shares.
        var shares = min(IntegerMath.mulDivCeil(amount, validator.totalShares, validator.tokens) ?? delegation.shares,
                         delegation.shares)
        // Shares left worth no token would be stranded: they leave too (their dust stays bonded).
        if tokens(ofShares: delegation.shares - shares, validator) == 0 { shares = delegation.shares }
        let out = shares == validator.totalShares ? validator.tokens : amount
        try settle(delegator, &delegation, &validator, &store)
        try removeShares(shares, worth: out, of: delegator, &delegation, from: consensus, &validator, &store)
        return out
    }

    /// Marks `consensus` jailed until `until` (no-op for a missing record).
    static func jail<S: StakingStore>(_ consensus: Address, until: UInt64, tombstone: Bool, _ store: inout S) throws {
        guard var validator = try store.validatorRecord(consensus) else { return }
        validator.jailed = true
        validator.jailedUntil = max(validator.jailedUntil, until)
        if tombstone {
            validator.tombstoned = true
            validator.jailedUntil = .max
        }
        store.set(.validator(consensus), validator)
    }

    static func contains(_ sorted: [Address], _ address: Address) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < address { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == address
    }
}
