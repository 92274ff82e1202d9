import CairnCore
import CairnCrypto
@testable import CairnState
import CairnTestSupport
import Testing

/// Random sequences of staking operations, signer sets, fees and evidence: after every block the
/// supply is exactly initial + fees brought in + emitted − burned, and every validator's shares
/// are exactly the sum of its delegations' shares.
struct StakingPropertyTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func supplyIsConservedOverRandomBlocks(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let validatorKeys = Array(StakingKeys.all[0...2])
        let users = Array(StakingKeys.all[3...9])
        var c = try StakingChain(validators: validatorKeys.map { ($0, 10) },
                                 balances: users.map { ($0.address, 1_000 * unit) },
                                 staking: testStakingParameters { $0.maxValidators = 4 },
                                 emission: stakingEmission(perEpoch: 12_345_678_901))
        var consensus = validatorKeys.map(\.address)
        var evidenceFor: PrivateKey?
        var applied: [UInt64: Int] = [:]
        for _ in 0..<150 {
            var ops: [StakingChain.Op] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let user = users.randomElement(using: &rng)!.address
                let v = consensus.randomElement(using: &rng)!
                let w = consensus.randomElement(using: &rng)!
                let amount = Amount(UInt64.random(in: 1...20, using: &rng)) * unit / Amount(UInt64.random(in: 1...7, using: &rng))
                let op: StakingOperation = switch Int.random(in: 0..<8, using: &rng) {
                case 0, 1: .delegate(validator: v, amount: amount)
                case 2: .undelegate(validator: v, amount: amount / 2)
                case 3: .redelegate(source: v, destination: w, amount: amount / 3)
                case 4: .withdrawRewards(validator: v)
                case 5: .unjail(validator: v)
                case 6: .editValidator(validator: v, commission: UInt64.random(in: 0...20_000, using: &rng))
                default: .createValidator(consensusKey: Address(unchecked: (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }),
                                          commission: UInt64.random(in: 0...500_000, using: &rng), selfBond: 2 * unit)
                }
                ops.append(.init(sender: user, operation: op, fee: Amount(UInt64.random(in: 0...5_000, using: &rng))))
            }
            let last = c.sets[c.height]?.validators.map(\.address) ?? []
            let signers = last.filter { _ in Int.random(in: 0..<10, using: &rng) < 8 }
            var evidence: [DuplicateVoteEvidence] = []
            if let key = evidenceFor, c.height >= 2, c.validator(key.address)?.tombstoned == false {
                evidence = [doubleSign(key, height: c.height - 1)]
                evidenceFor = nil
            } else if Int.random(in: 0..<25, using: &rng) == 0 {
                evidenceFor = validatorKeys.randomElement(using: &rng)
            }
            let result = try c.block(ops, signers: signers, evidence: evidence, fees: 0)
            for (op, rejection) in zip(ops, result.rejections) where rejection == nil {
                if case .createValidator(let key, _, _)? = try? StakingOperation(op.operation) { consensus.append(key) }
                applied[op.operation.tag, default: 0] += 1
            }
            c.expectSupplyConserved()
            try expectSharesAddUp(c)
        }
        #expect(c.supplyRecord().minted > 0)
        // The sequence reached the interesting paths, not only rejections.
        for tag in [StakingOperation.delegateTag, StakingOperation.undelegateTag, StakingOperation.redelegateTag,
                    StakingOperation.withdrawRewardsTag, StakingOperation.createValidatorTag] {
            #expect(applied[tag, default: 0] > 0, "operation tag \(tag) never applied")
        }
        #expect(c.supplyRecord().burned > 0, "no slashing happened")
    }

    func expectSharesAddUp(_ c: StakingChain) throws {
        var shares: [Address: UInt128] = [:]
        for (key, bytes) in c.state.entries where key.namespace == StateKey.StakingNamespace.delegation {
            let validator = Address(unchecked: Array(key.key[20...]))
            shares[validator, default: 0] += try DelegationRecord(canonicalBytes: bytes).shares
        }
        for (key, bytes) in c.state.entries where key.namespace == StateKey.StakingNamespace.validator {
            let v = try ValidatorRecord(canonicalBytes: bytes)
            #expect(v.totalShares == shares[Address(unchecked: key.key), default: 0])
            #expect(v.totalShares > 0 || v.tokens == 0)
        }
    }
}
