import CairnCore
import CairnCrypto

/// Reward distribution (Specs/staking.md §7). Cost per block: one record per validator that
/// signed the last commit, never per delegator.
extension Staking {
    /// Splits the reward pool's balance among the validators that signed the previous block's
    /// commit, pro rata to their power in the set that signed it; remainders stay in the pool.
    /// Operators' commission goes to their balances; delegators' part leaves the pool account
    /// into the validator's `reward_pool` until they withdraw.
    static func distributeRewards(signers: [Address], lastValidators: ValidatorSet?, height: UInt64,
                                  _ store: inout StateOverlay) throws {
        let pot = try store.account(rewardPool).balance
        guard let set = lastValidators, pot > 0 else { return }
        let signing = set.validators.filter { contains(signers, $0.address) }
        let signedPower = signing.reduce(UInt128(0)) { $0 + UInt128($1.power) }
        guard signedPower > 0 else { return }
        var paid: Amount = 0
        for member in signing {
            let share = IntegerMath.mulDiv(pot, UInt128(member.power), signedPower) ?? 0
            guard share > 0, var validator = try store.validatorRecord(member.address) else { continue }
            var toOperator = IntegerMath.ppm(share, validator.commission)
            let toDelegators = share - toOperator
            if toDelegators > 0 {
                if validator.totalShares > 0,
                   let (step, carry) = IntegerMath.mulAddDiv(toDelegators, rewardScale, validator.rewardCarry, validator.totalShares),
                   case let (next, overflow) = validator.rewardPerShare.addingReportingOverflow(step), !overflow {
                    validator.rewardPerShare = next
                    validator.rewardCarry = carry
                    validator.rewardPool += toDelegators
                } else {
                    // No shares, or a per-share step beyond 128 bits (a validator with almost no
                    // shares left): the operator takes the delegators' part.
                    toOperator += toDelegators
                }
            }
            store.set(.validator(member.address), validator)
            try store.move(toOperator, from: rewardPool, to: validator.operatorAddress)
            try store.debit(rewardPool, share - toOperator)
            paid += share
        }
        if paid > 0 {
            store.emit(Event(module: StakingModule.name, kind: "rewards", ["amount": String(paid)]))
            // For rewards_getEpoch, which sums an epoch's blocks; no rule reads it.
            let epoch = EpochRewards.epoch(of: height, length: try EpochRewards.epochLength(&store))
            store.index(StateKey.blockRewards(epoch: epoch, height: height), BlockRewards(paid: paid, signedPower: signedPower))
        }
    }
}
