import CairnCore
import CairnCrypto
import CairnState
import CairnStorage
import Testing

@Suite("Block builder")
struct BlockBuilderTests {
    let alice = TestKeys.alice.address, bob = TestKeys.bob.address, proposer = TestKeys.proposer.address
    var genesis: Genesis { makeGenesis(balances: [(alice, 1_000), (bob, 50)]) }

    @Test func leavesOutCandidatesThatCannotApply() throws {
        try withChain(genesis) { db in
            let parent = try #require(try db.tip())
            let good1 = transfer(from: TestKeys.alice, to: TestKeys.carol.address, amount: 100, nonce: 0)
            let replay = good1
            let gap = transfer(from: TestKeys.bob, to: alice, amount: 1, nonce: 1)
            let poor = transfer(from: TestKeys.bob, to: alice, amount: 41, nonce: 0)
            let wrongChain = transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 1, chain: "elsewhere")
            let good2 = transfer(from: TestKeys.alice, to: bob, amount: 5, nonce: 1)
            let good3 = transfer(from: TestKeys.bob, to: alice, amount: 40, nonce: 0)
            let builder = BlockBuilder(executor: executor)
            let built = try builder.build(parent: parent, time: genesis.genesisTime + 1_000, proposer: proposer,
                                          candidates: [good1, replay, gap, poor, wrongChain, good2, good3], database: db)
            #expect(built.executed.transactionIDs == [good1.id, good2.id, good3.id])
            #expect(built.block.transactions == [good1.transaction, good2.transaction, good3.transaction])
            #expect(built.executed.senders == [alice, alice, bob])
            #expect(built.skipped.map { $0.transaction.id } == [replay.id, gap.id, poor.id, wrongChain.id])
            #expect(built.skipped.map { $0.reason } == [
                .nonceAlreadyUsed(accountNonce: 1, got: 0), .nonceGap(expected: 0, got: 1),
                .insufficientFunds(needed: 51, available: 50), .wrongChain(expected: chainID, got: "elsewhere"),
            ])
            #expect(built.executed.outcome.results.map(\.feePaid) == [10, 10, 10])
            #expect(built.executed.outcome.results[0].events == [Event(module: "bank", kind: "transfer", ["from": Event.value(alice), "to": Event.value(TestKeys.carol.address), "amount": "100"])])

            let h = built.block.header
            #expect(h.chainID == chainID && h.height == 1 && h.time == genesis.genesisTime + 1_000)
            #expect(h.previousBlockID == genesis.hash)
            #expect(h.transactionsRoot == MerkleRoot.of([good1.id, good2.id, good3.id]))
            #expect(h.attestationsRoot == MerkleRoot.of([]))
            #expect(h.proposer == proposer && h.protocolVersion == 1)
            #expect(h.stateRoot == built.executed.treeUpdate.root)

            // A verifier re-executing the block from the same state reaches the same changes and root.
            let replayed = try executor.execute([good1, good2, good3], proposer: proposer, state: db)
            #expect((try replayed.changedAccounts()).map(\.address) == (try built.executed.outcome.changedAccounts()).map(\.address))
            #expect((try replayed.changedAccounts()).map(\.account) == (try built.executed.outcome.changedAccounts()).map(\.account))
            let root = try StateCommitment.update(root: parent.stateRoot, changes: replayed.changes, nodes: db.treeNodes).root
            #expect(root == h.stateRoot)
        }
    }

    @Test func stateRootCommitsToEveryEntry() throws {
        try withChain(genesis) { db in
            let parent = try #require(try db.tip())
            let built = try BlockBuilder(executor: executor).build(
                parent: parent, time: 1, proposer: proposer,
                candidates: [transfer(from: TestKeys.alice, to: bob, amount: 100, nonce: 0)], database: db)
            // Every entry of the state after the block, written out: the two accounts, the fee
            // collector holding the fee (not the proposer), the genesis validator's staking records
            // (power 1 = 10^18 base units bonded by itself, Specs/staking.md §9), the globals, and the
            // runtime's records (parameters, chain version, supply; Specs/runtime.md §9).
            let stake: Amount = 1_000_000_000_000_000_000
            var all: [(StateKey, [UInt8])] = [
                (.account(alice), Account(balance: 890, nonce: 1).canonicalBytes),
                (.account(bob), Account(balance: 150, nonce: 0).canonicalBytes),
                (.account(ModuleAccount.feeCollector), Account(balance: 10, nonce: 0).canonicalBytes),
                (.validator(proposer), ValidatorRecord(operatorAddress: proposer, tokens: stake, totalShares: stake,
                                                       commission: 0, createdHeight: 0).canonicalBytes),
                (.delegation(proposer, proposer), DelegationRecord(shares: stake, rewardStart: 0).canonicalBytes),
                (.delegatorDelegations(proposer), AddressList([proposer]).canonicalBytes),
                (.candidates, AddressList([proposer]).canonicalBytes),
                (.stakingGlobals, StakingGlobals(activeSet: [Validator(address: proposer, power: 1)]).canonicalBytes),
                (RuntimeNamespace.parametersKey("bank"), BankParameters().canonicalBytes),
                (RuntimeNamespace.parametersKey("consensus"), parameters.canonicalBytes),
                (RuntimeNamespace.parametersKey("coverage"), CoverageParameters().canonicalBytes),
                (RuntimeNamespace.parametersKey("devices"), DevicesParameters().canonicalBytes),
                (RuntimeNamespace.parametersKey("emission"), EmissionParameters().canonicalBytes),
                (RuntimeNamespace.parametersKey("energy"), EnergyParameters().canonicalBytes),
                (RuntimeNamespace.parametersKey("staking"), StakingParameters().canonicalBytes),
                (RuntimeNamespace.parametersKey("storage"), StorageParameters().canonicalBytes),
                (ChainVersion.key, ChainVersion(version: 1).canonicalBytes),
                (SupplyRecord.key, SupplyRecord(total: 1_050 + stake).canonicalBytes),
            ]
            let fresh = try SparseMerkleTree(store: InMemorySparseMerkleNodeStore()).update(root: .zero, changes: all.map {
                (key: $0.0.treeKey, valueHash: StateKey.valueHash(encoded: $0.1))
            })
            #expect(fresh.root == built.block.header.stateRoot)
            // The same entries with a fee collector that missed the fee give another root.
            all[2] = (.account(ModuleAccount.feeCollector), Account(balance: 0, nonce: 0).canonicalBytes)
            let wrong = try SparseMerkleTree(store: InMemorySparseMerkleNodeStore()).update(root: .zero, changes: all.map {
                (key: $0.0.treeKey, valueHash: StateKey.valueHash(encoded: $0.1))
            })
            #expect(wrong.root != built.block.header.stateRoot)
        }
    }

    /// A skipped candidate from an account that does not exist must leave no trace in the state:
    /// a verifier executing only the included transactions must reach the header's state root.
    @Test
    func skippedCandidateFromAFreshAccountLeavesNoEntry() throws {
        try withChain(genesis) { db in
            let parent = try #require(try db.tip())
            let good = transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 0)
            let broke = transfer(from: TestKeys.carol, to: bob, amount: 1, nonce: 0)   // carol has no account
            let built = try BlockBuilder(executor: executor).build(
                parent: parent, time: 1, proposer: proposer, candidates: [broke, good], database: db)
            #expect(built.executed.transactionIDs == [good.id])
            #expect(!(try built.executed.outcome.changedAccounts()).contains { $0.address == TestKeys.carol.address })
            let replayed = try executor.execute([good], proposer: proposer, state: db)
            let root = try StateCommitment.update(root: parent.stateRoot, changes: replayed.changes, nodes: db.treeNodes).root
            #expect(root == built.block.header.stateRoot)
        }
    }

    @Test func respectsBlockLimits() throws {
        let small = ConsensusParameters(maxBlockTransactions: 2, maxBlockBytes: 1 << 20, minTransactionFee: 10)
        let g = makeGenesis(balances: [(alice, 1_000)], parameters: small)
        try withChain(g) { db in
            let parent = try #require(try db.tip())
            let txs = (0..<4).map { transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: UInt64($0)) }
            let built = try BlockBuilder(executor: executor)
                .build(parent: parent, time: 1, proposer: proposer, candidates: txs, database: db)
            #expect(built.executed.transactionIDs == [txs[0].id, txs[1].id])
            #expect(built.skipped.isEmpty)
        }
        // The byte limit at its smallest (one largest transaction): the candidates that fit.
        let size = transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 0).encodedSize
        let tight = ConsensusParameters(maxBlockTransactions: 1_000, maxBlockBytes: UInt64(Transaction.maxEncodedBytes), minTransactionFee: 10)
        try withChain(makeGenesis(balances: [(alice, 100_000)], parameters: tight)) { db in
            let parent = try #require(try db.tip())
            let txs = (0..<(Transaction.maxEncodedBytes / size + 3)).map { transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: UInt64($0)) }
            // Sizes grow by a byte from nonce 128 on: count what fits in order.
            var fit = 0, bytes = 0
            while fit < txs.count, bytes + txs[fit].encodedSize <= Transaction.maxEncodedBytes { bytes += txs[fit].encodedSize; fit += 1 }
            let built = try BlockBuilder(executor: executor)
                .build(parent: parent, time: 1, proposer: proposer, candidates: txs, database: db)
            #expect(built.executed.transactionIDs.count == fit)
            #expect(built.block.transactions.map { $0.canonicalBytes.count }.reduce(0, +) <= Transaction.maxEncodedBytes)
        }
    }

    @Test func emptyBlockKeepsTheParentsStateRoot() throws {
        try withChain(genesis) { db in
            let parent = try #require(try db.tip())
            let built = try BlockBuilder(executor: executor)
                .build(parent: parent, time: 1, proposer: proposer, candidates: [], database: db)
            #expect(built.block.header.stateRoot == parent.stateRoot)
            #expect(built.block.header.transactionsRoot == MerkleRoot.of([]))
            #expect(built.executed.outcome.changes.isEmpty)
        }
    }

    @Test func genesisStateHoldsTheAllocationsAndTheStakingRecords() throws {
        let (changes, tree) = try StateCommitment.genesis(genesis)
        // The accounts, then the validator's records (Specs/staking.md §9), in state-key order.
        #expect(changes.map(\.key) == [alice, bob].sorted().map(StateKey.account)
                + [.validator(proposer), .delegation(proposer, proposer), .delegatorDelegations(proposer), .candidates, .stakingGlobals,
                   RuntimeNamespace.parametersKey("bank"), RuntimeNamespace.parametersKey("consensus"),
                   RuntimeNamespace.parametersKey("coverage"), RuntimeNamespace.parametersKey("devices"), RuntimeNamespace.parametersKey("emission"),
                   RuntimeNamespace.parametersKey("energy"), RuntimeNamespace.parametersKey("staking"), RuntimeNamespace.parametersKey("storage"),
                   ChainVersion.key, SupplyRecord.key])
        let accounts = changes.filter { $0.key.namespace == StateKey.accountNamespace }
        #expect(try accounts.map { try Account(canonicalBytes: $0.value ?? []) }
                == [(alice, 1_000), (bob, 50)].sorted { $0.0 < $1.0 }.map { Account(balance: $0.1, nonce: 0) })
        let stake = StakingParameters.defaults.powerReduction   // power 1
        let value = Dictionary(uniqueKeysWithValues: changes.map { ($0.key, $0.value) })
        #expect(value[.validator(proposer)] == ValidatorRecord(operatorAddress: proposer, tokens: stake, totalShares: stake,
                                                                commission: 0, createdHeight: 0).canonicalBytes)
        #expect(value[.delegation(proposer, proposer)] == DelegationRecord(shares: stake, rewardStart: 0).canonicalBytes)
        #expect(value[.candidates] == AddressList([proposer]).canonicalBytes)
        #expect(value[.stakingGlobals] == StakingGlobals(activeSet: [Validator(address: proposer, power: 1)]).canonicalBytes)

        let store = InMemorySparseMerkleNodeStore()
        store.apply(tree)
        let t = SparseMerkleTree(store: store)
        #expect(try t.get(root: tree.root, key: StateKey.account(alice).treeKey) == StateKey.valueHash(encoded: Account(balance: 1_000, nonce: 0).canonicalBytes))
        // A validator's stake is minted and bonded, not an account balance.
        #expect(try t.get(root: tree.root, key: StateKey.account(proposer).treeKey) == nil)
        #expect(try t.get(root: tree.root, key: StateKey.stakingGlobals.treeKey) != nil)
        // No allocations: the staking records alone, so not the empty root.
        let (bare, bareTree) = try StateCommitment.genesis(makeGenesis(balances: []))
        #expect(bare.map(\.key) == Array(changes.map(\.key).dropFirst(2)))
        #expect(value[SupplyRecord.key] == SupplyRecord(total: 1_050 + stake).canonicalBytes)
        #expect(value[ChainVersion.key] == ChainVersion(version: 1).canonicalBytes)
        #expect(bareTree.root != .zero)
    }
}
