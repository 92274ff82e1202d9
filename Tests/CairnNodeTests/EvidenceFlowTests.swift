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
        /// A silent peer answers nothing; `equivocates` = false makes it an honest mirror.
        let silent: Bool
        let equivocates: Bool
        /// What the node broadcast, in order.
        var sent: [NodeMessage] = []

        init(silent: Bool = false, equivocates: Bool = true) {
            self.silent = silent
            self.equivocates = equivocates
        }
        /// Answers reach the node one at a time, in the order the peer decided them.
        let (answers, answer) = AsyncStream.makeStream(of: SignedVote.self)

        func broadcast(_ message: NodeMessage, except: NodeID?) {
            lock.withLock { sent.append(message) }
            guard !silent, case .vote(let vote) = message, vote.validator == EvidenceFlowTests.node.address else { return }
            answer.yield(EvidenceFlowTests.vote(vote.type, vote.height, vote.round, vote.blockID))
            let equivocate = lock.withLock { () -> Bool in
                defer { if vote.type == .prevote && vote.blockID != nil { equivocated = true } }
                return equivocates && !equivocated && vote.type == .prevote && vote.blockID != nil
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

    static let genesis = Genesis(
        chainID: chainID, genesisTime: 1_000, protocolVersion: 1,
        parameters: [.consensus(ConsensusParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: 1))],
        allocations: [.init(address: node.address, balance: 1_000)],
        // Power 2 and 1: neither decides alone, so every height needs the peer's votes.
        validators: ValidatorSet([Validator(address: node.address, power: 2), Validator(address: byzantine.address, power: 1)]))

    /// The node's consensus driver over `chain`, with its guard and journal in `directory`:
    /// opening it again is what a restart does.
    static func driver(_ chain: NodeChain, _ directory: String, peer: Peer, timeouts: TimeoutConfig) throws -> ConsensusDriver {
        let mempool = try chain.makeMempool()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        return try ConsensusDriver(
            chain: chain, mempool: mempool,
            signer: try ValidatorSigner(key: node, stateFile: directory + "/sign_state.json"),
            journal: try ConsensusJournal(path: directory + "/consensus.journal", logger: logger),
            messenger: peer, settings: .init(timeouts: timeouts, minBlockInterval: .zero),
            logger: logger, clock: { UInt64(Date().timeIntervalSince1970 * 1000) })
    }

    static func deliver(_ peer: Peer, to driver: ConsensusDriver) -> Task<Void, Never> {
        Task { for await vote in peer.answers { await driver.receive(.vote(vote), from: nil) } }
    }

    @Test func equivocationIsIncludedAndPunished() async throws {
        let directory = NSTemporaryDirectory() + "cairn-evidence-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let genesis = Self.genesis
        let chain = try NodeChain(directory: directory + "/chain", genesis: genesis)
        defer { chain.close() }
        let database = chain.database
        let peer = Peer()
        let fast = TimeoutConfig(propose: 50, proposeDelta: 10, prevote: 50, prevoteDelta: 10, precommit: 50, precommitDelta: 10)
        let driver = try Self.driver(chain, directory, peer: peer, timeouts: fast)
        let delivery = Self.deliver(peer, to: driver)
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
        let bonded = Amount(1) * StakingParameters.defaults.powerReduction
        #expect(stake.tokens == bonded - bonded * Amount(StakingParameters.defaults.slashFractionDoubleSign) / 1_000_000)
        #expect(height > 1)
    }

    static func validatorRecord(_ database: ChainDatabase, _ address: Address) throws -> ValidatorRecord? {
        var state = StateOverlay(base: database)
        return try Staking.validator(address, &state)
    }

    /// A node that stops in the middle of a height resumes it from its journal: same proposal,
    /// same votes (its guard re-issues them, nothing conflicting), and the height decides the
    /// block it had proposed before the crash.
    @Test func aRestartMidHeightResumesFromTheJournal() async throws {
        let directory = NSTemporaryDirectory() + "cairn-replay-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try NodeChain(directory: directory + "/chain", genesis: Self.genesis)
        defer { chain.close() }
        let slow = TimeoutConfig(propose: 60_000, proposeDelta: 0, prevote: 60_000, prevoteDelta: 0, precommit: 60_000, precommitDelta: 0)

        // Before the crash: the node proposes height 1 and prevotes; the peer never answers.
        let silent = Peer(silent: true)
        var proposed: Hash32?
        do {
            let first = try Self.driver(chain, directory, peer: silent, timeouts: slow)
            try await first.start()
            for _ in 0..<500 {
                let prevoted = silent.lock.withLock { silent.sent }.contains { message in
                    if case .vote(let v) = message { v.type == .prevote } else { false }
                }
                if prevoted { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let proposals = silent.lock.withLock { silent.sent }.compactMap { message -> Hash32? in
                if case .proposal(let p, _) = message { p.blockID } else { nil }
            }
            proposed = proposals.first
            #expect(await first.status().step == .prevote)
        }
        let block = try #require(proposed)
        #expect(try chain.tip().height == 0)

        // After: a new driver on the same guard and journal, with a peer that votes as it does.
        let honest = Peer(equivocates: false)
        let second = try Self.driver(chain, directory, peer: honest, timeouts: slow)
        let delivery = Self.deliver(honest, to: second)
        defer { delivery.cancel() }
        try await second.start()
        await second.waitForCommit(of: 1)
        #expect(try chain.database.blockID(height: 1) == block)
        // It proposed nothing new for height 1 round 0 (the journal held its proposal).
        let reproposed = honest.lock.withLock { honest.sent }.compactMap { message -> Hash32? in
            if case .proposal(let p, _) = message, p.height == 1 { p.blockID } else { nil }
        }
        #expect(reproposed.allSatisfy { $0 == block })
    }
}
