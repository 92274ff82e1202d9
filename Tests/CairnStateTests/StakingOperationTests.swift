import CairnCore
import CairnCrypto
@testable import CairnState
import Testing

/// Each staking operation's effects and rejections (Specs/staking.md §4), and the genesis state.
struct StakingOperationTests {
    let genesisValidator = StakingKeys.all[0]
    let alice = StakingKeys.all[1]
    let bob = StakingKeys.all[2]
    let newKey = StakingKeys.all[3]

    func chain(_ change: (inout StakingParameters) -> Void = { _ in }) throws -> StakingChain {
        try StakingChain(validators: [(genesisValidator, 10)],
                         balances: [(alice.address, 100 * unit), (bob.address, 100 * unit)],
                         staking: testStakingParameters(change))
    }

    @Test func genesisValidatorsAreSelfBondedAndActive() throws {
        let c = try chain()
        let v = try #require(c.validator(genesisValidator.address))
        #expect(v.operatorAddress == genesisValidator.address)
        #expect(v.tokens == 10 * unit && v.totalShares == 10 * unit && v.commission == 0 && !v.jailed)
        #expect(c.read(DelegationRecord.self, .delegation(genesisValidator.address, genesisValidator.address))?.shares == 10 * unit)
        #expect(c.globals().activeSet == [Validator(address: genesisValidator.address, power: 10)])
        #expect(c.supply() == 210 * unit)
    }

    @Test func createValidatorBondsTheSelfBond() throws {
        var c = try chain()
        let r = try c.block([.init(sender: alice.address,
                                   operation: .createValidator(consensusKey: newKey.address, commission: 100_000, selfBond: 5 * unit))])
        #expect(r.rejections[0] == nil)
        let v = try #require(c.validator(newKey.address))
        #expect(v.operatorAddress == alice.address && v.tokens == 5 * unit && v.totalShares == 5 * unit && v.commission == 100_000)
        #expect(c.balance(alice.address) == 95 * unit)
        #expect(c.query { try Staking.delegations(of: alice.address, &$0) }.map(\.tokens) == [5 * unit])
        #expect(c.query { try Staking.validators(&$0) }.count == 2)
        // The new validator joins the set decided at height 1, which governs height 3.
        #expect(r.update?.power(of: newKey.address) == 5)
        #expect(c.sets[3]?.validators.count == 2 && c.sets[2]?.validators.count == 1)
        c.expectSupplyConserved()
    }

    @Test func createValidatorRejections() throws {
        var c = try chain()
        let ops: [StakingChain.Op] = [
            .init(sender: alice.address, operation: .createValidator(consensusKey: genesisValidator.address, commission: 0, selfBond: unit)),
            .init(sender: alice.address, operation: .createValidator(consensusKey: newKey.address, commission: 600_000, selfBond: unit)),
            .init(sender: alice.address, operation: .createValidator(consensusKey: newKey.address, commission: 0, selfBond: unit - 1)),
            .init(sender: alice.address, operation: .createValidator(consensusKey: .zero, commission: 0, selfBond: unit)),
        ]
        let r = try c.block(ops)
        #expect(rejection(r.rejections[0]) == .validatorExists(genesisValidator.address))
        #expect(rejection(r.rejections[1]) == .commissionTooHigh(maximum: 500_000, got: 600_000))
        #expect(rejection(r.rejections[2]) == .selfBondTooLow(minimum: unit, got: unit - 1))
        #expect(rejection(r.rejections[3]) == .invalidConsensusKey)
        #expect(c.balance(alice.address) == 100 * unit, "rejected operations change nothing")
        var full = try chain { $0.maxCandidates = 10; $0.maxValidators = 1; $0.maxDelegationsPerDelegator = 20 }
        let many = (0..<9).map { i in
            StakingChain.Op(sender: alice.address, operation: .createValidator(
                consensusKey: Address(unchecked: [UInt8](repeating: UInt8(0x40 + i), count: 20)), commission: 0, selfBond: unit))
        }
        let last = StakingChain.Op(sender: bob.address, operation: .createValidator(consensusKey: newKey.address, commission: 0, selfBond: unit))
        let r2 = try full.block(many + [last])
        #expect(r2.rejections.prefix(9).allSatisfy { $0 == nil })
        #expect(rejection(r2.rejections[9]) == .tooManyCandidates(limit: 10))
        // One delegator holds at most max_delegations_per_delegator delegations.
        var c2 = try chain { $0.maxDelegationsPerDelegator = 2 }
        let r3 = try c2.block((0..<3).map { i in
            StakingChain.Op(sender: alice.address, operation: .createValidator(
                consensusKey: Address(unchecked: [UInt8](repeating: UInt8(0x40 + i), count: 20)), commission: 0, selfBond: unit))
        })
        #expect(r3.rejections[0] == nil && r3.rejections[1] == nil)
        #expect(rejection(r3.rejections[2]) == .tooManyDelegations(limit: 2))
    }

    @Test func delegateAndUndelegateMoveSharesAndTokens() throws {
        var c = try chain()
        let v = genesisValidator.address
        try c.block([.init(sender: alice.address, operation: .delegate(validator: v, amount: 30 * unit))])
        #expect(c.validator(v)?.tokens == 40 * unit)
        #expect(c.query { try Staking.delegation(alice.address, v, &$0) }?.shares == 30 * unit)
        #expect(c.balance(alice.address) == 70 * unit)
        // Height 2: undelegate 10 → an entry completing at 2 + 10 = 12.
        let r = try c.block([.init(sender: alice.address, operation: .undelegate(validator: v, amount: 10 * unit))])
        #expect(r.rejections[0] == nil)
        #expect(c.validator(v)?.tokens == 30 * unit)
        let entries = c.query { try Staking.unbondings(of: alice.address, &$0) }
        #expect(entries == [UnbondingInfo(validator: v, entries: [PendingEntry(creationHeight: 2, completionHeight: 12,
                                                                                initialAmount: 10 * unit, balance: 10 * unit)])])
        try c.run(to: 11)
        #expect(c.balance(alice.address) == 70 * unit, "not paid before the completion height")
        try c.block()
        #expect(c.height == 12)
        #expect(c.balance(alice.address) == 80 * unit, "paid at endBlock of the completion height")
        #expect(c.query { try Staking.unbondings(of: alice.address, &$0) }.isEmpty)
        #expect(c.read(AddressList.self, .validatorUnbondings(v)) == nil, "indexes are cleaned up")
        #expect(c.read(MaturityQueue.self, .maturityQueue(12)) == nil)
        c.expectSupplyConserved()
    }

    @Test func undelegateRejectionsAndEntryCaps() throws {
        var c = try chain()
        let v = genesisValidator.address
        try c.block([.init(sender: alice.address, operation: .delegate(validator: v, amount: 10 * unit))])
        let r = try c.block([
            .init(sender: bob.address, operation: .undelegate(validator: v, amount: unit)),
            .init(sender: alice.address, operation: .undelegate(validator: v, amount: 11 * unit)),
            .init(sender: alice.address, operation: .undelegate(validator: v, amount: 0)),
            .init(sender: alice.address, operation: .undelegate(validator: newKey.address, amount: unit)),
            .init(sender: alice.address, operation: .delegate(validator: v, amount: 0)),
        ])
        #expect(rejection(r.rejections[0]) == .noDelegation(delegator: bob.address, validator: v))
        #expect(rejection(r.rejections[1]) == .insufficientDelegation(available: 10 * unit, requested: 11 * unit))
        #expect(rejection(r.rejections[2]) == .zeroAmount)
        #expect(rejection(r.rejections[3]) == .unknownValidator(newKey.address))
        #expect(rejection(r.rejections[4]) == .zeroAmount)
        // Entries of one height merge; max_entries = 3 distinct heights per pair.
        let undelegate = StakingChain.Op(sender: alice.address, operation: .undelegate(validator: v, amount: unit))
        #expect(allApplied(try c.block([undelegate, undelegate]).rejections))
        try c.block([undelegate])
        try c.block([undelegate])
        let r2 = try c.block([undelegate])
        #expect(rejection(r2.rejections[0]) == .tooManyEntries(limit: 3))
        let entries = c.query { try Staking.unbondings(of: alice.address, &$0) }[0].entries
        #expect(entries.map(\.initialAmount) == [2 * unit, unit, unit])
        c.expectSupplyConserved()
    }

    @Test func perDelegatorPendingPairsCap() throws {
        var c = try chain { $0.maxDelegationsPerDelegator = 2 }
        let keys = StakingKeys.all[5...7].map(\.address)
        try c.block(keys.map { .init(sender: bob.address, operation: .createValidator(consensusKey: $0, commission: 0, selfBond: unit)) }
                    + [.init(sender: alice.address, operation: .delegate(validator: keys[0], amount: 3 * unit))])
        // Bob holds 2 delegations (the third creation failed on the delegation cap).
        let r = try c.block([
            .init(sender: alice.address, operation: .undelegate(validator: keys[0], amount: unit / 4)),
            .init(sender: alice.address, operation: .redelegate(source: keys[0], destination: keys[1], amount: unit / 4)),
            .init(sender: alice.address, operation: .redelegate(source: keys[0], destination: genesisValidator.address, amount: unit / 4)),
            .init(sender: alice.address, operation: .redelegate(source: keys[0], destination: keys[1], amount: unit / 4)),
        ])
        #expect(r.rejections[0] == nil && r.rejections[1] == nil && r.rejections[3] == nil)
        // Alice now delegates to keys[0] and keys[1] (2 = the cap), so the third destination fails
        // on the delegation cap; the pending-pair cap is checked before any state changes.
        #expect(rejection(r.rejections[2]) == .tooManyDelegations(limit: 2))
        try c.block([.init(sender: alice.address, operation: .undelegate(validator: keys[1], amount: unit / 8))])
        let r2 = try c.block([.init(sender: alice.address, operation: .delegate(validator: genesisValidator.address, amount: unit)),
                              .init(sender: alice.address, operation: .undelegate(validator: genesisValidator.address, amount: unit / 2))])
        #expect(rejection(r2.rejections[0]) == .tooManyDelegations(limit: 2))
        #expect(rejection(r2.rejections[1]) == .tooManyPendingPairs(limit: 2))
    }

    @Test func perValidatorPendingCap() throws {
        var c = try StakingChain(validators: [(genesisValidator, 10)],
                                 balances: StakingKeys.all.map { ($0.address, 10 * unit) },
                                 staking: testStakingParameters { $0.maxPendingPerValidator = 2 })
        let v = genesisValidator.address
        let delegators = StakingKeys.all[1...3].map(\.address)
        try c.block(delegators.map { .init(sender: $0, operation: .delegate(validator: v, amount: unit)) })
        let r = try c.block(delegators.map { .init(sender: $0, operation: .undelegate(validator: v, amount: unit / 2)) })
        #expect(r.rejections[0] == nil && r.rejections[1] == nil)
        #expect(rejection(r.rejections[2]) == .validatorQueueFull(validator: v, limit: 2))
    }

    @Test func editValidatorCommissionIsBoundedPerEpoch() throws {
        var c = try chain()
        let v = genesisValidator.address
        let edit = { (rate: UInt64) in StakingChain.Op(sender: v, operation: .editValidator(validator: v, commission: rate)) }
        // Epoch length 5: heights 1–5 are epoch 0.
        let r = try c.block([edit(30_000), edit(20_000), edit(10_000),
                             .init(sender: alice.address, operation: .editValidator(validator: v, commission: 0)),
                             .init(sender: v, operation: .editValidator(validator: v, commission: nil))])
        #expect(rejection(r.rejections[0]) == .commissionChangeTooLarge(maximum: 20_000, got: 30_000))
        #expect(r.rejections[1] == nil)
        #expect(rejection(r.rejections[2]) == .commissionAlreadyChanged(epoch: 0))
        #expect(rejection(r.rejections[3]) == .notOperator(validator: v, operatorAddress: v, sender: alice.address))
        #expect(rejection(r.rejections[4]) == .nothingToChange)
        try c.run(to: 5)
        #expect(rejection(try c.block([edit(40_000)]).rejections[0]) == nil, "a new epoch allows one more change")
        #expect(c.validator(v)?.commission == 40_000)
    }

    @Test func redelegateMovesStakeAndForbidsHopping() throws {
        var c = try chain()
        let a = genesisValidator.address
        try c.block([.init(sender: bob.address, operation: .createValidator(consensusKey: newKey.address, commission: 0, selfBond: 5 * unit)),
                     .init(sender: alice.address, operation: .delegate(validator: a, amount: 10 * unit))])
        let r = try c.block([.init(sender: alice.address, operation: .redelegate(source: a, destination: newKey.address, amount: 4 * unit))])
        #expect(r.rejections[0] == nil)
        #expect(c.validator(a)?.tokens == 16 * unit)
        #expect(c.validator(newKey.address)?.tokens == 9 * unit)
        #expect(c.query { try Staking.redelegations(of: alice.address, &$0) }.map(\.entries) ==
                [[PendingEntry(creationHeight: 2, completionHeight: 12, initialAmount: 4 * unit, balance: 4 * unit)]])
        let r2 = try c.block([
            .init(sender: alice.address, operation: .redelegate(source: newKey.address, destination: a, amount: unit)),
            .init(sender: alice.address, operation: .redelegate(source: a, destination: a, amount: unit)),
        ])
        #expect(rejection(r2.rejections[0]) == .redelegationNotMatured(validator: newKey.address))
        #expect(rejection(r2.rejections[1]) == .sameValidator)
        try c.run(to: 12)
        #expect(c.query { try Staking.redelegations(of: alice.address, &$0) }.isEmpty)
        #expect(try c.block([.init(sender: alice.address, operation: .redelegate(source: newKey.address, destination: a, amount: unit))])
            .rejections[0] == nil, "after maturity the stake may move on")
        c.expectSupplyConserved()
    }

    @Test func operatorBelowMinSelfBondIsJailedAndUnjailsAfterBondingBack() throws {
        var c = try chain()
        let v = genesisValidator.address
        let r = try c.block([.init(sender: v, operation: .undelegate(validator: v, amount: 9 * unit + 1))])
        #expect(r.rejections[0] == nil)
        #expect(c.validator(v)?.jailed == true)
        let unjail = StakingChain.Op(sender: v, operation: .unjail(validator: v))
        #expect(rejection(try c.block([unjail]).rejections[0]) == .selfBondTooLow(minimum: unit, got: unit - 1))
        // Bond back up via a delegation by the operator itself; the genesis validator has no balance, so fund it.
        c.state.entries[.account(v)] = Account(balance: 2 * unit, nonce: 0).canonicalBytes
        let r2 = try c.block([.init(sender: v, operation: .delegate(validator: v, amount: unit)), unjail])
        #expect(allApplied(r2.rejections))
        #expect(c.validator(v)?.jailed == false)
    }
}
