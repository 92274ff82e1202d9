import CairnCore
import CairnCrypto
@testable import CairnState
import Testing

/// Rewards: fees and emission to the parent's signers pro rata, commission, lazy settlement
/// through the reward-per-share accumulator (Specs/staking.md §7).
struct StakingRewardsTests {
    let a = StakingKeys.all[0]
    let b = StakingKeys.all[4]
    let alice = StakingKeys.all[1]
    let bob = StakingKeys.all[2]

    func chain(emission: EmissionParameters = EmissionParameters(),
               _ change: (inout StakingParameters) -> Void = { _ in }) throws -> StakingChain {
        try StakingChain(validators: [(a, 10), (b, 30)],
                         balances: [(alice.address, 100 * unit), (bob.address, 100 * unit)],
                         staking: testStakingParameters { $0.maxCommissionChange = 1_000_000; change(&$0) },
                         emission: emission)
    }

    @Test func feesGoToTheParentsSignersProRataWithCommission() throws {
        var c = try chain()
        try c.block([.init(sender: b.address, operation: .editValidator(validator: b.address, commission: 100_000))])
        try c.block(fees: 4_000)
        #expect(c.rewardPot == 4_000, "collected at height 2, paid at 3")
        try c.block()
        #expect(c.rewardPot == 0)
        // Powers 10 : 30 → 1 000 and 3 000; B keeps 10 % = 300 as commission.
        #expect(c.balance(b.address) == 300)
        #expect(c.query { try Staking.delegation(b.address, b.address, &$0) }?.pendingRewards == 2_700)
        #expect(c.query { try Staking.delegation(a.address, a.address, &$0) }?.pendingRewards == 1_000)
        let w = try c.block([.init(sender: a.address, operation: .withdrawRewards(validator: a.address))])
        #expect(w.rejections[0] == nil)
        #expect(c.balance(a.address) == 1_000)
        #expect(c.query { try Staking.delegation(a.address, a.address, &$0) }?.pendingRewards == 0)
        #expect(rejection(try c.block([.init(sender: bob.address, operation: .withdrawRewards(validator: a.address))]).rejections[0])
                == .noDelegation(delegator: bob.address, validator: a.address))
        c.expectSupplyConserved()
    }

    @Test func onlySignersArePaidAndRemaindersStayInThePot() throws {
        var c = try chain()
        try c.block(fees: 1_001)
        try c.block(signers: [b.address])
        // 1 001 over 30·10^18 shares is not a whole number of 10^-27 units per share: the
        // accumulator rounds down, the delegator may get one base unit less, which stays in the pool.
        let pending = try #require(c.query { try Staking.delegation(b.address, b.address, &$0) }?.pendingRewards)
        #expect(pending == 1_000 || pending == 1_001)
        #expect(c.validator(b.address)?.rewardPool == 1_001)
        #expect(c.query { try Staking.delegation(a.address, a.address, &$0) }?.pendingRewards == 0)
        try c.block(fees: 1_001)
        try c.block()
        // ⌊1001·10/40⌋ = 250 and ⌊1001·30/40⌋ = 750: one base unit waits in the pot.
        #expect(c.query { try Staking.delegation(a.address, a.address, &$0) }?.pendingRewards == 250)
        #expect(c.rewardPot == 1)
        c.expectSupplyConserved()
    }

    @Test func delegatorsShareByTheirSharesAndSettleLazily() throws {
        var c = try chain()
        try c.block([.init(sender: alice.address, operation: .delegate(validator: a.address, amount: 30 * unit))])
        // The set of height 3 has A at 40; heights 1–2 still sign with A at 10.
        try c.run(to: 3)
        try c.block(fees: 8_000)           // height 4
        try c.block(signers: [a.address])  // height 5 pays 8 000 to A alone
        #expect(c.query { try Staking.delegation(alice.address, a.address, &$0) }?.pendingRewards == 6_000)
        #expect(c.query { try Staking.delegation(a.address, a.address, &$0) }?.pendingRewards == 2_000)
        // Distribution touched validator records, never a delegation.
        #expect(!c.lastChanges.contains { $0.key.namespace == StateKey.StakingNamespace.delegation })
        #expect(c.lastChanges.contains { $0.key == .validator(a.address) })
        // Bob joins after: earns nothing of what was paid before.
        try c.block([.init(sender: bob.address, operation: .delegate(validator: a.address, amount: 40 * unit))], fees: 1_600)
        #expect(c.query { try Staking.delegation(bob.address, a.address, &$0) }?.pendingRewards == 0)
        try c.block(signers: [a.address])
        // A's set power at the parent (height 6) is still 40 (Bob's stake counts from height 8), but
        // the per-share split is by current shares: Bob 40/80, Alice 30/80, A 10/80 of 1 600.
        #expect(c.query { try Staking.delegation(bob.address, a.address, &$0) }?.pendingRewards == 800)
        // Alice's rewards are paid when her delegation changes (here: she undelegates).
        let before = c.balance(alice.address)
        try c.block([.init(sender: alice.address, operation: .undelegate(validator: a.address, amount: unit))])
        let paid = c.balance(alice.address) - before
        #expect(paid <= 6_600 && paid >= 6_599)
        c.expectSupplyConserved()
    }

    @Test func emissionSpreadsEachEpochExactly() throws {
        let p = stakingEmission(perEpoch: 7, epochLength: 5)
        #expect((1...5).map { p.amount(at: $0) } == [1, 1, 2, 1, 2])
        #expect((1...50).reduce(Amount(0)) { $0 + p.amount(at: $1) } == 70)
        let big = stakingEmission(perEpoch: Amount.max / 2, epochLength: 3)
        #expect((1...3).reduce(Amount(0)) { $0 + big.amount(at: $1) } == Amount.max / 2)
        var c = try chain(emission: stakingEmission(perEpoch: 1_000_000, epochLength: 5))
        try c.run(to: 10)
        #expect(c.supplyRecord().minted == 2_000_000)
        #expect(c.supply() == c.initialSupply + 2_000_000)
        // Emission of height h is paid at h + 1: everything but the last block's has been distributed (less dust).
        #expect(c.rewardPot < 200_000 + 2)
        c.expectSupplyConserved()
    }

    @Test func activeSetIsTopNByTokensTiesByAddressAndTakesEffectTwoBlocksLater() throws {
        let keys = StakingKeys.all[5...8].sorted { $0.address < $1.address }
        var c = try StakingChain(validators: [(a, 10)], balances: keys.map { ($0.address, 100 * unit) },
                                 staking: testStakingParameters { $0.maxValidators = 3 })
        // Two with 20, one with 20 (tie), one with 0.5 (below one power unit → never in the set).
        let r = try c.block([
            .init(sender: keys[3].address, operation: .createValidator(consensusKey: keys[3].address, commission: 0, selfBond: 20 * unit)),
            .init(sender: keys[1].address, operation: .createValidator(consensusKey: keys[1].address, commission: 0, selfBond: 20 * unit)),
            .init(sender: keys[2].address, operation: .createValidator(consensusKey: keys[2].address, commission: 0, selfBond: 20 * unit)),
        ])
        #expect(allApplied(r.rejections))
        // Top 3 by tokens: the three with 20 beat A (10); ties need no break here.
        #expect(r.update == ValidatorSet([keys[1], keys[2], keys[3]].map { Validator(address: $0.address, power: 20) }))
        #expect(c.sets[2] == ValidatorSet([Validator(address: a.address, power: 10)]))
        #expect(c.sets[3] == r.update)
        // Nothing changed: no update.
        #expect(try c.block().update == nil)
        // A reaches 20 too: a four-way tie at 20 for three seats; lower addresses win.
        c.state.entries[.account(a.address)] = Account(balance: 10 * unit, nonce: 0).canonicalBytes
        let r2 = try c.block([.init(sender: a.address, operation: .delegate(validator: a.address, amount: 10 * unit))])
        let tied = ([a] + keys[1...3]).map(\.address).sorted()
        #expect(r2.update == ValidatorSet(tied.prefix(3).map { Validator(address: $0, power: 20) }))
        #expect(c.sets[c.height + 2] == r2.update && c.sets[c.height + 1] == r.update)
        // Below one unit of power: out.
        let r3 = try c.block([.init(sender: keys[0].address,
                                    operation: .createValidator(consensusKey: keys[0].address, commission: 0, selfBond: unit)),
                              .init(sender: keys[0].address, operation: .undelegate(validator: keys[0].address, amount: unit / 2))])
        #expect(allApplied(r3.rejections))
        #expect(r3.update == nil)
        #expect(c.validator(keys[0].address)?.jailed == true, "its operator fell below min_self_bond")
    }
}
