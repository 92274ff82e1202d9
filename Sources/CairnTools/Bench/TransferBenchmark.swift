import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
import CairnNode
import CairnState
import CairnStorage
import Foundation
import Logging

/// `cairn bench transfers`: committed transfers per second through one in-process validator — the
/// real mempool, consensus driver (signed proposal and votes, journal, double-sign guard), block
/// builder and synced LevelDB commits — beside the raw libsecp256k1 recovery rate of the same run.
public struct TransferBenchmark: Sendable {
    public var transactions: Int
    public var accounts: Int
    public var cores: Int
    /// Time between block starts, as a validator's interval would space them: blocks produced
    /// back to back would each pay an fsync for a handful of transactions.
    public var blockInterval: Duration

    public init(transactions: Int, accounts: Int, cores: Int, blockInterval: Duration = .milliseconds(100)) {
        self.transactions = transactions
        self.accounts = accounts
        self.cores = cores
        self.blockInterval = blockInterval
    }

    public struct Report: Sendable {
        public var recoverPerSecondOneCore: Double
        public var recoverPerSecondAllCores: Double
        public var committedPerSecond: Double
        public var admissionPerSecond: Double
        public var committed: Int
        public var blocks: Int
        public var seconds: Double

        public var lines: [String] {
            func f(_ v: Double) -> String { String(format: "%.0f", v) }
            return [
                "libsecp256k1 recover:  \(f(recoverPerSecondOneCore))/s per core, \(f(recoverPerSecondAllCores))/s on all cores",
                "mempool admission:     \(f(admissionPerSecond)) tx/s (signature check + pool insert)",
                "committed transfers:   \(f(committedPerSecond)) tx/s (\(committed) txs in \(blocks) blocks, \(String(format: "%.2f", seconds)) s)",
                "transactions a block:  \(committed / max(blocks, 1)) on average",
                "ratio committed / recover (all cores): \(String(format: "%.2f", committedPerSecond / recoverPerSecondAllCores))",
                "ratio committed / recover (one core):  \(String(format: "%.2f", committedPerSecond / recoverPerSecondOneCore))",
            ]
        }
    }

    public func run(log: @Sendable (String) -> Void = { print($0) }) async throws -> Report {
        precondition(transactions > 0 && accounts > 0 && cores > 0)
        let keys = (0..<accounts).map { i in
            try! PrivateKey(bytes: Hash32.sha256(Array("cairn-bench-account-\(i)".utf8)).bytes)
        }
        let validator = try PrivateKey(bytes: Hash32.sha256(Array("cairn-bench-validator".utf8)).bytes)
        let chainID = "cairn-bench"
        let genesis = Genesis(
            chainID: chainID, genesisTime: 1, protocolVersion: 1,
            parameters: [.consensus(ConsensusParameters(maxBlockTransactions: 5_000, maxBlockBytes: 4 << 20, minTransactionFee: 1))],
            allocations: keys.map { .init(address: $0.address, balance: 1 << 100) },
            validators: ValidatorSet([Validator(address: validator.address, power: 1)]))

        log("signing \(transactions) transfers from \(accounts) accounts…")
        let signed: [Transaction] = (0..<transactions).map { i in
            let from = i % accounts
            let to = keys[(from + 1) % accounts].address
            return UnsignedTransaction(chainID: chainID, nonce: UInt64(i / accounts), fee: 1 + UInt128(i % 7),
                                       operation: .transfer(to: to, amount: 1)).signed(with: keys[from])
        }

        // Raw recovery rate, one core then all cores, on the same signatures.
        let recover = try await RecoverRate.measure(signed, cores: cores)
        let perCoreRate = recover.perSecondOneCore
        let allCoresRate = recover.perSecondAllCores

        let directory = NSTemporaryDirectory() + "cairn-bench-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try NodeChain(directory: directory, genesis: genesis)
        defer { chain.close() }
        let mempool = try chain.makeMempool(limits: MempoolLimits(maxTransactions: max(transactions, 50_000), maxBytes: 1 << 30,
                                                                  maxPerSender: max(1_000, transactions / accounts + 1)))
        let quiet = Logger(label: "cairn.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let driver = try ConsensusDriver(
            chain: chain, mempool: mempool,
            signer: try ValidatorSigner(key: validator, stateFile: directory + "/sign_state.json"),
            journal: try ConsensusJournal(path: directory + "/consensus.journal", logger: quiet),
            messenger: NoPeers(),
            settings: .init(minBlockInterval: blockInterval, createEmptyBlocks: false),
            logger: quiet, clock: { UInt64(Date().timeIntervalSince1970 * 1000) })

        log("feeding them to an in-process validator (\(cores) submitting tasks; full consensus path: proposal, prevote, precommit, journal, synced commit; a height at most every \(blockInterval), up to 5000 transactions a block)…")
        let start = ContinuousClock.now
        // Submitters: each takes whole senders so per-sender nonce order is kept.
        let submitters = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<cores {
                    group.addTask {
                        for (i, tx) in signed.enumerated() where (i % accounts) % cores == worker {
                            _ = try await mempool.submit(tx)
                        }
                    }
                }
                try await group.waitForAll()
            }
            return ContinuousClock.now
        }
        try await driver.start()
        var committed = 0
        var blocks = 0
        while committed < transactions {
            let height = UInt64(blocks + 1)
            await driver.waitForCommit(of: height)
            guard let block = try chain.database.block(height: height) else {
                throw BenchmarkError("bench: block \(height) missing after its commit")
            }
            committed += block.transactions.count
            blocks += 1
        }
        let end = ContinuousClock.now
        let admissionEnd = try await submitters.value
        let seconds = Self.seconds(end - start)
        return Report(recoverPerSecondOneCore: perCoreRate, recoverPerSecondAllCores: allCoresRate,
                      committedPerSecond: Double(committed) / seconds,
                      admissionPerSecond: Double(transactions) / Self.seconds(admissionEnd - start),
                      committed: committed, blocks: blocks, seconds: seconds)
    }

    static func seconds(_ d: Duration) -> Double { BenchClock.seconds(d) }
}

