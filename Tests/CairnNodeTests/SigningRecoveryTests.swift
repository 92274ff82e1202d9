import CairnConsensus
import CairnCore
import CairnCrypto
@testable import CairnNode
import Foundation
import Testing

/// A validator keeps signing through what a real machine does to it: a sign-state write that
/// fails for a while (full disk, no file descriptors), and a restart whose journal was lost while
/// its sign state is rounds ahead.
@Suite("Signing recovery", .serialized)
struct SigningRecoveryTests {
    /// Polls until `driver` committed `height` or `limit` passed.
    static func committed(_ driver: ConsensusDriver, _ height: UInt64, within limit: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await driver.committedTip.height >= height { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    final class Observer: ConsensusObserver, @unchecked Sendable {
        let lock = NSLock()
        var changes: [Bool] = []
        func blockCommitted(height: UInt64, transactions: Int, interval: Duration?) {}
        func roundChanged(_ round: UInt64) {}
        func stepCompleted(_ step: String, duration: Duration) {}
        func transactionsCommitted(_ ids: [Hash32]) {}
        func signingChanged(failing: Bool) { lock.withLock { changes.append(failing) } }
    }

    /// A sign-state write that fails signs nothing, so the driver retries it; meanwhile it says it
    /// cannot sign. Once the write works again, the same height commits without any restart.
    @Test func aFailedSignStateWriteIsRetriedUntilItWorks() async throws {
        let observer = Observer()
        let node = try TestNode(observer: observer)
        defer { node.close() }
        try #require(try await node.produceBlock() != nil)
        #expect(node.driver.signingHealth.failure == nil)

        // A directory where the guard writes its temporary file: every write fails, even as root.
        let blocker = node.directory + "/sign_state.json.tmp"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        #expect(await node.driver.startNextHeight())
        var failure: SigningHealth.Failure?
        for _ in 0..<3_000 where (failure?.attempts ?? 0) < 3 {
            failure = node.driver.signingHealth.failure
            try await Task.sleep(for: .milliseconds(5))
        }
        let seen = try #require(failure, "the driver never reported the failed write")
        #expect(seen.attempts >= 3, "not retried: \(seen)")
        #expect(seen.reason.contains("sign_state.json.tmp"), "\(seen.reason)")
        // node_status says so, in the shape its schema declares.
        let status = try await node.result("node_status", [])
        #expect(status["signing"]?["status"] == "failing")
        #expect(JSONSchemaValidator.errors(status, against: RPCSchemas.nodeStatus).isEmpty, "\(status)")
        #expect(try node.chain.tip().height == 1)
        #expect(observer.lock.withLock { observer.changes } == [true])

        try FileManager.default.removeItem(atPath: blocker)
        #expect(await Self.committed(node.driver, 2))
        #expect(node.driver.signingHealth.failure == nil)
        #expect(observer.lock.withLock { observer.changes } == [true, false])
    }

    /// The guard signed up to round 3 of height 1 and the journal is gone: the restarted driver
    /// starts at round 3 and sends its last vote again (the guard would refuse rounds 0–2), so
    /// the height decides. Before, it sat silent in round 0 for good: its power is needed.
    @Test func aRestartWithoutTheJournalResumesAtTheSignedRound() async throws {
        let directory = NSTemporaryDirectory() + "cairn-resume-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try NodeChain(directory: directory + "/chain", genesis: EvidenceFlowTests.genesis)
        defer { chain.close() }
        let lastVote = VoteSigningPayload(chainID: EvidenceFlowTests.chainID, type: .precommit, height: 1, round: 3, blockID: nil)
        let signature = try ValidatorSigner(key: EvidenceFlowTests.node, stateFile: directory + "/sign_state.json").signVote(lastVote)
        #expect(!FileManager.default.fileExists(atPath: directory + "/consensus.journal"))

        let peer = EvidenceFlowTests.Peer(equivocates: false)
        let fast = TimeoutConfig(propose: 50, proposeDelta: 10, prevote: 50, prevoteDelta: 10, precommit: 50, precommitDelta: 10)
        let driver = try EvidenceFlowTests.driver(chain, directory, peer: peer, timeouts: fast)
        let delivery = EvidenceFlowTests.deliver(peer, to: driver)
        defer { delivery.cancel() }
        try await driver.start()
        #expect(await Self.committed(driver, 1), "height 1 was never decided")

        let votes = peer.lock.withLock { peer.sent }.compactMap { message -> SignedVote? in
            if case .vote(let v) = message { v } else { nil }
        }
        // The first thing it sent is the vote it had signed, with the very same signature.
        let first = try #require(votes.first)
        #expect(first.payload(chainID: EvidenceFlowTests.chainID) == lastVote && first.signature == signature)
        #expect(votes.allSatisfy { $0.round >= 3 })
        let commit = try #require(try chain.database.commit(height: 1))
        #expect(commit.round >= 3)
    }
}
