import CairnCore
import CairnCrypto
import CairnMempool
import CairnState
import CairnStorage
import Logging
import ServiceLifecycle

/// The single validator's block loop: every interval, take the best transactions from the mempool,
/// build and sign a block, and commit it with its state in one synced write.
public actor BlockProducer: Service {
    public struct Settings: Sendable {
        public var interval: Duration
        public var createEmptyBlocks: Bool
        public init(interval: Duration, createEmptyBlocks: Bool) {
            self.interval = interval
            self.createEmptyBlocks = createEmptyBlocks
        }
    }

    let chain: NodeChain
    let mempool: Mempool
    let validatorKey: PrivateKey
    let settings: Settings
    let builder: BlockBuilder
    let logger: Logger
    let clock: @Sendable () -> UInt64
    private var tip: ChainTip
    private var tipTime: UInt64

    /// - Parameter clock: milliseconds since the epoch; the only wall-clock input, used for header time.
    public init(chain: NodeChain, mempool: Mempool, validatorKey: PrivateKey, settings: Settings,
                logger: Logger, clock: @escaping @Sendable () -> UInt64) throws {
        self.chain = chain
        self.mempool = mempool
        self.validatorKey = validatorKey
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.builder = BlockBuilder(rules: chain.rules, protocolVersion: chain.genesis.protocolVersion)
        self.tip = try chain.tip()
        self.tipTime = try chain.blockTime(height: tip.height)
    }

    public func run() async throws {
        logger.info("producing blocks", metadata: [
            "height": "\(tip.height)", "validator": "\(validatorKey.address)",
            "interval": "\(settings.interval)",
        ])
        await cancelWhenGracefulShutdown { await self.loop() }
        logger.info("block producer stopped", metadata: ["height": "\(tip.height)"])
    }

    private func loop() async {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            next = next.advanced(by: settings.interval)
            do {
                try await Task.sleep(until: next, clock: clock)
            } catch {
                return
            }
            do {
                try await produceBlock()
            } catch {
                logger.error("block production failed: \(error)")
            }
            // After a slow block, start a fresh interval instead of producing back-to-back.
            if next < clock.now { next = clock.now }
        }
    }

    /// Builds, signs and commits one block. Returns nil when there was nothing to do.
    @discardableResult
    public func produceBlock() async throws -> Block? {
        let parameters = chain.rules.parameters
        let candidates = await mempool.reap(maxTransactions: Int(parameters.maxBlockTransactions),
                                            maxBytes: Int(parameters.maxBlockBytes))
        if candidates.isEmpty && !settings.createEmptyBlocks { return nil }
        let time = max(clock(), tipTime + 1)
        let schedule = try chain.validatorSchedule(height: tip.height + 1)
        let last = tip.height == 0 ? nil : try chain.validatorSchedule(height: tip.height).validators
        let lastCommit = tip.height == 0 ? nil : try chain.database.commit(height: tip.height)
        let built = try builder.build(parent: tip, time: time, proposer: validatorKey.address, lastCommit: lastCommit,
                                      evidence: [], validators: schedule.blockValidators(last: last),
                                      candidates: candidates, database: chain.database)
        let blockID = built.block.id
        let height = built.block.header.height
        let payload = VoteSigningPayload(chainID: chain.genesis.chainID, type: .precommit,
                                         height: height, round: 0, blockID: blockID)
        let commit = Commit(height: height, round: 0, blockID: blockID, signatures: [
            CommitSignature(validator: validatorKey.address, signature: validatorKey.sign(digest: payload.signingHash)),
        ])
        let following = try schedule.following(update: built.executed.outcome.validatorUpdate)
        try chain.database.commit(built.executed.write(commit: commit, nextValidatorSchedule: following.canonicalBytes))
        tip = ChainTip(height: height, blockID: blockID, stateRoot: built.block.header.stateRoot)
        tipTime = time

        // Recheck only the senders this block touched, plus those of candidates left out,
        // so the mempool's work is proportional to the block, not to the pool.
        let senders = Set(built.executed.senders)
        var senderAccounts = try built.executed.outcome.changedAccounts().filter { senders.contains($0.address) }.map { ($0.address, $0.account) }
        for skipped in built.skipped where !senders.contains(skipped.transaction.sender) {
            logger.debug("left a transaction out", metadata: ["id": "\(skipped.transaction.id)", "reason": "\(skipped.reason)"])
            senderAccounts.append((skipped.transaction.sender, try chain.database.account(skipped.transaction.sender)))
        }
        _ = await mempool.blockCommitted(built.executed.transactionIDs, senderAccounts: senderAccounts)
        logger.info("committed block", metadata: [
            "height": "\(height)", "id": "\(blockID)", "txs": "\(built.block.transactions.count)",
        ])
        return built.block
    }
}
