import CairnCore
import CairnCrypto
import CairnMempool
@testable import CairnNode
import CairnState
import CairnStorage
import Testing

@Suite("Block production")
struct BlockProductionTests {
    @Test func producesSignedBlocksThatCommitTransfers() async throws {
        let node = try TestNode()
        defer { node.close() }
        let tx = TestNode.transfer(TestNode.alice, to: TestNode.bob.address, amount: 250, nonce: 0)
        _ = try await node.mempool.submit(tx)
        let block = try #require(try await node.produceBlock())
        #expect(block.header.height == 1)
        #expect(block.header.previousBlockID == node.chain.genesisHash)
        #expect(block.transactions == [tx])
        #expect(block.header.transactionsRoot == MerkleRoot.of([tx.id]))

        // The commit verifies against the genesis validator set.
        let commit = try #require(try node.chain.database.commit(height: 1))
        try TestNode.genesis.validators.verify(commit: commit, chainID: TestNode.chainID, height: 1, blockID: block.id)

        // Balances and nonce; the fee waits in the fee collector, not in the proposer's account.
        #expect(try node.chain.database.account(TestNode.alice.address) == Account(balance: 1_000_000 - 250 - TestNode.minFee, nonce: 1))
        #expect(try node.chain.database.account(TestNode.bob.address) == Account(balance: 750, nonce: 0))
        #expect(try node.chain.database.account(TestNode.validator.address) == .empty)
        #expect(try node.chain.database.account(ModuleAccount.feeCollector).balance == TestNode.minFee)

        // Block 2's beginBlock pays the pot to the signers of block 1: the single validator, whose
        // commission is 0, so all of it is credited to its delegators (its own self-bond) to withdraw.
        _ = try #require(try await node.produceBlock())
        var after = StateView(node.chain.database)
        #expect(try node.chain.database.account(ModuleAccount.feeCollector).balance == 0)
        #expect(try node.chain.database.account(Staking.rewardPool).balance == 0)
        #expect(try Staking.validator(TestNode.validator.address, &after)?.rewardPool == TestNode.minFee)
        #expect(try node.chain.database.account(TestNode.validator.address) == .empty)

        // The header's state root is the root of the stored tree, and proves the accounts.
        let proof = try SparseMerkleTree(store: node.chain.database.treeNodes)
            .prove(root: block.header.stateRoot, key: StateKey.account(TestNode.bob.address).treeKey)
        #expect(proof.verify(root: block.header.stateRoot, key: StateKey.account(TestNode.bob.address).treeKey,
                             valueHash: StateKey.valueHash(encoded: Account(balance: 750, nonce: 0).canonicalBytes)))

        // The mempool forgot the committed transaction; resubmitting it is a replay.
        #expect(await node.mempool.contains(tx.id) == false)
        await #expect(throws: MempoolError.alreadyCommitted(tx.id, height: 1)) { _ = try await node.mempool.submit(tx) }
    }

    @Test func blockTimesStrictlyIncreaseAndEmptyBlocksFollowTheSetting() async throws {
        let node = try TestNode()
        defer { node.close() }
        let first = try #require(try await node.produceBlock())
        let second = try #require(try await node.produceBlock())
        #expect(second.header.time > first.header.time)
        #expect(second.header.previousBlockID == first.id)
        #expect(first.header.time > TestNode.genesis.genesisTime)

        #expect(try node.chain.tip().height == 2)
    }

    @Test func withoutEmptyBlocksOnlyTransactionsStartAHeight() async throws {
        let node = try TestNode(clockStart: 1, createEmptyBlocks: false)
        defer { node.close() }
        #expect(try await node.produceBlock() == nil)
        #expect(try node.chain.tip().height == 0)
        _ = try await node.mempool.submit(TestNode.transfer(TestNode.alice, to: TestNode.bob.address, amount: 1, nonce: 0))
        let first = try #require(try await node.produceBlock())
        #expect(first.header.height == 1)
        // A clock behind the genesis time still gives a later time.
        #expect(first.header.time == TestNode.genesis.genesisTime + 1)
        #expect(try await node.produceBlock() == nil)
    }

    @Test func restartResumesAtTheSameTipAndRoot() async throws {
        let directory = NSTemporaryDirectory() + "cairn-node-restart-\(UInt64.random(in: 0...UInt64.max))"
        var tip: ChainTip
        do {
            let node = try TestNode(directory: directory)
            for nonce in 0..<3 as Range<UInt64> {
                _ = try await node.mempool.submit(TestNode.transfer(TestNode.alice, to: TestNode.bob.address, amount: 1, nonce: nonce))
                try await node.produceBlock()
            }
            tip = try node.chain.tip()
            node.chain.close()
        }
        let reopened = try TestNode(directory: directory)
        defer { reopened.close() }
        #expect(try reopened.chain.tip() == tip)
        let next = try #require(try await reopened.produceBlock())
        #expect(next.header.height == tip.height + 1)
        #expect(next.header.previousBlockID == tip.blockID)
    }

    @Test func aDataDirectoryRefusesAnotherGenesis() throws {
        let node = try TestNode()
        let path = node.directory + "/chain"
        node.chain.close()
        defer { node.close() }
        var other = TestNode.genesis
        other.parameters = [.consensus(ConsensusParameters(minTransactionFee: 1))]
        #expect {
            _ = try NodeChain(directory: path, genesis: other)
        } throws: { error in
            "\(error)".contains("belongs to the chain with genesis")
        }
    }
}

import Foundation
import Logging
