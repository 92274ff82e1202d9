import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
@testable import CairnNode
import CairnP2P
import CairnState
import CairnStorage
import Foundation
import Logging
import Testing

/// A validator that signs two different prevotes in one round is caught by a real node: its
/// engine reports the pair, the node puts the evidence in the next block it proposes, and
/// executing that block slashes, jails and tombstones the equivocator.
@Suite("Evidence from a running node", .serialized)
struct EvidenceFlowTests {
    static let node = try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [0x21])
    static let byzantine = try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [0x22])
    static let chainID = "cairn-evidence"

    /// The other validator: it votes exactly as the node does (so heights decide), and at the
    /// first prevote also signs a prevote for no block.
    final class Peer: PeerMessenger, @unchecked Sendable {
        let lock = NSLock()
        var equivocated = false
        /// Answers reach the node one at a time, in the order the peer decided them.
        let (answers, answer) = AsyncStream.makeStream(of: SignedVote.self)

        func broadcast(_ message: NodeMessage, except: NodeID?) {
            guard case .vote(let vote) = message, vote.validator == EvidenceFlowTests.node.address else { return }
            answer.yield(EvidenceFlowTests.vote(vote.type, vote.height, vote.round, vote.blockID))
            let equivocate = lock.withLock { () -> Bool in
                defer { if vote.type == .prevote && vote.blockID != nil { equivocated = true } }
                return !equivocated && vote.type == .prevote && vote.blockID != nil
            }
            if equivocate { answer.yield(EvidenceFlowTests.vote(.prevote, vote.height, vote.round, nil)) }
        }

        func send(_ message: NodeMessage, to peer: NodeID) -> Bool { true }
        func report(_ peer: NodeID, _ misbehaviour: Misbehaviour) {}
    }

    static func vote(_ type: VoteType, _ height: UInt64, _ round: UInt64, _ block: Hash32?) -> SignedVote {
        let payload = VoteSigningPayload(chainID: chainID, type: type, height: height, round: round, blockID: block)
        return SignedVote(payload: payload, validator: byzantine.address, signature: byzantine.sign(digest: payload.signingHash))
    }

    @Test func equivocationIsIncludedAndPunished() async throws {
        let directory = NSTemporaryDirectory() + "cairn-evidence-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Power 2 and 1: neither decides alone, so every height needs the peer's votes.
        let genesis = Genesis(
            chainID: Self.chainID, genesisTime: 1_000, protocolVersion: 1,
            parameters: ChainParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: 1),
            allocations: [.init(address: Self.node.address, balance: 1_000)],
            validators: ValidatorSet([Validator(address: Self.node.address, power: 2),
                                      Validator(address: Self.byzantine.address, power: 1)]))
        let chain = try NodeChain(directory: directory + "/chain", genesis: genesis)
        defer { chain.close() }
        let database = chain.database
        let mempool = Mempool(pool: TransactionPool(rules: chain.rules), state: database,
                              isCommitted: { id in try database.committedHeight(of: id) })
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let peer = Peer()
        let fast = TimeoutConfig(propose: 50, proposeDelta: 10, prevote: 50, prevoteDelta: 10, precommit: 50, precommitDelta: 10)
        let driver = try ConsensusDriver(
            chain: chain, mempool: mempool,
            signer: try ValidatorSigner(key: Self.node, stateFile: directory + "/sign_state.json"),
            journal: try ConsensusJournal(path: directory + "/consensus.journal", logger: logger),
            messenger: peer, settings: .init(timeouts: fast, minBlockInterval: .zero),
            logger: logger, clock: { UInt64(Date().timeIntervalSince1970 * 1000) })
        let delivery = Task { for await vote in peer.answers { await driver.receive(.vote(vote), from: nil) } }
        defer { delivery.cancel() }
        var stake = try #require(try Self.validatorRecord(database, Self.byzantine.address))
        #expect(!stake.tombstoned && !stake.jailed)
        try await driver.start()

        // Heights go on; the peer has no way to propose, so its rounds time out and the node's
        // round proposes instead. Within a few heights the node proposes with the evidence.
        var found: (height: UInt64, evidence: DuplicateVoteEvidence)?
        for height in UInt64(1)...8 where found == nil {
            await driver.waitForCommit(of: height)
            let block = try #require(try database.block(height: height))
            if let evidence = block.evidence.first { found = (height, evidence) }
        }
        let (height, evidence) = try #require(found, "no block carried the evidence")
        #expect(evidence.validator == Self.byzantine.address)
        #expect(evidence.height == 1 && Set([evidence.first.blockID == nil, evidence.second.blockID == nil]) == [true, false])
        #expect(evidence.hasValidSignatures(chainID: Self.chainID))

        // Executing that block punished the equivocator.
        stake = try #require(try Self.validatorRecord(database, Self.byzantine.address))
        #expect(stake.tombstoned && stake.jailed)
        let bonded = Amount(1) * genesis.parameters.staking.powerReduction
        #expect(stake.tokens == bonded - bonded * Amount(genesis.parameters.staking.slashFractionDoubleSign) / 1_000_000)
        #expect(height > 1)
    }

    static func validatorRecord(_ database: ChainDatabase, _ address: Address) throws -> ValidatorRecord? {
        var state = StateOverlay(base: database)
        return try Staking.validator(address, &state)
    }
}
