import CairnCore
import CairnCrypto

/// The effects of staking operations (Specs/staking.md §4). The executor has already checked
/// the transaction and taken `operation.spend` and the fee from the sender; a thrown
/// `StakingRejection` makes the executor undo the whole transaction.
extension Staking {
    public static func apply<S: StakingStore>(_ operation: StakingOperation, sender: Address, height: UInt64,
                                              parameters: StakingParameters, _ store: inout S) throws {
        switch operation {
        case .createValidator(let key, let commission, let selfBond):
            try createValidator(sender, key, commission, selfBond, height, parameters, &store)
        case .editValidator(let consensus, let commission):
            var validator = try operated(consensus, by: sender, &store)
            guard let commission else { throw StakingRejection.nothingToChange }
            guard commission <= parameters.maxCommission else {
                throw StakingRejection.commissionTooHigh(maximum: parameters.maxCommission, got: commission)
            }
            let epoch = epoch(of: height, parameters)
            guard validator.commissionChangedEpoch != epoch + 1 else {
                throw StakingRejection.commissionAlreadyChanged(epoch: epoch)
            }
            let change = commission > validator.commission ? commission - validator.commission : validator.commission - commission
            guard change <= parameters.maxCommissionChange else {
                throw StakingRejection.commissionChangeTooLarge(maximum: parameters.maxCommissionChange, got: change)
            }
            validator.commission = commission
            validator.commissionChangedEpoch = epoch + 1
            store.set(.validator(consensus), validator)
        case .delegate(let consensus, let amount):
            var validator = try existing(consensus, &store)
            guard !validator.tombstoned else { throw StakingRejection.tombstoned(consensus) }
            try bond(sender, consensus, amount, &validator, parameters, &store)
            store.set(.validator(consensus), validator)
        case .undelegate(let consensus, let amount):
            var validator = try existing(consensus, &store)
            try checkUnbondingRoom(sender, consensus, height: height, parameters, &store)
            let out = try unbond(sender, consensus, amount, &validator, &store)
            try checkSelfBond(sender, consensus, &validator, height: height, parameters, &store)
            store.set(.validator(consensus), validator)
            try addUnbonding(sender, consensus, out, height: height, parameters, &store)
        case .redelegate(let source, let destination, let amount):
            guard source != destination else { throw StakingRejection.sameValidator }
            var from = try existing(source, &store)
            var to = try existing(destination, &store)
            guard !to.tombstoned else { throw StakingRejection.tombstoned(destination) }
            guard try !hasImmatureRedelegation(sender, into: source, &store) else {
                throw StakingRejection.redelegationNotMatured(validator: source)
            }
            try checkRedelegationRoom(sender, source, destination, height: height, parameters, &store)
            let out = try unbond(sender, source, amount, &from, &store)
            try checkSelfBond(sender, source, &from, height: height, parameters, &store)
            store.set(.validator(source), from)
            try bond(sender, destination, out, &to, parameters, &store)
            store.set(.validator(destination), to)
            try addRedelegation(sender, source, destination, out, height: height, parameters, &store)
        case .unjail(let consensus):
            var validator = try operated(consensus, by: sender, &store)
            guard validator.jailed else { throw StakingRejection.notJailed(consensus) }
            guard !validator.tombstoned else { throw StakingRejection.tombstoned(consensus) }
            guard height >= validator.jailedUntil else {
                throw StakingRejection.stillJailed(until: validator.jailedUntil, height: height)
            }
            let selfBond = try selfBondValue(sender, consensus, validator, &store)
            guard selfBond >= parameters.minSelfBond else {
                throw StakingRejection.selfBondTooLow(minimum: parameters.minSelfBond, got: selfBond)
            }
            validator.jailed = false
            store.set(.validator(consensus), validator)
            try resetSigningInfo(consensus, parameters, &store)
        case .withdrawRewards(let consensus):
            var validator = try existing(consensus, &store)
            guard var delegation = try store.get(DelegationRecord.self, .delegation(sender, consensus)) else {
                throw StakingRejection.noDelegation(delegator: sender, validator: consensus)
            }
            try settle(sender, &delegation, &validator, &store)
            store.set(.delegation(sender, consensus), delegation)
            store.set(.validator(consensus), validator)
        }
    }

    private static func createValidator<S: StakingStore>(_ sender: Address, _ key: Address, _ commission: UInt64,
                                                         _ selfBond: Amount, _ height: UInt64,
                                                         _ parameters: StakingParameters, _ store: inout S) throws {
        guard key != .zero else { throw StakingRejection.invalidConsensusKey }
        guard try store.validatorRecord(key) == nil else { throw StakingRejection.validatorExists(key) }
        guard commission <= parameters.maxCommission else {
            throw StakingRejection.commissionTooHigh(maximum: parameters.maxCommission, got: commission)
        }
        guard selfBond >= parameters.minSelfBond, selfBond > 0 else {
            throw StakingRejection.selfBondTooLow(minimum: max(parameters.minSelfBond, 1), got: selfBond)
        }
        var candidates = try store.addressList(.candidates)
        guard UInt64(candidates.count) < parameters.maxCandidates else {
            throw StakingRejection.tooManyCandidates(limit: parameters.maxCandidates)
        }
        var validator = ValidatorRecord(operatorAddress: sender, tokens: 0, totalShares: 0, commission: commission,
                                        commissionChangedEpoch: epoch(of: height, parameters) + 1, createdHeight: height)
        try bond(sender, key, selfBond, &validator, parameters, &store)
        store.set(.validator(key), validator)
        candidates.insert(key)
        store.put(.candidates, candidates)
    }

    private static func existing<S: StakingStore>(_ consensus: Address, _ store: inout S) throws -> ValidatorRecord {
        guard let validator = try store.validatorRecord(consensus) else { throw StakingRejection.unknownValidator(consensus) }
        return validator
    }

    private static func operated<S: StakingStore>(_ consensus: Address, by sender: Address,
                                                  _ store: inout S) throws -> ValidatorRecord {
        let validator = try existing(consensus, &store)
        guard validator.operatorAddress == sender else {
            throw StakingRejection.notOperator(validator: consensus, operatorAddress: validator.operatorAddress, sender: sender)
        }
        return validator
    }

    static func selfBondValue<S: StakingStore>(_ operatorAddress: Address, _ consensus: Address,
                                               _ validator: ValidatorRecord, _ store: inout S) throws -> Amount {
        guard let d = try store.get(DelegationRecord.self, .delegation(operatorAddress, consensus)) else { return 0 }
        return tokens(ofShares: d.shares, validator)
    }

    /// An operator whose self-delegation fell below `min_self_bond` jails its validator (it may
    /// unjail at once after bonding back up).
    private static func checkSelfBond<S: StakingStore>(_ sender: Address, _ consensus: Address,
                                                       _ validator: inout ValidatorRecord, height: UInt64,
                                                       _ parameters: StakingParameters, _ store: inout S) throws {
        guard sender == validator.operatorAddress, !validator.jailed else { return }
        let value = try selfBondValue(sender, consensus, validator, &store)
        if value < parameters.minSelfBond {
            validator.jailed = true
            validator.jailedUntil = max(validator.jailedUntil, height)
        }
    }
}
