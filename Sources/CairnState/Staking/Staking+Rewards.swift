import CairnCore
import CairnCrypto

/// Reward distribution and emission (Specs/staking.md §7). Cost per block: one record per
/// validator that signed the last commit, never per delegator.
extension Staking {
    /// Splits the reward pot among the validators that signed the previous block's commit, pro
    /// rata to their power in the set that signed it; remainders stay in the pot.
    static func distributeRewards<S: StakingStore>(signers: [Address], lastValidators: ValidatorSet?,
                                                   _ store: inout S) throws {
        var globals = try store.globals()
        guard let set = lastValidators, globals.rewardPot > 0 else { return }
        let signing = set.validators.filter { contains(signers, $0.address) }
        let signedPower = signing.reduce(UInt128(0)) { $0 + UInt128($1.power) }
        guard signedPower > 0 else { return }
        let pot = globals.rewardPot
        var paid: Amount = 0
        for member in signing {
            let share = StakeMath.mulDiv(pot, UInt128(member.power), signedPower) ?? 0
            guard share > 0, var validator = try store.validatorRecord(member.address) else { continue }
            var toOperator = StakeMath.ppm(share, validator.commission)
            let toDelegators = share - toOperator
            if toDelegators > 0 {
                if validator.totalShares > 0,
                   let (step, carry) = StakeMath.mulAddDiv(toDelegators, rewardScale, validator.rewardCarry, validator.totalShares),
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
            try store.credit(validator.operatorAddress, toOperator)
            paid += share
        }
        guard paid > 0 else { return }
        globals.rewardPot -= paid
        store.set(.stakingGlobals, globals)
    }

    /// New base units for block `height`: the epoch's emission spread so that block k of the
    /// epoch (0-based) gets ⌊E·(k+1)/L⌋ − ⌊E·k/L⌋; the blocks of an epoch sum to exactly E.
    public static func emission(at height: UInt64, _ parameters: StakingParameters) -> Amount {
        guard height >= 1, parameters.emissionPerEpoch > 0 else { return 0 }
        let length = UInt128(parameters.epochLength)
        let k = UInt128((height - 1) % parameters.epochLength)
        let upper = StakeMath.mulDiv(parameters.emissionPerEpoch, k + 1, length) ?? 0
        let lower = StakeMath.mulDiv(parameters.emissionPerEpoch, k, length) ?? 0
        return upper - lower
    }
}
