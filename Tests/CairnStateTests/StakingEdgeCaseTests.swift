import CairnCore
import CairnCrypto
@testable import CairnState
import Testing

/// Rounding and boundary cases of shares, slashing and rewards.
struct StakingEdgeCaseTests {
    let v = StakingKeys.all[0]
    let alice = StakingKeys.all[1]
    let bob = StakingKeys.all[2]

    func chain(_ change: (inout StakingParameters) -> Void = { _ in }) throws -> StakingChain {
        try StakingChain(validators: [(v, 10)], balances: [(alice.address, 100 * unit), (bob.address, 100 * unit)],
                         staking: testStakingParameters(change))
    }

    @Test func sharesAfterASlashRoundInTheStayersFavour() throws {
        var c = try chain()
        try c.block([.init(sender: alice.address, operation: .delegate(validator: v.address, amount: 3 * unit))])
        try c.block(evidence: [doubleSign(v, height: 1)])
        // 13 tokens → 12.35 tokens, 13 shares: a share is now worth 0.95 tokens.
        let record = try #require(c.validator(v.address))
        #expect(record.tokens == 13 * unit - 13 * unit / 20 && record.totalShares == 13 * unit)
        // Bob cannot delegate to a tombstoned validator; Alice withdraws everything she has.
        #expect(rejection(try c.block([.init(sender: bob.address, operation: .delegate(validator: v.address, amount: unit))])
            .rejections[0]) == .tombstoned(v.address))
        let value = try #require(c.query { try Staking.delegation(alice.address, v.address, &$0) }?.tokens)
        #expect(value == 3 * unit * 95 / 100)
        #expect(rejection(try c.block([.init(sender: alice.address, operation: .undelegate(validator: v.address, amount: value + 1))])
            .rejections[0]) == .insufficientDelegation(available: value, requested: value + 1))
        try c.block([.init(sender: alice.address, operation: .undelegate(validator: v.address, amount: value))])
        #expect(c.query { try Staking.delegation(alice.address, v.address, &$0) } == nil, "no worthless shares are left behind")
        #expect(c.read(AddressList.self, .delegatorDelegations(alice.address)) == nil)
        let after = try #require(c.validator(v.address))
        #expect(after.totalShares == 10 * unit)
        #expect(after.tokens == record.tokens - value)
        c.expectSupplyConserved()
    }

    @Test func aFullSlashLeavesAValidatorThatTakesNoDelegations() throws {
        var c = try chain { $0.slashFractionDowntime = 1_000_000; $0.signedBlocksWindow = 2; $0.minSignedPerWindow = 1_000_000 }
        try c.block([.init(sender: bob.address, operation: .createValidator(consensusKey: alice.address, commission: 0, selfBond: 2 * unit))])
        try c.run(to: 3)
        // Alice's key is in the set from height 3 and never signs: jailed and slashed to zero.
        try c.block(signers: [v.address])
        try c.block(signers: [v.address])
        try c.block(signers: [v.address])
        let record = try #require(c.validator(alice.address))
        #expect(record.jailed && record.tokens == 0 && record.totalShares == 2 * unit)
        #expect(rejection(try c.block([.init(sender: alice.address, operation: .delegate(validator: alice.address, amount: unit))])
            .rejections[0]) == .validatorHasNoTokens(alice.address))
        #expect(rejection(try c.block([.init(sender: bob.address, operation: .undelegate(validator: alice.address, amount: 1))])
            .rejections[0]) == .insufficientDelegation(available: 0, requested: 1))
        c.expectSupplyConserved()
    }

    @Test func entriesMaturingAtOneHeightAllComplete() throws {
        var c = try chain()
        try c.block([.init(sender: alice.address, operation: .delegate(validator: v.address, amount: 10 * unit)),
                      .init(sender: bob.address, operation: .delegate(validator: v.address, amount: 10 * unit))])
        try c.block([.init(sender: alice.address, operation: .undelegate(validator: v.address, amount: unit)),
                      .init(sender: bob.address, operation: .undelegate(validator: v.address, amount: 2 * unit)),
                      .init(sender: v.address, operation: .undelegate(validator: v.address, amount: unit))])
        #expect(c.read(MaturityQueue.self, .maturityQueue(12))?.items.count == 3)
        try c.run(to: 12)
        #expect(c.balance(alice.address) == 91 * unit && c.balance(bob.address) == 92 * unit && c.balance(v.address) == unit)
        #expect(!c.state.entries.keys.contains { [StateKey.StakingNamespace.unbonding, StateKey.StakingNamespace.maturityQueue,
                                                  StateKey.StakingNamespace.validatorUnbondings,
                                                  StateKey.StakingNamespace.delegatorUnbondings].contains($0.namespace) })
        c.expectSupplyConserved()
    }

    @Test func anEmptyActiveSetIsNeverReported() throws {
        var c = try chain()
        // The only validator's operator unbonds below the minimum: jailed, no one qualifies.
        let r = try c.block([.init(sender: v.address, operation: .undelegate(validator: v.address, amount: 9 * unit + 1))])
        #expect(c.validator(v.address)?.jailed == true)
        #expect(r.update == nil)
        #expect(c.globals().activeSet == [Validator(address: v.address, power: 10)])
    }

    @Test func rewardsToAValidatorWithoutSharesGoToItsOperator() throws {
        var c = try chain { $0.slashFractionDowntime = 0 }
        try c.block([.init(sender: bob.address, operation: .createValidator(consensusKey: alice.address, commission: 0, selfBond: 2 * unit))])
        try c.run(to: 3)
        // Bob leaves entirely; the record stays in the set of heights 4 and 5 with no shares.
        try c.block([.init(sender: bob.address, operation: .undelegate(validator: alice.address, amount: 2 * unit))], fees: 1_000)
        #expect(c.validator(alice.address)?.totalShares == 0)
        let before = c.balance(bob.address)
        try c.block()
        #expect(c.balance(bob.address) - before == 1_000 * 2 / 12, "operator takes the delegators' part")
        c.expectSupplyConserved()
    }
}
