import CairnCore
import CairnCrypto

/// Slashing (Specs/staking.md §6): burns a fraction of a validator's bonded tokens and of the
/// unbonding and redelegation entries that left it at or after the infraction height.
extension Staking {
    /// Returns the base units burned. Cost: the validator's pending pairs (bounded by
    /// `max_pending_per_validator` × `max_entries`), never its number of bonded delegators.
    @discardableResult
    static func slash<S: StakingStore>(_ consensus: Address, infractionHeight: UInt64, fraction: UInt64,
                                       height: UInt64, _ store: inout S) throws -> Amount {
        guard try store.validatorRecord(consensus) != nil, fraction > 0 else { return 0 }
        var burned: Amount = 0
        for delegator in try store.addressList(.validatorUnbondings(consensus)).addresses {
            let key = StateKey.unbonding(delegator, consensus)
            var entries = try store.pending(key)
            for i in entries.indices where entries[i].creationHeight >= infractionHeight
                && entries[i].completionHeight > height {
                let cut = min(IntegerMath.ppm(entries[i].initialAmount, fraction), entries[i].balance)
                entries[i].balance -= cut
                burned += cut
            }
            store.put(key, entries)
        }
        for pair in try store.pairList(.validatorRedelegations(consensus)).pairs {
            let (delegator, destination) = (pair.first, pair.second)
            let key = StateKey.redelegation(delegator, consensus, destination)
            var entries = try store.pending(key)
            for i in entries.indices where entries[i].creationHeight >= infractionHeight
                && entries[i].completionHeight > height {
                let cut = min(IntegerMath.ppm(entries[i].initialAmount, fraction), entries[i].balance)
                entries[i].balance -= cut
                burned += try burnDelegated(delegator, destination, cut, &store)
            }
            store.put(key, entries)
        }
        // Read after the loops: they may have changed other validators, never this one, but
        // reading late keeps this correct whatever they touch.
        guard var validator = try store.validatorRecord(consensus) else { return burned }
        let cut = IntegerMath.ppm(validator.tokens, fraction)
        validator.tokens -= cut
        burned += cut
        store.set(.validator(consensus), validator)
        try store.recordBurn(burned)
        return burned
    }

    /// Burns up to `amount` tokens' worth of `delegator`'s shares of `consensus` (redelegated stake
    /// answering for its source's misbehaviour); returns the tokens burned.
    private static func burnDelegated<S: StakingStore>(_ delegator: Address, _ consensus: Address, _ amount: Amount,
                                                       _ store: inout S) throws -> Amount {
        guard amount > 0, var validator = try store.validatorRecord(consensus), validator.tokens > 0,
              var delegation = try store.get(DelegationRecord.self, .delegation(delegator, consensus)) else { return 0 }
        let shares = min(IntegerMath.mulDivCeil(amount, validator.totalShares, validator.tokens) ?? delegation.shares,
                         delegation.shares)
        let value = shares == validator.totalShares ? validator.tokens : min(tokens(ofShares: shares, validator), amount)
        try settle(delegator, &delegation, &validator, &store)
        try removeShares(shares, worth: value, of: delegator, &delegation, from: consensus, &validator, &store)
        store.set(.validator(consensus), validator)
        return value
    }
}
