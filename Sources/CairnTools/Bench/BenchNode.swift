import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
import CairnNode
import CairnState
import Foundation
import Logging

/// An in-process validator for the benchmarks: the real mempool, attestation pool, consensus
/// driver (signed proposal and votes, journal, double-sign guard) and synced LevelDB commits.
/// Heights start only when the benchmark asks, so its off-the-clock work never overlaps a block.
struct BenchNode {
    let chain: NodeChain
    let mempool: Mempool
    let pool: AttestationPool
    let driver: ConsensusDriver
    let steps: AttestationStepTimes
    let directory: String

    static func make(genesis: Genesis, validator: PrivateKey, directory: String, mempool limits: MempoolLimits,
                     attestations: AttestationPoolLimits) throws -> BenchNode {
        let chain = try NodeChain(directory: directory, genesis: genesis)
        let mempool = try chain.makeMempool(limits: limits)
        let pool = chain.makeAttestationPool(limits: attestations)
        let quiet = Logger(label: "cairn.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let steps = AttestationStepTimes()
        let driver = try ConsensusDriver(
            chain: chain, mempool: mempool, attestations: pool,
            signer: try ValidatorSigner(key: validator, stateFile: directory + "/sign_state.json"),
            journal: try ConsensusJournal(path: directory + "/consensus.journal", logger: quiet),
            messenger: NoPeers(), settings: .init(startsHeightsAutomatically: false),
            logger: quiet, observer: steps, clock: { UInt64(Date().timeIntervalSince1970 * 1000) })
        return BenchNode(chain: chain, mempool: mempool, pool: pool, driver: driver, steps: steps, directory: directory)
    }

    /// Starts the next height and returns its committed block.
    func commitNext() async throws -> Block { try block(try await commitHeight()) }

    /// Starts the next height and returns it once committed, without reading the block back:
    /// a timed loop reads its blocks after the clock stops.
    func commitHeight() async throws -> UInt64 {
        let height = try chain.tip().height + 1
        guard await driver.startNextHeight() else { throw BenchmarkError("bench: height \(height) did not start") }
        await driver.waitForCommit(of: height)
        return height
    }

    /// The committed block at `height`.
    func block(_ height: UInt64) throws -> Block {
        guard let block = try chain.database.block(height: height) else { throw BenchmarkError("bench: block \(height) missing after its commit") }
        return block
    }

    /// Submits `transactions` on `cores` tasks (`lane(i)` keeps each sender's nonce order on one
    /// task) and commits blocks until the mempool is empty; returns how many blocks that took.
    func commitAll(_ transactions: [Transaction], cores: Int, lane: @escaping @Sendable (Int) -> Int, what: String,
                   log: @Sendable (String) -> Void) async throws -> Int {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<cores {
                group.addTask {
                    for (i, tx) in transactions.enumerated() where lane(i) % cores == worker { _ = try await mempool.submit(tx) }
                }
            }
            try await group.waitForAll()
        }
        var blocks = 0, committed = 0
        while await mempool.size.transactions > 0 {
            committed += try await commitNext().transactions.count
            blocks += 1
        }
        guard committed == transactions.count else { throw BenchmarkError("bench: \(committed) of \(transactions.count) \(what) committed") }
        log("  \(committed) \(what) committed in \(blocks) blocks")
        return blocks
    }
}
