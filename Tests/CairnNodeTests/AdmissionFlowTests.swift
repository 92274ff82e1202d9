import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
@testable import CairnNode
import CairnState
import Foundation
import Logging
import CairnStorage
import Synchronization
import Testing

/// Full stateful admission (Specs/mempool.md, Specs/runtime.md §10): the mempool refuses what
/// its module would refuse, drops what block building skips, and expires what waits too long;
/// `chain_getTransaction` says what became of each.
@Suite("Mempool admission through the runtime")
struct AdmissionFlowTests {
    static let keys = (0..<50).map { try! PrivateKey(bytes: Hash32.sha256(Array("cairn-admission-\($0)".utf8)).bytes) }
    static let stranger = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-admission-stranger".utf8)).bytes).address

    static func genesis(_ consensus: ConsensusParameters = ConsensusParameters(maxBlockTransactions: 1_000, maxBlockBytes: 1 << 22,
                                                                                minTransactionFee: TestNode.minFee)) -> Genesis {
        Genesis(chainID: TestNode.chainID, genesisTime: 1_000, protocolVersion: 1, parameters: [.consensus(consensus)],
                allocations: keys.map { .init(address: $0.address, balance: 10_000_000_000_000_000_000) },
                validators: ValidatorSet([Validator(address: TestNode.validator.address, power: 10)]))
    }

    static func send(_ key: PrivateKey, _ operation: CairnCore.Operation, nonce: UInt64, fee: Amount = TestNode.minFee) -> Transaction {
        UnsignedTransaction(chainID: TestNode.chainID, nonce: nonce, fee: fee, operation: operation).signed(with: key)
    }

    /// `tx_send`'s refusal reason, nil when admitted.
    static func reason(_ node: TestNode, _ tx: Transaction) async throws -> String? {
        let response = try await node.call("tx_send", [.string(Hex.prefixed(tx.canonicalBytes))])
        return response["error"]?["data"]?["reason"]?.stringValue
    }

    @Test func admissionRefusesWhatTheModuleWouldWithItsReason() async throws {
        let node = try TestNode(genesis: Self.genesis(), createEmptyBlocks: false)
        defer { node.close() }
        let key = Self.keys[0]
        #expect(try await Self.reason(node, Self.send(key, .staking(.delegate(validator: Self.stranger, amount: 1)), nonce: 0))
                == "unknown_validator")
        #expect(try await Self.reason(node, Self.send(key, .staking(.unjail(validator: TestNode.validator.address)), nonce: 0))
                == "not_operator")
        #expect(try await Self.reason(node, Self.send(TestNode.validator, .staking(.unjail(validator: TestNode.validator.address)), nonce: 0))
                == "not_jailed")
        #expect(try await Self.reason(node, Self.send(key, Operation(tag: 77, body: []), nonce: 0)) == "unknown_operation")
        #expect(try await Self.reason(node, Self.send(key, Operation(tag: 0, body: [1, 2, 3]), nonce: 0)) == "malformed_operation")
        #expect(await node.mempool.count == 0, "nothing refused is held")
        #expect(try await Self.reason(node, Self.send(key, .staking(.delegate(validator: TestNode.validator.address, amount: 1)), nonce: 0)) == nil)
        #expect(await node.mempool.count == 1)
    }

    /// Tried as an outside tester would: 50 accounts send invalid staking transactions at 10×
    /// the minimum fee, more than the pool holds. Before, they filled it for free and honest
    /// transfers got `mempool_full`; now they are refused, and the transfers commit.
    @Test func aFloodOfInvalidStakingTransactionsCannotCrowdOutTransfers() async throws {
        let node = try TestNode(genesis: Self.genesis(), createEmptyBlocks: false,
                                mempoolLimits: MempoolLimits(maxTransactions: 1_000))
        defer { node.close() }
        var refused: [String: Int] = [:]
        for key in Self.keys {
            for nonce in 0..<25 {
                let junk = Self.send(key, .staking(.delegate(validator: Self.stranger, amount: 1)), nonce: UInt64(nonce),
                                     fee: 10 * TestNode.minFee)
                refused[try await Self.reason(node, junk) ?? "admitted", default: 0] += 1
            }
        }
        #expect(refused == ["unknown_validator": 50 * 25], "1 250 invalid transactions, more than the 1 000 the pool holds")
        #expect(await node.mempool.count == 0)
        var honest: [Hash32] = []
        for key in Self.keys {
            for (nonce, fee) in [TestNode.minFee, 10 * TestNode.minFee].enumerated() {
                let tx = Self.send(key, .transfer(to: Self.stranger, amount: 1), nonce: UInt64(nonce), fee: fee)
                #expect(try await Self.reason(node, tx) == nil)
                honest.append(tx.id)
            }
        }
        let block = try #require(try await node.produceBlock())
        #expect(Set(block.transactions.map(\.id)) == Set(honest), "every honest transfer commits")
    }

    /// Two creations of the same validator both pass admission; the second cannot apply once
    /// the first is in the block, so the builder leaves it out, the pool drops it, and
    /// `chain_getTransaction` reports it dropped with the module's reason.
    @Test func aTransactionSkippedAtBuildingIsDroppedWithItsReason() async throws {
        let node = try TestNode(genesis: Self.genesis(), createEmptyBlocks: false)
        defer { node.close() }
        let bond: Amount = 1_000_000_000_000_000_000
        let first = Self.send(Self.keys[0], .staking(.createValidator(consensusKey: Self.stranger, commission: 0, selfBond: bond)),
                              nonce: 0, fee: 2 * TestNode.minFee)
        let second = Self.send(Self.keys[1], .staking(.createValidator(consensusKey: Self.stranger, commission: 0, selfBond: bond)),
                               nonce: 0)
        let later = Self.send(Self.keys[1], .transfer(to: Self.stranger, amount: 1), nonce: 1)
        for tx in [first, second, later] { #expect(try await Self.reason(node, tx) == nil) }
        let block = try #require(try await node.produceBlock())
        #expect(block.transactions.map(\.id) == [first.id])
        #expect(await node.mempool.count == 0, "the skipped one and its sender's later one left the pool")
        let status = try await node.result("chain_getTransaction", [.string(second.id.hex)])
        #expect(status["status"] == "dropped")
        #expect(status["reason"] == "validator_exists")
        #expect(try await node.result("chain_getTransaction", [.string(later.id.hex)])["reason"] == "validator_exists")
        // The sender can go on from its committed nonce.
        #expect(try await Self.reason(node, Self.send(Self.keys[1], .transfer(to: Self.stranger, amount: 1), nonce: 0)) == nil)
    }

    /// A transaction waiting `mempool_expiry_blocks` blocks is dropped as expired.
    @Test func pendingTransactionsExpire() async throws {
        let node = try TestNode(genesis: Self.genesis(ConsensusParameters(maxBlockTransactions: 1, maxBlockBytes: 1 << 20,
                                                                          minTransactionFee: TestNode.minFee, mempoolExpiryBlocks: 2)),
                                createEmptyBlocks: false)
        defer { node.close() }
        let txs = (0..<4).map { i in
            Self.send(Self.keys[i], .transfer(to: Self.stranger, amount: 1), nonce: 0, fee: Amount(4 - i) * TestNode.minFee)
        }
        for tx in txs { #expect(try await Self.reason(node, tx) == nil) }
        #expect(try #require(try await node.produceBlock()).transactions.map(\.id) == [txs[0].id])
        #expect(await node.mempool.count == 3)
        #expect(try #require(try await node.produceBlock()).transactions.map(\.id) == [txs[1].id])
        #expect(await node.mempool.count == 0, "admitted at height 0, expired at height 2")
        let status = try await node.result("chain_getTransaction", [.string(txs[3].id.hex)])
        #expect(status["status"] == "dropped" && status["reason"] == "expired" && status["height"] == 2)
    }
}

/// A fault of the node's own (state it wrote is gone) stops consensus through `onLocalFault`;
/// the node never votes against the block or blames its proposer.
@Suite("Local faults")
struct LocalFaultTests {
    @Test func missingStateStopsTheNodeInsteadOfJudgingTheBlock() async throws {
        let faults = Mutex<[String]>([])
        let node = try TestNode(createEmptyBlocks: true, onLocalFault: { message in faults.withLock { $0.append(message) } })
        defer { node.close() }
        _ = try #require(try await node.produceBlock())
        var batch = WriteBatch()
        batch.delete([UInt8(ascii: "e"), RuntimeNamespace.parameters] + Array("staking".utf8))
        try node.chain.database.db.write(batch, sync: true)
        try await node.driver.start()
        _ = await node.driver.startNextHeight()
        for _ in 0..<500 where faults.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        let reported = faults.withLock { $0 }
        #expect(reported.count == 1)
        #expect(reported.first?.contains("local state is missing the parameters record of staking") == true, "\(reported)")
        #expect(try node.chain.tip().height == 1, "no block was committed on bad state")
    }

    /// A validator that cannot run a peer's proposal stops without a prevote: a nil prevote
    /// would count against a block every other validator may find valid.
    @Test func aProposalThisNodeCannotRunGetsNoVote() async throws {
        let proposer = try PrivateKey(bytes: Hash32.sha256(Array("cairn-fault-proposer".utf8)).bytes)
        let victim = try PrivateKey(bytes: Hash32.sha256(Array("cairn-fault-victim".utf8)).bytes)
        // Power 2 and 1: the first proposer is the larger, and neither decides alone.
        let genesis = Genesis(chainID: "cairn-fault", genesisTime: 1_000, protocolVersion: 1,
                              parameters: [.consensus(ConsensusParameters(maxBlockTransactions: 10, maxBlockBytes: 1 << 20, minTransactionFee: 1))],
                              allocations: [.init(address: proposer.address, balance: 1_000)],
                              validators: ValidatorSet([Validator(address: proposer.address, power: 2),
                                                        Validator(address: victim.address, power: 1)]))
        let slow = TimeoutConfig(propose: 60_000, proposeDelta: 0, prevote: 60_000, prevoteDelta: 0, precommit: 60_000, precommitDelta: 0)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let root = NSTemporaryDirectory() + "cairn-fault-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        func driver(_ key: PrivateKey, _ name: String, _ messenger: RecordingMessenger,
                    onLocalFault: (@Sendable (String) -> Void)? = nil) throws -> (NodeChain, ConsensusDriver) {
            let chain = try NodeChain(directory: "\(root)/\(name)/chain", genesis: genesis)
            let driver = try ConsensusDriver(
                chain: chain, mempool: try chain.makeMempool(),
                signer: try ValidatorSigner(key: key, stateFile: "\(root)/\(name)/sign_state.json"),
                journal: try ConsensusJournal(path: "\(root)/\(name)/consensus.journal", logger: logger),
                messenger: messenger, settings: .init(timeouts: slow, createEmptyBlocks: true, startsHeightsAutomatically: false),
                logger: logger, clock: { 2_000 }, onLocalFault: onLocalFault)
            return (chain, driver)
        }

        let proposerOut = RecordingMessenger()
        let (proposerChain, proposerDriver) = try driver(proposer, "proposer", proposerOut)
        defer { proposerChain.close() }
        try await proposerDriver.start()
        _ = await proposerDriver.startNextHeight()
        var proposal: (SignedProposal, Block)?
        for _ in 0..<500 {
            proposal = proposerOut.messages.lazy.compactMap { if case .proposal(let p, let b) = $0 { (p, b) } else { nil } }.first
            if proposal != nil { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let (signed, block) = try #require(proposal)

        let faults = Mutex<[String]>([])
        let victimOut = RecordingMessenger()
        let (victimChain, victimDriver) = try driver(victim, "victim", victimOut, onLocalFault: { m in faults.withLock { $0.append(m) } })
        defer { victimChain.close() }
        try await victimDriver.start()
        _ = await victimDriver.startNextHeight()
        var batch = WriteBatch()
        batch.delete([UInt8(ascii: "e"), RuntimeNamespace.parameters] + Array("staking".utf8))
        try victimChain.database.db.write(batch, sync: true)
        await victimDriver.receive(.proposal(signed, block), from: nil)

        let reported = faults.withLock { $0 }
        #expect(reported.count == 1 && reported.first?.contains("cannot check proposed block") == true, "\(reported)")
        let votes = victimOut.messages.filter { if case .vote = $0 { true } else { false } }
        #expect(votes.isEmpty, "the victim voted after its fault: \(votes)")
    }
}
