import CairnCore
import CairnCrypto
@testable import CairnState
import Testing

/// Evidence, double-sign slashing, tombstoning, downtime jailing (Specs/staking.md §6).
struct StakingSlashingTests {
    let val = StakingKeys.all[0]
    let other = StakingKeys.all[4]
    let alice = StakingKeys.all[1]
    let bob = StakingKeys.all[2]

    func chain(_ change: (inout StakingParameters) -> Void = { _ in }) throws -> StakingChain {
        try StakingChain(validators: [(val, 10), (other, 30)],
                         balances: [(alice.address, 100 * unit), (bob.address, 100 * unit)],
                         staking: testStakingParameters(change))
    }

    @Test func doubleSignSlashesBondedAndLaterUnbondingsJailsAndTombstones() throws {
        var c = try chain()
        let v = val.address
        try c.block([.init(sender: alice.address, operation: .delegate(validator: v, amount: 10 * unit)),
                     .init(sender: bob.address, operation: .delegate(validator: v, amount: 10 * unit))])
        // Alice unbonds at height 2 (before the infraction at 3), Bob at height 4 (after).
        try c.block([.init(sender: alice.address, operation: .undelegate(validator: v, amount: 4 * unit))])
        try c.block()
        try c.block([.init(sender: bob.address, operation: .undelegate(validator: v, amount: 4 * unit))])
        #expect(c.validator(v)?.tokens == 22 * unit)
        let r = try c.block(evidence: [doubleSign(val, height: 3)])
        #expect(c.height == 5)
        let record = try #require(c.validator(v))
        // 5 % of the bonded 22 and of Bob's entry of 4; Alice's older entry is untouched.
        #expect(record.tokens == 22 * unit - 22 * unit / 20)
        #expect(record.jailed && record.tombstoned && record.jailedUntil == .max)
        let aliceEntry = c.query { try Staking.unbondings(of: alice.address, &$0) }[0].entries[0]
        let bobEntry = c.query { try Staking.unbondings(of: bob.address, &$0) }[0].entries[0]
        #expect(aliceEntry.balance == 4 * unit)
        #expect(bobEntry.balance == 4 * unit - 4 * unit / 20)
        #expect(c.supplyRecord().burned == 22 * unit / 20 + 4 * unit / 20)
        // Jailed: gone from the set decided at 5 (governs 7).
        #expect(r.update.map { $0.power(of: v) == nil } == true)
        // Delegators' bonded value fell by 5 % at once (shares unchanged).
        let aliceValue = c.query { try Staking.delegation(alice.address, v, &$0) }?.tokens
        #expect(aliceValue == IntegerMathProbe.value(shares: 6 * unit, record))
        // Never again: unjail, more evidence.
        try c.run(to: 40)
        #expect(rejection(try c.block([.init(sender: v, operation: .unjail(validator: v))]).rejections[0]) == .tombstoned(v))
        let tombstoned = EvidenceError.alreadyTombstoned(index: 0, v)
        #expect(throws: BlockRuleViolation(module: "staking", reason: tombstoned.reason, message: tombstoned.description)) {
            try c.block(evidence: [doubleSign(val, height: 40)])
        }
        c.expectSupplyConserved()
    }

    @Test func unbondedPayoutIsTheSlashedBalance() throws {
        var c = try chain()
        let v = val.address
        try c.block([.init(sender: alice.address, operation: .delegate(validator: v, amount: 10 * unit))])
        try c.block([.init(sender: alice.address, operation: .undelegate(validator: v, amount: 10 * unit))])
        try c.block(evidence: [doubleSign(val, height: 2)])
        try c.run(to: 12)
        #expect(c.balance(alice.address) == 90 * unit + 10 * unit - 10 * unit / 20)
        c.expectSupplyConserved()
    }

    @Test func redelegatedStakeAnswersForTheSource() throws {
        var c = try chain()
        let (src, dst) = (val.address, other.address)
        try c.block([.init(sender: alice.address, operation: .delegate(validator: src, amount: 20 * unit))])
        try c.block([.init(sender: alice.address, operation: .redelegate(source: src, destination: dst, amount: 10 * unit))])
        #expect(c.validator(dst)?.tokens == 40 * unit)
        try c.block(evidence: [doubleSign(val, height: 2)])
        // 5 % of the 10 redelegated is burned from Alice's delegation with the destination.
        #expect(c.validator(dst)?.tokens == 40 * unit - unit / 2)
        #expect(c.query { try Staking.delegation(alice.address, dst, &$0) }?.tokens == 10 * unit - unit / 2)
        #expect(c.query { try Staking.redelegations(of: alice.address, &$0) }[0].entries[0].balance == 10 * unit - unit / 2)
        #expect(c.validator(src)?.tokens == 20 * unit - unit)
        c.expectSupplyConserved()
    }

    @Test func invalidEvidenceMakesTheBlockInvalid() throws {
        var c = try chain()
        try c.run(to: 10)
        let before = c.state.entries
        func violation(_ e: EvidenceError) -> BlockRuleViolation {
            BlockRuleViolation(module: "staking", reason: e.reason, message: e.description)
        }
        #expect(throws: violation(.notInPast(index: 0, evidenceHeight: 11, blockHeight: 11))) {
            try c.block(evidence: [doubleSign(val, height: 11)])
        }
        c.height = 10
        #expect(throws: violation(.tooOld(index: 0, age: 9, maximum: 8))) {
            try c.block(evidence: [doubleSign(val, height: 2)])
        }
        c.height = 10
        let stranger = StakingKeys.all[7]
        #expect(throws: violation(.unknownValidator(index: 0, stranger.address))) {
            try c.block(evidence: [doubleSign(stranger, height: 9)])
        }
        c.height = 10
        #expect(throws: violation(.duplicate(index: 1, val.address))) {
            try c.block(evidence: [doubleSign(val, height: 9), doubleSign(val, height: 8)])
        }
        c.height = 10
        #expect(throws: violation(.tooMany(count: 6, limit: 5))) {
            try c.block(evidence: Array(repeating: doubleSign(val, height: 9), count: 6))
        }
        #expect(c.state.entries == before, "nothing of an invalid block is applied")
        c.height = 10
        var later = c
        try later.block([.init(sender: alice.address, operation: .createValidator(
            consensusKey: stranger.address, commission: 0, selfBond: unit))])
        #expect(throws: violation(.beforeValidatorExisted(index: 0, stranger.address, createdHeight: 11))) {
            try later.block(evidence: [doubleSign(stranger, height: 10)])
        }
        c.height = 10
        // The oldest evidence still accepted is max_evidence_age blocks old.
        try c.block(evidence: [doubleSign(val, height: 3)])
        #expect(c.validator(val.address)?.tombstoned == true)
    }

    @Test func proposersKeepOnlyAdmissibleEvidence() throws {
        var c = try chain()
        try c.run(to: 10)
        let good = doubleSign(val, height: 9)
        // (Signatures are the block verifier's to check, once; see BlockVerifierTests.)
        let candidates = [good, doubleSign(val, height: 8),
                          doubleSign(StakingKeys.all[7], height: 9), doubleSign(other, height: 1), doubleSign(other, height: 5)]
        let chosen = c.query {
            try Staking.admissibleEvidence(candidates, height: 11, parameters: c.staking, &$0)
        }
        #expect(chosen == [good, doubleSign(other, height: 5)])
        #expect(throws: EvidenceError.duplicate(index: 1, val.address)) {
            var view = StateView(c.state)
            try Staking.validate(evidence: [good, doubleSign(val, height: 8)], height: 11,
                                 parameters: c.staking, &view)
        }
        try c.block(evidence: chosen)
        #expect(c.validator(val.address)?.tombstoned == true && c.validator(other.address)?.tombstoned == true)
    }

    @Test func downtimeJailsSlashesAndUnjailsAfterThePeriod() throws {
        // Window 10, min signed 50 %: more than 5 misses in a full window jails for 20 blocks.
        var c = try chain()
        let v = val.address
        let onlyOther = [other.address]
        // Heights 2…6 miss blocks 1…5: five misses, not yet more than allowed.
        try c.run(to: 1)
        for _ in 0..<5 { try c.block(signers: onlyOther) }
        #expect(c.query { try Staking.signingInfo(v, &$0) } == SigningInfo(indexOffset: 5, missedCount: 5))
        #expect(c.validator(v)?.jailed == false)
        // The window must be full (10 tracked blocks) before anyone is jailed.
        try c.block(signers: onlyOther) // 6 misses, 6 tracked
        #expect(c.validator(v)?.jailed == false)
        try c.run(to: 10)
        #expect(c.validator(v)?.jailed == false)
        let r = try c.block()  // height 11: 10 tracked, 6 missed > 5
        #expect(c.height == 11)
        let record = try #require(c.validator(v))
        #expect(record.jailed && !record.tombstoned && record.jailedUntil == 31)
        #expect(record.tokens == 10 * unit - 10 * unit / 100)
        #expect(r.update == ValidatorSet([Validator(address: other.address, power: 30)]))
        #expect(c.read(SigningInfo.self, .signingInfo(v)) == nil, "the window restarts")
        #expect(c.state.entries.keys.contains { $0.namespace == StateKey.StakingNamespace.missedChunk } == false)
        // Jailed validators are not tracked while the old sets still list them.
        try c.run(to: 14, signers: onlyOther)
        #expect(c.read(SigningInfo.self, .signingInfo(v)) == nil)
        try c.run(to: 29)
        let unjail = StakingChain.Op(sender: v, operation: .unjail(validator: v))
        #expect(rejection(try c.block([unjail]).rejections[0]) == .stillJailed(until: 31, height: 30))
        #expect(rejection(try c.block([.init(sender: alice.address, operation: .unjail(validator: v))]).rejections[0])
                == .notOperator(validator: v, operatorAddress: v, sender: alice.address))
        let back = try c.block([unjail])
        #expect(back.rejections[0] == nil)
        #expect(back.update?.power(of: v) == 9, "back in the set decided at the unjail height")
        #expect(rejection(try c.block([unjail]).rejections[0]) == .notJailed(v))
        c.expectSupplyConserved()
    }

    @Test func theWindowSpansChunksAndForgetsOldMisses() throws {
        // Window 1 030 (two chunks); at most 10 misses allowed.
        var c = try chain { $0.signedBlocksWindow = 1_030; $0.minSignedPerWindow = 990_292 }
        #expect(c.staking.maxMissedPerWindow == 10)
        let v = val.address
        try c.run(to: 1)
        // Window index i is block i + 1, recorded at height i + 2. Miss indices 1 020…1 027.
        while c.height < 1_029 {
            let index = c.height + 1 - 2
            try c.block(signers: (1_020...1_027).contains(index) ? [other.address] : nil)
        }
        #expect(c.query { try Staking.signingInfo(v, &$0) } == SigningInfo(indexOffset: 1_028, missedCount: 8))
        let low = try #require(c.read(MissedChunk.self, .missedChunk(v, 0)))
        let high = try #require(c.read(MissedChunk.self, .missedChunk(v, 1)))
        #expect((1_016...1_023).map { low.bit(UInt64($0)) } == [false, false, false, false, true, true, true, true])
        #expect((0...4).map { high.bit(UInt64($0)) } == [true, true, true, true, false])
        // One window later every miss has been overwritten by a signed block.
        try c.run(to: 2_060)
        #expect(c.query { try Staking.signingInfo(v, &$0) }.missedCount == 0)
        #expect(c.read(MissedChunk.self, .missedChunk(v, 0)) == nil && c.read(MissedChunk.self, .missedChunk(v, 1)) == nil)
        #expect(c.validator(v)?.jailed == false)
    }

    @Test func signingInBetweenKeepsTheCountBelowTheLimit() throws {
        var c = try chain()
        let v = val.address
        try c.run(to: 1)
        // Alternate: miss, sign, … for 40 blocks: 50 % missed = 5 per window, never more.
        for i in 0..<40 { try c.block(signers: i % 2 == 0 ? [other.address] : nil) }
        #expect(c.validator(v)?.jailed == false)
        #expect(c.query { try Staking.signingInfo(v, &$0) }.missedCount == 5)
    }
}

/// The value of shares, computed independently of the implementation's helper.
enum IntegerMathProbe {
    static func value(shares: UInt128, _ v: ValidatorRecord) -> Amount {
        let (high, low) = shares.multipliedFullWidth(by: v.tokens)
        return v.totalShares.dividingFullWidth((high, low)).quotient
    }
}
