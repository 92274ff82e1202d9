import CairnCore
import CairnCrypto
@testable import CairnState
import CairnTestSupport
import Testing

/// Canonical encodings of the staking records and operations (Specs/staking.md §2.2, §4), the
/// genesis parameters, and the executor running the hooks.
struct StakingEncodingTests {
    static let x = Address(unchecked: [UInt8](repeating: 0xAA, count: 20))
    static let y = Address(unchecked: [UInt8](repeating: 0xBB, count: 20))

    static let operations: [StakingOperation] = [
        .createValidator(consensusKey: x, commission: 50_000, selfBond: 10 * unit),
        .editValidator(validator: x, commission: 7),
        .editValidator(validator: x, commission: nil),
        .delegate(validator: x, amount: 1),
        .undelegate(validator: y, amount: .max),
        .redelegate(source: x, destination: y, amount: 300),
        .unjail(validator: y),
        .withdrawRewards(validator: x),
    ]

    @Test(arguments: operations)
    func operationsRoundTrip(op: StakingOperation) throws {
        let encoded = op.operation.canonicalBytes
        let operation = try Operation(canonicalBytes: encoded)
        #expect(operation.tag == op.tag)
        #expect(try StakingModule.decode(operation) == op)
        // A body with a byte more is not canonical.
        #expect(throws: CanonicalDecodingError.self) {
            try StakingModule.decode(Operation(tag: operation.tag, body: operation.body + [0]))
        }
    }

    @Test func operationBytesAreAsSpecified() {
        // tag 5, then the body's length (20 + 20 + 2 = 42) and the body.
        #expect(StakingOperation.redelegate(source: Self.x, destination: Self.y, amount: 300).operation.canonicalBytes
                == [0x05, 42] + Self.x.bytes + Self.y.bytes + [0xAC, 0x02])
        #expect(StakingOperation.editValidator(validator: Self.x, commission: nil).operation.canonicalBytes
                == [0x02, 21] + Self.x.bytes + [0x00])
        #expect(throws: CanonicalDecodingError.unknownTag(type: "staking operation", tag: 8)) {
            try StakingModule.decode(Operation(tag: 8, body: []))
        }
    }

    @Test func recordsRoundTrip() throws {
        let validator = ValidatorRecord(operatorAddress: Self.x, tokens: 5, totalShares: 6, commission: 7,
                                        commissionChangedEpoch: 8, jailed: true, jailedUntil: .max, tombstoned: true,
                                        rewardPerShare: .max, rewardCarry: 9, rewardPool: 10, createdHeight: 11)
        #expect(try ValidatorRecord(canonicalBytes: validator.canonicalBytes) == validator)
        let entries = PendingEntries([PendingEntry(creationHeight: 1, completionHeight: 2, initialAmount: 3, balance: 4)])
        #expect(try PendingEntries(canonicalBytes: entries.canonicalBytes) == entries)
        let queue = MaturityQueue([.unbonding(delegator: Self.x, validator: Self.y),
                                   .redelegation(delegator: Self.y, source: Self.x, destination: Self.y)])
        #expect(try MaturityQueue(canonicalBytes: queue.canonicalBytes) == queue)
        let globals = StakingGlobals(activeSet: [Validator(address: Self.x, power: 4), Validator(address: Self.y, power: 5)])
        #expect(try StakingGlobals(canonicalBytes: globals.canonicalBytes) == globals)
        var chunk = MissedChunk()
        chunk.set(1023, true)
        #expect(try MissedChunk(canonicalBytes: chunk.canonicalBytes).bit(1023))
        #expect(chunk.canonicalBytes.count == 128 && chunk.canonicalBytes[127] == 0x80)
        let params = testStakingParameters { $0.slashFractionDowntime = 99 }
        #expect(try StakingParameters(canonicalBytes: params.canonicalBytes) == params)
    }

    @Test func listsMustBeSortedAndUnique() {
        let unsorted = [UInt8]([2]) + Self.y.bytes + Self.x.bytes
        #expect(throws: CanonicalDecodingError.self) { try AddressList(canonicalBytes: unsorted) }
        let twice = [UInt8]([2]) + Self.x.bytes + Self.x.bytes
        #expect(throws: CanonicalDecodingError.self) { try AddressList(canonicalBytes: twice) }
        var list = AddressList([Self.y, Self.x, Self.y])
        #expect(list.addresses == [Self.x, Self.y])
        let inserted = list.insert(Self.x)
        #expect(!inserted)
        list.remove(Self.x)
        #expect(list.addresses == [Self.y])
        let badSet = StakingGlobals(activeSet: [Validator(address: Self.y, power: 1), Validator(address: Self.x, power: 1)])
        #expect(throws: CanonicalDecodingError.self) { try StakingGlobals(canonicalBytes: badSet.canonicalBytes) }
    }

    @Test func keysUseTheirNamespaces() {
        #expect(StateKey.validator(Self.x) == StateKey(namespace: 0x02, key: Self.x.bytes))
        #expect(StateKey.redelegation(Self.x, Self.y, Self.x).key == Self.x.bytes + Self.y.bytes + Self.x.bytes)
        #expect(StateKey.maturityQueue(0x0102).key == [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(StateKey.missedChunk(Self.x, 3).key == Self.x.bytes + [0, 0, 0, 0, 0, 0, 0, 3])
        #expect(StateKey.stakingGlobals == StateKey(namespace: 0x0F, key: []))
        #expect(StateKey.candidates.namespace == 0x0E)
    }

    @Test func genesisFileReadsStakingParametersWithDefaults() throws {
        func parse(_ staking: String?) throws -> Genesis {
            let params = #"{"max_block_transactions": 1000, "max_block_bytes": 1048576, "min_transaction_fee": "10""#
                + (staking.map { #", "staking": \#($0)"# } ?? "") + "}"
            let json = #"{"chain_id": "cairn-test", "genesis_time": "2026-01-01T00:00:00Z", "protocol_version": 1, "params": \#(params), "accounts": [], "validators": [{"address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "power": 3}]}"#
            return try GenesisFile.parse(Array(json.utf8))
        }
        func staking(_ g: Genesis) throws -> StakingParameters? {
            try g.parameters(of: "staking").map { try StakingParameters(canonicalBytes: $0) }
        }
        #expect(try staking(parse(nil)) == nil, "no section: the module's defaults at genesis")
        let g = try parse(#"{"unbonding_blocks": 50, "max_evidence_age": 40, "max_validators": 4}"#)
        var expected = StakingParameters()
        expected.unbondingBlocks = 50
        expected.maxEvidenceAge = 40
        expected.maxValidators = 4
        #expect(try staking(g) == expected)
        // The message names the field.
        #expect(throws: GenesisFile.Error("params.staking.emission_per_epoch: is not a parameter of this module")) {
            try parse(#"{"emission_per_epoch": "1000"}"#)
        }
        #expect(throws: GenesisFile.Error("params.staking.max_validators: must be 1 to 65536")) { try parse(#"{"max_validators": 0}"#) }
        #expect(throws: GenesisFile.Error.self) { try parse(#"{"unbonding_blocks": 10}"#) }   // evidence age 100 800 > 10
        #expect(throws: GenesisFile.Error.self) { try parse(#"{"max_validators": 0}"#) }
        #expect(throws: GenesisFile.Error.self) { try parse(#"{"slash_fraction_double_sign": 1000001}"#) }
        #expect(throws: GenesisFile.Error.self) { try parse(#"{"power_reduction": "-1"}"#) }
        // More genesis validators than max_validators.
        #expect(throws: GenesisFile.Error.self) {
            let json = #"{"chain_id": "cairn-test", "genesis_time": "2026-01-01T00:00:00Z", "protocol_version": 1, "params": {"max_block_transactions": 1000, "max_block_bytes": 1048576, "min_transaction_fee": "10", "staking": {"max_validators": 1}}, "accounts": [], "validators": [{"address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "power": 3}, {"address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "power": 3}]}"#
            _ = try GenesisFile.parse(Array(json.utf8))
        }
    }

    /// The executor runs the hooks: evidence in the context tombstones, the set decided by the
    /// block comes back as the outcome's validator update, invalid evidence fails the block.
    @Test func executorRunsTheStakingHooks() throws {
        let a = StakingKeys.all[0], b = StakingKeys.all[4]
        let chain = try StakingChain(validators: [(a, 10), (b, 30)], balances: [], staking: testStakingParameters())
        let set = chain.sets[1]!
        let context = BlockContext(chainID: chainID, height: 2, proposer: b.address, lastCommitSigners: [a.address, b.address].sorted(),
                                   lastValidators: set, evidence: [doubleSign(a, height: 1)])
        let outcome = try executor.execute([], context: context, state: chain.state)
        #expect(outcome.validatorUpdate == ValidatorSet([Validator(address: b.address, power: 30)]))
        let record = try #require(outcome.changes.first { $0.key == .validator(a.address) }?.value)
        #expect(try ValidatorRecord(canonicalBytes: record).tombstoned)
        let bad = BlockContext(chainID: chainID, height: 2, proposer: b.address, lastValidators: set,
                               evidence: [doubleSign(a, height: 2)])
        #expect(throws: BlockRuleViolation(module: "staking", reason: "evidence_not_in_past",
                                           message: "evidence 0 is for height 2, not before block height 2")) {
            try executor.execute([], context: bad, state: chain.state)
        }
    }
}
