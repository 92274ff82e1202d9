import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
import CairnP2P
import CairnState
import CairnStorage
import Foundation
import Logging

/// Runs the consensus engine of the height being decided against the real world: it checks and
/// journals what peers send, signs through the double-sign guard, builds and verifies blocks,
/// keeps the timers, commits decided (or synced) blocks in one synced write, and moves on to the
/// next height as soon as the previous one is committed (and the minimum block interval passed).
///
/// An actor: every input is handled in order, one at a time. The engine itself is a pure value
/// (`ConsensusEngine`); everything with I/O lives here.
public actor ConsensusDriver {
    public struct Settings: Sendable {
        public var timeouts: TimeoutConfig
        /// Least time from the start of one height to the start of the next. Consensus adds no
        /// commit delay of its own: with 0, the next height starts right after the commit.
        public var minBlockInterval: Duration
        /// How far ahead of this node's clock a proposed block's time may be for it to prevote it.
        public var maxClockDriftMilliseconds: UInt64
        /// While a height makes no progress, the node re-sends its own messages this often, so
        /// peers that missed them (drops, reconnects) catch up.
        public var regossipInterval: Duration
        /// Most evidence one proposed block carries.
        public var maxEvidencePerBlock: Int
        /// Without empty blocks, a height starts only once the mempool holds a transaction or a
        /// peer's message for the height arrives.
        public var createEmptyBlocks: Bool
        /// Whether heights start by themselves after each commit. Off, a height starts only when
        /// `startNextHeight()` is called: for tests and tools that pace blocks themselves.
        public var startsHeightsAutomatically: Bool

        public init(timeouts: TimeoutConfig = .default, minBlockInterval: Duration = .zero,
                    maxClockDriftMilliseconds: UInt64 = 30_000, regossipInterval: Duration = .seconds(1),
                    maxEvidencePerBlock: Int = 50, createEmptyBlocks: Bool = true,
                    startsHeightsAutomatically: Bool = true) {
            self.timeouts = timeouts
            self.minBlockInterval = minBlockInterval
            self.maxClockDriftMilliseconds = maxClockDriftMilliseconds
            self.regossipInterval = regossipInterval
            self.maxEvidencePerBlock = maxEvidencePerBlock
            self.createEmptyBlocks = createEmptyBlocks
            self.startsHeightsAutomatically = startsHeightsAutomatically
        }
    }

    public enum SyncError: Error, CustomStringConvertible {
        case invalidBlock(BlockValidationError)
        case storage(String)

        public var description: String {
            switch self {
            case .invalidBlock(let e): "\(e)"
            case .storage(let m): m
            }
        }
    }

    /// The verdict on a proposed block of this height.
    private enum Candidate {
        case valid(ExecutedBlock)
        case invalid(String)
    }

    let chain: NodeChain
    let mempool: Mempool
    let signer: ValidatorSigner?
    let journal: ConsensusJournal
    let messenger: any PeerMessenger
    let settings: Settings
    let logger: Logger
    let observer: (any ConsensusObserver)?
    /// Milliseconds since the epoch: only for header times and the drift check, never validity of
    /// committed blocks.
    let clock: @Sendable () -> UInt64
    let scheduler: any ConsensusScheduler
    let builder: BlockBuilder
    let verifier: BlockVerifier
    let chainID: String
    /// Whether this validator can sign now; read by `/health`, `node_status` and the metrics.
    public nonisolated let signingHealth = SigningHealth()

    private var tip: ChainTip
    private var tipTime: UInt64
    private var schedule: ValidatorSchedule
    private var lastValidators: ValidatorSet?
    private var engine: ConsensusEngine
    private var engineStarted = false
    private var begun = false
    private var candidates: [Hash32: Candidate] = [:]
    private var blocks: [Hash32: Block] = [:]
    /// This height's proposal messages and own votes, re-sent while the height makes no progress.
    private var regossip: [NodeMessage] = []
    /// Other validators' votes of this height, also re-sent while it is stuck (those of the
    /// current and the previous round and of the valid and locked rounds): a peer that missed one
    /// — it was down, or the voter lost it with its journal — gets it from whoever has it.
    private var othersVotes: [SignedVote] = []
    private var seenMessages: Set<Hash32> = []
    /// Valid-signature proposals taken per round of this height.
    private var proposalsSeen: [UInt64: Int] = [:]
    /// Messages for heights just above this one, replayed when that height starts.
    private var future = FutureMessageBuffer()
    private var pendingEvidence = EvidencePool()
    private var inbox: [ConsensusInput] = []
    private var processing = false
    private var replaying = false
    private var skippedBuild: (height: UInt64, round: UInt64)?
    private var journalHasUnsynced = false
    private var heightStartedAt: ContinuousClock.Instant
    private var lastProgressAt: ContinuousClock.Instant
    private var stepStartedAt: ContinuousClock.Instant
    private var lastStep: (round: UInt64, step: ConsensusStep) = (0, .propose)
    /// The height whose start waits for a transaction (no empty blocks).
    private var waitingForTransactions: UInt64?
    /// Proposals and votes the engine asked for whose signing failed to persist (nothing was
    /// signed), in the order asked; retried with back-off until the guard can write again.
    private var unsigned: [ConsensusOutput] = []
    private var signingRetryScheduled = false
    private var heightWaiters: [(height: UInt64, continuation: CheckedContinuation<Void, Never>)] = []

    /// Called once when this node finds its own state or storage unusable (never a peer's
    /// fault): the node stops rather than judge blocks on bad data.
    private let onLocalFault: (@Sendable (String) -> Void)?
    /// Where proposals take their attestations from; none on a node that only relays transactions.
    private let attestations: AttestationPool?
    private var stoppedOnLocalFault = false
    /// How long and how much pending evidence is kept: the runtime's bounds (staking's
    /// `max_evidence_age` and one piece per possible validator), refreshed after each commit.
    private var evidenceBounds: (maxAge: UInt64, maxPending: Int) = (.max, 10_000)

    public init(chain: NodeChain, mempool: Mempool, attestations: AttestationPool? = nil, signer: ValidatorSigner?,
                journal: ConsensusJournal, messenger: any PeerMessenger, settings: Settings, logger: Logger,
                observer: (any ConsensusObserver)? = nil, clock: @escaping @Sendable () -> UInt64,
                scheduler: any ConsensusScheduler = RealTimeScheduler(),
                onLocalFault: (@Sendable (String) -> Void)? = nil) throws {
        self.chain = chain
        self.mempool = mempool
        self.attestations = attestations
        self.signer = signer
        self.journal = journal
        self.messenger = messenger
        self.settings = settings
        self.logger = logger
        self.observer = observer
        self.clock = clock
        self.scheduler = scheduler
        let started = scheduler.now()
        heightStartedAt = started
        lastProgressAt = started
        stepStartedAt = started
        self.chainID = chain.genesis.chainID
        self.builder = BlockBuilder(executor: chain.executor)
        self.verifier = BlockVerifier(executor: chain.executor)
        self.onLocalFault = onLocalFault
        let tip = try chain.tip()
        self.tip = tip
        self.tipTime = try chain.blockTime(height: tip.height)
        self.schedule = try chain.validatorSchedule(height: tip.height + 1)
        self.lastValidators = tip.height == 0 ? nil : try chain.validatorSchedule(height: tip.height).validators
        let bounds = try chain.executor.selectEvidence([], height: tip.height + 1, state: chain.database)
        self.evidenceBounds = (bounds.maxAge, bounds.maxPending)
        self.engine = ConsensusEngine(chainID: chain.genesis.chainID, height: tip.height + 1,
                                      validators: schedule.validators, proposers: schedule.priorities,
                                      me: signer?.address, timeouts: settings.timeouts)
    }

    /// The height being decided.
    public var height: UInt64 { tip.height + 1 }
    public var committedTip: ChainTip { tip }

    /// Starts the current height, first replaying its journal if the node stopped in the middle of it.
    public func start() async throws {
        guard !begun else { return }
        begun = true
        let records = journal.height == height ? try journal.replay() : []
        if records.isEmpty {
            try journal.beginHeight(height)
            if settings.startsHeightsAutomatically { await startHeight(height) }
            return
        }
        logger.info("resuming height from the consensus journal", metadata: [
            "height": "\(height)", "records": "\(records.count)",
        ])
        replaying = true
        engineStarted = true
        heightStartedAt = scheduler.now()
        await feed(.start)
        for record in records {
            let entry: JournalEntry
            do { entry = try JournalEntry(record) } catch {
                logger.warning("skipping an undecodable consensus journal record: \(error)")
                continue
            }
            switch entry {
            case .proposal(let proposal, let block, let valid):
                blocks[block.id] = block
                if valid {
                    let ok = await validate(block)
                    if !ok { logger.warning("a journaled valid proposal no longer verifies", metadata: ["block": "\(block.id)"]) }
                } else {
                    candidates[block.id] = .invalid("journaled as invalid")
                }
                regossip.append(.proposal(proposal, block))
                await feed(.proposal(proposal, valid: valid))
            case .vote(let vote):
                seenMessages.insert(Hash32.sha256(vote.canonicalBytes))
                if vote.validator == signer?.address { regossip.append(.vote(vote)) } else { othersVotes.append(vote) }
                await feed(.vote(vote))
            case .timeout(let timeout):
                await feed(.timeout(timeout))
            case .barrier:
                continue
            }
            if tip.height + 1 != engine.height { break }  // the replay decided and committed the height
        }
        replaying = false
        if engineStarted, let round = signedRound(at: height), round > engine.round { await feed(.resume(round: round)) }
        await resendLastVote()
        if let skipped = skippedBuild, skipped.height == engine.height, engine.round == skipped.round,
           engine.step == .propose, engine.proposals(round: skipped.round).isEmpty {
            await buildProposal(height: skipped.height, round: skipped.round)
        }
        skippedBuild = nil
        await drainFuture()
    }

    // MARK: - Inputs

    /// A consensus-channel message from `peer` (nil = this node).
    public func receive(_ message: NodeMessage, from peer: NodeID?) async {
        switch message {
        case .proposal(let proposal, let block):
            await receive(proposal, block, from: peer)
        case .vote(let vote):
            await receive(vote, from: peer)
        default:
            return
        }
    }

    private func receive(_ vote: SignedVote, from peer: NodeID?) async {
        guard vote.height == height, engineStarted else {
            keepForLater(vote.height, .vote(vote), peer)
            return
        }
        guard schedule.validators.power(of: vote.validator) != nil else { return }
        guard seenMessages.insert(Hash32.sha256(vote.canonicalBytes)).inserted else { return }
        guard vote.hasValidSignature(chainID: chainID) else {
            if let peer { messenger.report(peer, .invalidMessage("vote with a bad signature")) }
            return
        }
        messenger.broadcast(.vote(vote), except: peer)
        record(.vote(vote))
        if vote.validator != signer?.address { othersVotes.append(vote) }
        await feed(.vote(vote))
    }

    private func receive(_ proposal: SignedProposal, _ block: Block, from peer: NodeID?) async {
        guard proposal.height == height, engineStarted else {
            keepForLater(proposal.height, .proposal(proposal, block), peer)
            return
        }
        // Finding a round's proposer costs a step per round: only rounds the engine would accept.
        guard proposal.round <= engine.round + ConsensusEngine.maxRoundsAhead else { return }
        guard seenMessages.insert(Hash32.sha256(proposal.canonicalBytes)).inserted else { return }
        if let problem = proposalProblem(proposal, block) {
            if let peer { messenger.report(peer, .invalidMessage(problem)) }
            return
        }
        // A proposer can sign any number of blocks for its round; checking each costs a block
        // execution, so only the first few per round are looked at (the engine keeps as many).
        let seen = proposalsSeen[proposal.round, default: 0]
        guard seen < ConsensusEngine.maxProposalsPerRound else { return }
        proposalsSeen[proposal.round] = seen + 1
        messenger.broadcast(.proposal(proposal, block), except: peer)
        blocks[block.id] = block
        let valid = await validate(block)
        guard proposal.height == height, engineStarted, !stoppedOnLocalFault else { return }
        regossip.append(.proposal(proposal, block))
        record(.proposal(proposal, block, valid: valid))
        await feed(.proposal(proposal, valid: valid))
    }

    /// Why a proposal is not one the round's proposer may send, or nil. A re-proposal (with a
    /// proof-of-lock round) carries the block that had a polka in that round, built by whichever
    /// validator proposed it first: its header names that validator, not this round's proposer.
    private func proposalProblem(_ proposal: SignedProposal, _ block: Block) -> String? {
        guard proposal.blockID == block.id else { return "proposal whose block id is not its block's" }
        guard schedule.priorities.proposer(round: proposal.round) == proposal.proposer else {
            return "proposal for round \(proposal.round) from a validator that is not its proposer"
        }
        if proposal.polRound == nil {
            guard block.header.proposer == proposal.proposer else {
                return "new proposal whose block names another proposer"
            }
        } else {
            guard schedule.validators.power(of: block.header.proposer) != nil else {
                return "re-proposal whose block names a proposer outside the validator set"
            }
        }
        guard proposal.hasValidSignature(chainID: chainID) else { return "proposal with a bad signature" }
        return nil
    }

    private func timeoutFired(_ timeout: ConsensusTimeout) async {
        guard timeout.height == height, engineStarted, timeout.height == engine.height else { return }
        record(.timeout(timeout))
        await feed(.timeout(timeout))
    }

    /// A committed block with its commit from block sync: checked against the validator set of
    /// its height (rule 13) and by rules 1–12, then committed. Blocks not at the next height are
    /// ignored (returns false).
    @discardableResult
    public func applySynced(_ block: Block, commit: Commit) async throws(SyncError) -> Bool {
        guard block.header.height == height else { return false }
        do {
            try verifier.verify(commit: commit, for: block, validators: schedule.validators)
        } catch {
            throw .invalidBlock(error)
        }
        let executed: ExecutedBlock
        if case .valid(let known)? = candidates[block.id] {
            executed = known
        } else {
            let encoded = EncodedTransactions(block)
            let known = await mempool.knownSenders(of: encoded.ids)
            guard block.header.height == height else { return false }
            do {
                executed = try verifier.verify(block, parent: tip, parentTime: tipTime,
                                               validators: schedule.blockValidators(last: lastValidators),
                                               encoded: encoded, knownSenders: known, database: chain.database)
            } catch let error as BlockValidationError {
                throw .invalidBlock(error)
            } catch {
                localFault("cannot check synced block \(block.header.height): \(error)")
                throw .storage("\(error)")
            }
        }
        do {
            try await commitBlock(executed, commit: commit)
        } catch {
            localFault("cannot commit synced block \(block.header.height): \(error)")
            throw .storage("\(error)")
        }
        scheduleStart(of: height, after: .zero)
        return true
    }

    // MARK: - The engine loop

    /// Hands `input` to the engine and performs what it asks, in order. Inputs that arrive while
    /// an output is being performed (an await) queue behind it.
    /// After a local fault the engine gets nothing more: a block this node could not check must
    /// not turn into a nil prevote, or a journal entry calling it invalid, before the node stops.
    private func feed(_ input: ConsensusInput) async {
        guard !stoppedOnLocalFault else { return }
        inbox.append(input)
        guard !processing else { return }
        processing = true
        while !inbox.isEmpty, !stoppedOnLocalFault {
            let next = inbox.removeFirst()
            let outputs = engine.handle(next)
            noteProgress()
            for output in outputs where !stoppedOnLocalFault { await perform(output) }
        }
        processing = false
    }

    private func perform(_ output: ConsensusOutput) async {
        switch output {
        case .buildBlock(let h, let r):
            if replaying {
                skippedBuild = (h, r)
            } else {
                await buildProposal(height: h, round: r)
            }
        case .propose, .vote:
            // Behind a failed one, keep the order the engine asked in: the guard signs only at
            // increasing positions.
            guard unsigned.isEmpty else {
                unsigned.append(output)
                return
            }
            switch await signAndSend(output) {
            case .sent(let input): inbox.append(input)
            case .dropped: break
            case .retry:
                unsigned.append(output)
                scheduleSigningRetry()
            }
        case .scheduleTimeout(let timeout, let milliseconds):
            scheduler.schedule(after: .milliseconds(milliseconds)) { [weak self] in await self?.timeoutFired(timeout) }
        case .decided(let commit):
            await decided(commit)
        case .evidence(let evidence):
            if !pendingEvidence.contains(evidence) {
                logger.warning("validator signed conflicting votes", metadata: [
                    "validator": "\(evidence.validator)", "height": "\(evidence.height)", "round": "\(evidence.first.round)",
                ])
                pendingEvidence.add(evidence, limit: evidenceBounds.maxPending)
            }
        }
    }

    private enum SendOutcome {
        /// Signed and broadcast; the engine gets it back as this input.
        case sent(ConsensusInput)
        /// Not sent and never will be: refused by the guard, or no longer for this height.
        case dropped
        /// Nothing was signed because the sign state or the journal could not be made durable.
        case retry
    }

    /// Signs the proposal or vote `output` asks for and sends it.
    private func signAndSend(_ output: ConsensusOutput) async -> SendOutcome {
        switch output {
        case .propose(let payload):
            guard payload.height == engine.height, let block = blocks[payload.blockID] else { return .dropped }
            let signed = await sign({ (s) throws(SignError) in try s.signProposal(payload) }, "proposal \(payload.height)/\(payload.round)")
            guard case .success(let signature) = signed else { return signed == .failure(.retry) ? .retry : .dropped }
            guard payload.height == engine.height else { return .dropped }
            let proposal = SignedProposal(height: payload.height, round: payload.round, polRound: payload.polRound,
                                          blockID: payload.blockID, proposer: signer!.address, signature: signature)
            seenMessages.insert(Hash32.sha256(proposal.canonicalBytes))
            regossip.append(.proposal(proposal, block))
            record(.proposal(proposal, block, valid: true))
            messenger.broadcast(.proposal(proposal, block), except: nil)
            return .sent(.proposal(proposal, valid: true))
        case .vote(let payload):
            guard payload.height == engine.height else { return .dropped }
            let signed = await sign({ (s) throws(SignError) in try s.signVote(payload) }, "\(payload.type) \(payload.height)/\(payload.round)")
            guard case .success(let signature) = signed else { return signed == .failure(.retry) ? .retry : .dropped }
            guard payload.height == engine.height else { return .dropped }
            let vote = SignedVote(payload: payload, validator: signer!.address, signature: signature)
            seenMessages.insert(Hash32.sha256(vote.canonicalBytes))
            regossip.append(.vote(vote))
            record(.vote(vote))
            messenger.broadcast(.vote(vote), except: nil)
            return .sent(.vote(vote))
        default:
            return .dropped
        }
    }

    private func scheduleSigningRetry() {
        guard !signingRetryScheduled else { return }
        signingRetryScheduled = true
        let attempts = signingHealth.failure?.attempts ?? 1
        let delay = Duration.milliseconds(min(2_000, 50 << min(attempts - 1, 6)))
        scheduler.schedule(after: delay) { [weak self] in await self?.retryUnsigned() }
    }

    /// Retries the unsigned proposals and votes of this height in order, until one fails again.
    private func retryUnsigned() async {
        signingRetryScheduled = false
        while let next = unsigned.first {
            switch await signAndSend(next) {
            case .retry:
                scheduleSigningRetry()
                return
            case .sent(let input):
                unsigned.removeFirst()
                await feed(input)
            case .dropped:
                unsigned.removeFirst()
            }
        }
    }

    private enum SignFailure: Error, Equatable {
        case refused
        case retry
    }

    /// Signs through the double-sign guard while making every journaled input durable (so after
    /// a crash the node replays what made it sign). The two disk syncs run at the same time, and
    /// the signature is used only when both succeeded. A refusal is logged, never signed around;
    /// a failed write (nothing signed) is worth retrying, and `signingHealth` says so meanwhile.
    private func sign(_ body: (ValidatorSigner) throws(SignError) -> RecoverableSignature,
                      _ what: String) async -> Result<RecoverableSignature, SignFailure> {
        guard let signer else { return .failure(.refused) }
        let needsBarrier = journalHasUnsynced && !replaying
        journalHasUnsynced = false
        let journal = self.journal
        async let barrier: JournalError? = {
            guard needsBarrier else { return nil }
            do throws(JournalError) { try journal.append(JournalEntry.barrier.bytes, sync: true) } catch { return error }
            return nil
        }()
        let signed: Result<RecoverableSignature, SignError> = Result { () throws(SignError) in try body(signer) }
        if let error = await barrier {
            journalHasUnsynced = true
            return signingFailed("cannot sync the consensus journal, not sending \(what): \(error)")
        }
        switch signed {
        case .success(let signature):
            if signingHealth.succeeded() {
                logger.notice("signing works again", metadata: ["signed": "\(what)"])
                observer?.signingChanged(failing: false)
            }
            return .success(signature)
        case .failure(.storage(let error)):
            return signingFailed("cannot sign \(what): cannot persist the sign state (nothing was signed): \(error)")
        case .failure(let error):
            if replaying {
                logger.debug("not re-signing during replay: \(error)")
            } else {
                logger.error("\(error)")
            }
            return .failure(.refused)
        }
    }

    private func signingFailed(_ reason: String) -> Result<RecoverableSignature, SignFailure> {
        let attempts = signingHealth.failed(reason)
        // Once, then every 20th attempt, so a full disk does not flood the log.
        if attempts == 1 || attempts % 20 == 0 {
            logger.error("\(reason); retrying", metadata: ["attempts": "\(attempts)"])
        }
        if attempts == 1 { observer?.signingChanged(failing: true) }
        return .failure(.retry)
    }

    private func record(_ entry: JournalEntry) {
        guard !replaying else { return }
        var encodedBlock: [UInt8]?
        if case .proposal(_, let block, _) = entry, case .valid(let executed)? = candidates[block.id] { encodedBlock = executed.encoded }
        do {
            try journal.append(parts: entry.parts(encodedBlock: encodedBlock), sync: false)
            journalHasUnsynced = true
        } catch {
            logger.error("cannot append to the consensus journal: \(error)")
        }
    }

    // MARK: - Blocks

    /// getValue(): the best mempool transactions and pending evidence on top of the tip.
    private func buildProposal(height h: UInt64, round r: UInt64) async {
        let limits = await mempool.rules.consensus
        let candidates = await mempool.reap(maxTransactions: Int(clamping: limits.maxBlockTransactions),
                                            maxBytes: Int(clamping: limits.maxBlockBytes))
        let attested = await attestations?.reap(maxAttestations: Int(clamping: limits.maxBlockAttestations),
                                                maxBytes: Int(clamping: limits.maxBlockAttestationBytes)) ?? []
        guard h == height, engineStarted, engine.height == h, engine.round == r, engine.step == .propose,
              let signer else { return }
        let lastCommit: Commit?
        do { lastCommit = tip.height == 0 ? nil : try chain.database.commit(height: tip.height) } catch {
            logger.error("cannot read the last commit: \(error)")
            return
        }
        let time = max(clock(), tipTime + 1)
        var evidence: [DuplicateVoteEvidence] = []
        if !pendingEvidence.isEmpty {
            // The runtime picks what this block may carry; only what it refuses for good leaves the pool.
            do {
                let selection = try chain.executor.selectEvidence(pendingEvidence.all, height: h, state: chain.database)
                for refusal in selection.refused {
                    logger.warning("dropping pending evidence the state refuses", metadata: [
                        "validator": "\(refusal.evidence.validator)", "height": "\(refusal.evidence.height)", "reason": "\(refusal.reason)",
                    ])
                    pendingEvidence.remove(refusal.evidence)
                }
                evidence = Array(selection.chosen.prefix(settings.maxEvidencePerBlock))
            } catch {
                localFault("cannot select pending evidence: \(error)")
                return
            }
        }
        var built: BuiltBlock
        do {
            built = try builder.build(parent: tip, time: time, sealer: signer, lastCommit: lastCommit,
                                      evidence: evidence, validators: schedule.blockValidators(last: lastValidators),
                                      candidates: candidates, attestations: attested, database: chain.database)
        } catch where !evidence.isEmpty {
            // The selection said it applies; propose without it rather than not at all, and keep it.
            logger.error("the selected evidence does not apply; proposing without it: \(error)")
            do {
                built = try builder.build(parent: tip, time: time, sealer: signer, lastCommit: lastCommit,
                                          evidence: [], validators: schedule.blockValidators(last: lastValidators),
                                          candidates: candidates, attestations: attested, database: chain.database)
            } catch {
                localFault("cannot build a block: \(error)")
                return
            }
        } catch {
            // Building reads only this node's committed state: a failure is a fault of its own.
            localFault("cannot build a block: \(error)")
            return
        }
        if !built.skippedAttestations.isEmpty {
            await attestations?.remove(built.skippedAttestations.map(\.attestation.id))
            logger.info("dropped attestations that do not apply", metadata: [
                "count": "\(built.skippedAttestations.count)", "first_reason": "\(built.skippedAttestations[0].reason.reason)",
            ])
        }
        if !built.skipped.isEmpty {
            // They would be reaped and skipped again forever, and hold up their senders' later nonces.
            let removed = await mempool.drop(built.skipped.map { (id: $0.transaction.id, reason: $0.reason) })
            logger.info("dropped transactions that no longer apply", metadata: ["count": "\(removed.count)"])
        }
        let id = built.block.id
        blocks[id] = built.block
        self.candidates[id] = .valid(built.executed)
        if processing {
            inbox.append(.blockReady(id))
        } else {
            await feed(.blockReady(id))
        }
    }

    /// valid(v): rules 1–12 of Specs/blocks.md §6 against the tip, plus a bound on how far the
    /// block's time runs ahead of this node's clock.
    private func validate(_ block: Block) async -> Bool {
        let id = block.id
        if let known = candidates[id] {
            if case .valid = known { return true }
            return false
        }
        guard block.header.time <= clock() &+ settings.maxClockDriftMilliseconds else {
            candidates[id] = .invalid("block time \(block.header.time) is too far ahead of this node's clock")
            return false
        }
        let encoded = EncodedTransactions(block)
        let known = await mempool.knownSenders(of: encoded.ids)
        let knownAttestations = await attestations?.known(block.attestations.map(\.id)) ?? [:]
        guard block.header.height == height else { return false }
        do {
            let executed = try verifier.verify(block, parent: tip, parentTime: tipTime,
                                               validators: schedule.blockValidators(last: lastValidators),
                                               encoded: encoded, knownSenders: known, knownAttestations: knownAttestations,
                                               database: chain.database)
            candidates[id] = .valid(executed)
            return true
        } catch let error as BlockValidationError {
            logger.warning("proposed block is invalid", metadata: ["block": "\(id)", "height": "\(block.header.height)",
                                                                   "reason": "\(error)"])
            candidates[id] = .invalid("\(error)")
            return false
        } catch {
            // Not the proposer's fault: this node cannot run the block (storage, corrupt state,
            // a protocol version it does not support). It must not vote against a valid block.
            localFault("cannot check proposed block \(id) at height \(block.header.height): \(error)")
            return false
        }
    }

    private func decided(_ commit: Commit) async {
        guard commit.height == height, case .valid(let executed)? = candidates[commit.blockID] else {
            logger.critical("the engine decided a block this node did not verify", metadata: ["block": "\(commit.blockID)"])
            return
        }
        do {
            try await commitBlock(executed, commit: commit)
        } catch {
            localFault("cannot commit the decided block: \(error)")
            return
        }
        // The decided height's journal is no longer needed once its block is durable: replace it
        // now, while the block interval runs, rather than on the next height's critical path.
        do { try journal.beginHeight(height) } catch {
            logger.error("cannot start the consensus journal of height \(height): \(error)")
        }
        let elapsed = scheduler.now() - heightStartedAt
        scheduleStart(of: height, after: settings.minBlockInterval > elapsed ? settings.minBlockInterval - elapsed : .zero)
    }

    /// Writes the block, its state and the next height's validator schedule in one synced batch,
    /// then moves every piece of this node to the next height.
    private func commitBlock(_ executed: ExecutedBlock, commit: Commit) async throws {
        let block = executed.block
        let next = try schedule.following(update: executed.outcome.validatorUpdate)
        try chain.database.commit(executed.write(commit: commit, nextValidatorSchedule: next.canonicalBytes))
        let interval = block.header.time > tipTime && tip.height > 0
            ? Duration.milliseconds(Int64(clamping: block.header.time - tipTime)) : nil
        tip = ChainTip(height: block.header.height, blockID: block.id, stateRoot: block.header.stateRoot, seed: block.header.seal.seed)
        tipTime = block.header.time
        lastValidators = schedule.validators
        schedule = next
        engineStarted = false
        candidates = [:]
        blocks = [:]
        regossip = []
        othersVotes = []
        seenMessages = []
        proposalsSeen = [:]
        unsigned = []
        inbox.removeAll()
        pendingEvidence.remove(included: block.evidence)
        if let selection = try? chain.executor.selectEvidence([], height: block.header.height + 1, state: chain.database) {
            evidenceBounds = (selection.maxAge, selection.maxPending)
        }
        pendingEvidence.removeExpired(height: block.header.height, maxAge: evidenceBounds.maxAge)
        logger.info("committed block", metadata: [
            "height": "\(block.header.height)", "id": "\(block.id)", "round": "\(commit.round)",
            "txs": "\(block.transactions.count)",
        ])
        observer?.blockCommitted(height: block.header.height, transactions: block.transactions.count, interval: interval)
        observer?.transactionsCommitted(executed.transactionIDs)
        messenger.broadcast(.syncStatus(base: 1, height: tip.height), except: nil)
        resumeWaiters()

        // Recheck only the senders this block touched, so the mempool's work is proportional to
        // the block, not to the pool.
        if let attestations {
            if !block.attestations.isEmpty { await attestations.remove(block.attestations.map(\.id)) }
            // Off the driver: challenges expire with every block, and the pool is small.
            Task { await attestations.recheck() }
        }
        let senders = Set(executed.senders)
        let accounts = (try? executed.outcome.changedAccounts()) ?? []
        let rules: AdmissionRules?
        do { rules = try chain.admissionRules() } catch {
            rules = nil
            localFault("cannot read the parameters after block \(block.header.height): \(error)")
        }
        _ = await mempool.blockCommitted(executed.transactionIDs,
                                         senderAccounts: accounts.filter { senders.contains($0.address) }.map { ($0.address, $0.account) },
                                         height: block.header.height, rules: rules)
    }

    /// Stops this node's consensus on a fault of its own (see `onLocalFault`).
    private func localFault(_ message: String) {
        logger.critical("local fault: \(message); stopping the node", metadata: ["height": "\(height)"])
        guard !stoppedOnLocalFault else { return }
        stoppedOnLocalFault = true
        onLocalFault?(message)
    }

    /// Starts the next height now (with `startsHeightsAutomatically` off). Returns false when
    /// there is nothing to start: the height already runs, or empty blocks are off and the
    /// mempool is empty.
    @discardableResult
    public func startNextHeight() async -> Bool {
        guard !engineStarted else { return false }
        if !settings.createEmptyBlocks, await mempool.size.transactions == 0 { return false }
        let next = height
        await startHeight(next, force: true)
        return engineStarted || height > next
    }

    private func scheduleStart(of h: UInt64, after delay: Duration) {
        guard settings.startsHeightsAutomatically else { return }
        scheduler.schedule(after: delay) { [weak self] in await self?.startHeight(h) }
    }

    /// Starts consensus on `h` if it is still the next height and not started yet (and, without
    /// empty blocks, once there is something to put in it; `force` = a peer already works on it).
    private func startHeight(_ h: UInt64, force: Bool = false) async {
        guard h == height, !engineStarted else { return }
        if !settings.createEmptyBlocks && !force && !future.holds(height: h) {
            if await mempool.size.transactions == 0 {
                waitingForTransactions = h
                scheduler.schedule(after: .milliseconds(20)) { [weak self] in await self?.retryWaitingStart(h) }
                return
            }
            guard h == height, !engineStarted else { return }
        }
        waitingForTransactions = nil
        engine = ConsensusEngine(chainID: chainID, height: h, validators: schedule.validators,
                                 proposers: schedule.priorities, me: signer?.address, timeouts: settings.timeouts)
        do {
            if journal.height != h { try journal.beginHeight(h) }
        } catch {
            logger.error("cannot start the consensus journal of height \(h): \(error)")
        }
        journalHasUnsynced = false
        engineStarted = true
        heightStartedAt = scheduler.now()
        stepStartedAt = scheduler.now()
        lastStep = (0, .propose)
        if let round = signedRound(at: h), round > 0 {
            logger.notice("this validator already signed at this height up to round \(round); starting there", metadata: ["height": "\(h)"])
            await feed(.resume(round: round))
        } else {
            await feed(.start)
        }
        await resendLastVote()
        await drainFuture()
    }

    private func retryWaitingStart(_ h: UInt64) async {
        guard waitingForTransactions == h else { return }
        await startHeight(h)
    }

    // MARK: - Restarting behind the sign state

    /// The round of this validator's last signature when it is at height `h`. A node whose
    /// journal was lost cannot sign in lower rounds again (the guard refuses), so the engine
    /// starts there instead of waiting, silent, for peers to move past it.
    private func signedRound(at h: UInt64) -> UInt64? {
        guard let last = signer?.lastSigned, last.position.height == h else { return nil }
        return last.position.round
    }

    /// Sends again the last vote the guard holds for this height, when the journal did not bring
    /// it back: peers that missed it before the restart get it, and the engine counts it.
    private func resendLastVote() async {
        // Not once the height is decided (a lone validator decides within its start).
        guard engineStarted, engine.height == height, let signer, let last = signer.lastSigned,
              last.position.height == height, let content = last.content else { return }
        let type: VoteType
        switch last.position.step {
        case .prevote: type = .prevote
        case .precommit: type = .precommit
        case .proposal: return  // its block was in the lost journal
        }
        let payload = VoteSigningPayload(chainID: chainID, type: type, height: last.position.height,
                                         round: last.position.round, blockID: content.blockID)
        guard payload.signingHash == last.signingHash else {
            logger.warning("the sign state's last vote does not match its signing hash; not sending it again")
            return
        }
        let vote = SignedVote(payload: payload, validator: signer.address, signature: last.signature)
        guard seenMessages.insert(Hash32.sha256(vote.canonicalBytes)).inserted else { return }
        logger.info("sending again the last vote this validator signed", metadata: ["vote": "\(last.position)"])
        regossip.append(.vote(vote))
        record(.vote(vote))
        messenger.broadcast(.vote(vote), except: nil)
        await feed(.vote(vote))
    }

    // MARK: - Messages for later heights

    private func keepForLater(_ h: UInt64, _ message: NodeMessage, _ peer: NodeID?) {
        guard future.keep(message, height: h, from: peer, current: height) else { return }
        if waitingForTransactions == h {
            waitingForTransactions = nil
            scheduler.schedule(after: .zero) { [weak self] in await self?.startHeight(h, force: true) }
        }
    }

    private func drainFuture() async {
        for item in future.take(height: height) {
            await receive(item.message, from: item.peer)
        }
    }

    // MARK: - Progress, re-gossip, status

    private func noteProgress() {
        let now = scheduler.now()
        let current = (engine.round, engine.step)
        if current.0 != lastStep.round || current.1 != lastStep.step {
            observer?.stepCompleted(lastStep.step == .decided ? "commit" : "\(lastStep.step)", duration: now - stepStartedAt)
            if current.0 != lastStep.round { observer?.roundChanged(current.0) }
            stepStartedAt = now
            lastStep = (current.0, current.1)
            lastProgressAt = now
        }
    }

    /// Re-sends this height's proposal and own votes while the height is stuck; runs until cancelled.
    public func regossipLoop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: settings.regossipInterval) } catch { return }
            regossipIfStuck()
        }
    }

    /// One turn of `regossipLoop`: re-sends this height's messages if it made no progress for a
    /// re-gossip interval.
    public func regossipIfStuck() {
        guard engineStarted, scheduler.now() - lastProgressAt >= settings.regossipInterval else { return }
        logger.debug("height stuck: re-sending its messages", metadata: ["height": "\(height)", "round": "\(engine.round)",
                                                                      "step": "\(engine.step)", "own": "\(regossip.count)"])
        for message in regossip { messenger.broadcast(message, except: nil) }
        // The current and previous round, and the round whose polka this node holds as its valid
        // or locked value: a re-proposal of that value is prevoted only by peers that see the
        // polka, and the validator that sent one of its prevotes may have forgotten it.
        var rounds: Set<UInt64> = [engine.round, engine.round > 0 ? engine.round - 1 : 0]
        if let r = engine.validRound { rounds.insert(r) }
        if let r = engine.lockedRound { rounds.insert(r) }
        for vote in othersVotes where rounds.contains(vote.round) { messenger.broadcast(.vote(vote), except: nil) }
    }

    /// Returns once `height` is committed.
    public func waitForCommit(of height: UInt64) async {
        if tip.height >= height { return }
        await withCheckedContinuation { continuation in
            heightWaiters.append((height, continuation))
        }
    }

    private func resumeWaiters() {
        let done = heightWaiters.filter { $0.height <= tip.height }
        heightWaiters.removeAll { $0.height <= tip.height }
        for waiter in done { waiter.continuation.resume() }
    }

    public func status() -> ConsensusStatus {
        ConsensusStatus(
            tip: tip, height: height, round: engine.round, step: engineStarted ? engine.step : .decided,
            proposer: schedule.priorities.proposer(round: engine.round),
            lockedRound: engine.lockedRound, lockedValue: engine.lockedValue,
            validRound: engine.validRound, validValue: engine.validValue,
            votes: engine.voteSummary(), validators: schedule.priorities, pendingEvidence: pendingEvidence.count)
    }
}

/// Consensus as RPC and metrics see it at one moment.
public struct ConsensusStatus: Sendable {
    public let tip: ChainTip
    /// The height being decided.
    public let height: UInt64
    public let round: UInt64
    public let step: ConsensusStep
    public let proposer: Address
    public let lockedRound: UInt64?
    public let lockedValue: Hash32?
    public let validRound: UInt64?
    public let validValue: Hash32?
    public let votes: [RoundVotes]
    public let validators: ProposerPriorities
    public let pendingEvidence: Int
}

/// What the driver reports as it goes (metrics implement it).
public protocol ConsensusObserver: Sendable {
    func blockCommitted(height: UInt64, transactions: Int, interval: Duration?)
    func roundChanged(_ round: UInt64)
    func stepCompleted(_ step: String, duration: Duration)
    /// The ids of a committed block's transactions.
    func transactionsCommitted(_ ids: [Hash32])
    /// Signing started failing (the sign state or journal cannot be written), or works again.
    func signingChanged(failing: Bool)
}

extension ConsensusObserver {
    public func signingChanged(failing: Bool) {}
}
