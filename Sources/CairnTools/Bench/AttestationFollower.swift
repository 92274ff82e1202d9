import CairnConsensus
import CairnCore
import CairnNode
import Foundation
import Logging

/// The verifier path, which a lone validator never takes for its own proposals: a second node
/// on the same genesis, with no signer and no attestation pool, takes the committed blocks
/// through block sync (`ConsensusDriver.applySynced`: the commit's signatures, BlockVerifier's
/// rules 1–12 — every attestation decoded and its signatures recovered again, one at a time,
/// then the coverage rules — and a synced commit), as a node catching up would.
struct AttestationFollower {
    let chain: NodeChain
    let driver: ConsensusDriver
    let directory: String

    init(genesis: Genesis) throws {
        directory = NSTemporaryDirectory() + "cairn-bench-attest-follower-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        chain = try NodeChain(directory: directory, genesis: genesis)
        let quiet = Logger(label: "cairn.bench.follower", factory: { _ in SwiftLogNoOpLogHandler() })
        driver = try ConsensusDriver(
            chain: chain, mempool: try chain.makeMempool(), signer: nil,
            journal: try ConsensusJournal(path: directory + "/consensus.journal", logger: quiet),
            messenger: NoPeers(), settings: .init(startsHeightsAutomatically: false),
            logger: quiet, clock: { UInt64(Date().timeIntervalSince1970 * 1000) })
    }

    func close() {
        chain.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Applies `source`'s blocks from the follower's tip up to `height`; returns the seconds it took.
    func follow(_ source: NodeChain, through height: UInt64) async throws -> Double {
        try await driver.start()
        return try await BenchClock.secondsAsync {
            while try chain.tip().height < height {
                let next = try chain.tip().height + 1
                guard let block = try source.database.block(height: next), let commit = try source.database.commit(height: next) else {
                    throw BenchmarkError("bench: block \(next) or its commit missing")
                }
                guard try await driver.applySynced(block, commit: commit) else { throw BenchmarkError("bench: the follower skipped block \(next)") }
            }
        }
    }
}
