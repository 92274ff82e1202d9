import CairnCore
import CairnCrypto

/// Tendermint consensus for one height, as Algorithm 1 of "The latest gossip on BFT consensus"
/// (Buchman, Kwon, Milosevic, arXiv:1807.04938), written as a pure state machine: inputs in,
/// outputs out, no clock, no I/O, no signing. The driver makes a new engine for every height,
/// journals the inputs it feeds (replaying them rebuilds the same engine after a crash), signs
/// what the engine asks it to sign, and feeds the signed messages back.
///
/// Comments name the paper's line numbers. Thresholds are on voting power, in integers:
/// "2f+1" is `3·x > 2·total`, "f+1" is `3·x > total`.
public struct ConsensusEngine: Sendable {
    /// Messages for rounds further than this above the current round are dropped, so a faulty
    /// validator cannot make the engine store unbounded rounds. Correct validators' rounds drift
    /// apart far more slowly (timeouts grow with the round).
    public static let maxRoundsAhead: UInt64 = 100
    /// Distinct proposals kept per round; only a faulty proposer signs more than one.
    public static let maxProposalsPerRound = 4

    public let chainID: String
    public let height: UInt64
    public let validators: ValidatorSet
    public let proposers: any ProposerSelection
    /// This node's validator address; nil (or not in the set) for a node that only follows.
    public let me: Address?
    public let timeouts: TimeoutConfig

    public private(set) var round: UInt64 = 0
    public private(set) var step: ConsensusStep = .propose
    public private(set) var lockedValue: Hash32?
    public private(set) var lockedRound: UInt64?
    public private(set) var validValue: Hash32?
    public private(set) var validRound: UInt64?
    public private(set) var decision: Commit?
    /// Whether `.start` has been handled. Messages that arrive before are stored, not acted on.
    public private(set) var started = false

    private var rounds: [UInt64: RoundMessages] = [:]
    /// (round, block) pairs whose precommits reached 2f+1, in the order they did (line 49).
    private var precommitQuorums: [(round: UInt64, blockID: Hash32)] = []
    /// Every block id proposed at this height (any round), so votes that matter are kept first.
    private var proposedBlocks: Set<Hash32> = []
    /// Equivocations already reported, so each yields one `.evidence`.
    private var reported: Set<EquivocationKey> = []
    // "For the first time" flags of the current round (reset by StartRound).
    private var prevoteTimeoutScheduled = false   // line 34
    private var polkaHandled = false              // line 36
    private var precommitTimeoutScheduled = false // line 47
    /// The round whose `.buildBlock` awaits `.blockReady`.
    private var pendingBuild: UInt64?

    private struct EquivocationKey: Hashable, Sendable {
        let validator: Address
        let round: UInt64
        let type: VoteType
    }

    public init(chainID: String, height: UInt64, validators: ValidatorSet, proposers: any ProposerSelection,
                me: Address?, timeouts: TimeoutConfig) {
        self.chainID = chainID
        self.height = height
        self.validators = validators
        self.proposers = proposers
        self.timeouts = timeouts
        // A non-member behaves exactly like `me = nil`: it follows and never votes.
        if let me, let power = validators.power(of: me), power > 0 { self.me = me } else { self.me = nil }
    }

    /// Feeds one input; returns what the driver must do, in order.
    public mutating func handle(_ input: ConsensusInput) -> [ConsensusOutput] {
        guard decision == nil else { return [] }
        var out: [ConsensusOutput] = []
        switch input {
        case .start:
            guard !started else { return [] }
            started = true
            startRound(0, &out)
        case .resume(let r):
            guard !started || r > round else { return [] }
            started = true
            startRound(r, &out)
        case .proposal(let proposal, let valid):
            receive(proposal, valid: valid)
        case .vote(let vote):
            receive(vote, &out)
        case .timeout(let timeout):
            onTimeout(timeout, &out)
        case .blockReady(let blockID):
            // getValue() answered: broadcast PROPOSAL(h, round, v, -1) (StartRound, line 19).
            guard started, pendingBuild == round, step == .propose else { return out }
            pendingBuild = nil
            out.append(.propose(ProposalSigningPayload(chainID: chainID, height: height, round: round,
                                                       polRound: nil, blockID: blockID)))
        }
        applyRules(&out)
        return out
    }

    /// Per round, the prevotes and precommits counted so far (ascending rounds).
    public func voteSummary() -> [RoundVotes] {
        rounds.keys.sorted().map { r in
            RoundVotes(round: r, prevotes: rounds[r]!.prevotes.tally(), precommits: rounds[r]!.precommits.tally())
        }
    }

    /// The proposals accepted for `round` (normally at most one).
    public func proposals(round: UInt64) -> [SignedProposal] {
        rounds[round]?.proposals.map(\.proposal) ?? []
    }

    // MARK: - Receiving messages

    private func acceptsRound(_ r: UInt64) -> Bool {
        r <= round || r - round <= Self.maxRoundsAhead
    }

    private mutating func receive(_ proposal: SignedProposal, valid: Bool) {
        guard proposal.height == height, acceptsRound(proposal.round),
              proposers.proposer(round: proposal.round) == proposal.proposer,
              let power = validators.power(of: proposal.proposer) else { return }
        let kept = rounds[proposal.round]?.proposals ?? []
        let known = kept.contains {
            $0.proposal.blockID == proposal.blockID && $0.proposal.polRound == proposal.polRound
        }
        guard !known, kept.count < Self.maxProposalsPerRound else { return }
        // Mutated in place (not copied out and back), so large vote sets are not copied.
        rounds[proposal.round, default: RoundMessages()].proposals.append(ProposalEntry(proposal: proposal, valid: valid))
        rounds[proposal.round, default: RoundMessages()].noteSender(proposal.proposer, power: power)
        proposedBlocks.insert(proposal.blockID)
    }

    private mutating func receive(_ vote: SignedVote, _ out: inout [ConsensusOutput]) {
        guard vote.height == height, acceptsRound(vote.round),
              let power = validators.power(of: vote.validator), power > 0 else { return }
        let proposed = proposedBlocks
        let matters: (Hash32?) -> Bool = { blockID in blockID.map { proposed.contains($0) } ?? true }
        // Mutated in place (not copied out and back), so large vote sets are not copied per vote.
        let result = vote.type == .prevote
            ? rounds[vote.round, default: RoundMessages()].prevotes.add(vote, power: power, matters: matters)
            : rounds[vote.round, default: RoundMessages()].precommits.add(vote, power: power, matters: matters)
        switch result {
        case .duplicate:
            return
        case .conflict(let first, let stored):
            // The validator signed two different votes: proof of misbehaviour, reported once.
            let key = EquivocationKey(validator: vote.validator, round: vote.round, type: vote.type)
            if reported.insert(key).inserted, let evidence = DuplicateVoteEvidence(first, vote) {
                out.append(.evidence(evidence))
            }
            guard stored else { return }
        case .added:
            rounds[vote.round, default: RoundMessages()].noteSender(vote.validator, power: power)
        }
        if vote.type == .precommit, let blockID = vote.blockID,
           let tally = rounds[vote.round]?.precommits.power(for: blockID),
           isQuorum(tally), !isQuorum(tally - power) {
            precommitQuorums.append((vote.round, blockID))
        }
    }

    // MARK: - Thresholds

    /// More than 2/3 of the total power (the paper's 2f+1).
    private func isQuorum(_ power: UInt64) -> Bool {
        UInt128(power) * 3 > UInt128(validators.totalPower) * 2
    }

    /// More than 1/3 of the total power (the paper's f+1): at least one correct validator.
    private func isOneThird(_ power: UInt64) -> Bool {
        UInt128(power) * 3 > UInt128(validators.totalPower)
    }

    // MARK: - The algorithm

    /// StartRound(round), lines 11–21.
    private mutating func startRound(_ r: UInt64, _ out: inout [ConsensusOutput]) {
        round = r
        step = .propose
        prevoteTimeoutScheduled = false
        polkaHandled = false
        precommitTimeoutScheduled = false
        pendingBuild = nil
        if let me, proposers.proposer(round: r) == me {
            if let validValue {
                // Line 15–16: re-propose the value that had a polka, with its round as polRound.
                out.append(.propose(ProposalSigningPayload(chainID: chainID, height: height, round: r,
                                                           polRound: validRound, blockID: validValue)))
            } else {
                // Line 18: getValue(); the proposal follows on `.blockReady`.
                pendingBuild = r
                out.append(.buildBlock(height: height, round: r))
            }
        }
        // Line 21: schedule OnTimeoutPropose. The paper does this for non-proposers only; the
        // proposer schedules it as well so that a block that cannot be built (or takes too long)
        // costs one timeout instead of the round. It has no effect once the proposer's own
        // proposal moved it to the prevote step.
        out.append(.scheduleTimeout(ConsensusTimeout(height: height, round: r, step: .propose),
                                    milliseconds: timeouts.milliseconds(.propose, round: r)))
    }

    private mutating func vote(_ type: VoteType, _ blockID: Hash32?, _ out: inout [ConsensusOutput]) {
        guard me != nil else { return }
        out.append(.vote(VoteSigningPayload(chainID: chainID, type: type, height: height, round: round,
                                            blockID: blockID)))
    }

    /// Lines 57–66: OnTimeoutPropose, OnTimeoutPrevote, OnTimeoutPrecommit. A timeout for another
    /// height or round, or a step already left, is stale and ignored.
    private mutating func onTimeout(_ timeout: ConsensusTimeout, _ out: inout [ConsensusOutput]) {
        guard started, timeout.height == height, timeout.round == round else { return }
        switch timeout.step {
        case .propose where step == .propose:
            // Line 57–60.
            vote(.prevote, nil, &out)
            step = .prevote
        case .prevote where step == .prevote:
            // Line 61–64.
            vote(.precommit, nil, &out)
            step = .precommit
        case .precommit:
            // Line 65–67.
            if round < UInt64.max { startRound(round + 1, &out) }
        default:
            break
        }
    }

    /// Applies the "upon" rules until none fires. Each rule either changes the round or step or
    /// sets a once-per-round flag, so the loop ends.
    private mutating func applyRules(_ out: inout [ConsensusOutput]) {
        guard started else { return }
        while decision == nil {
            if decide(&out) { return }
            if skipRound(&out) { continue }
            if step == .propose, prevoteOnProposal(&out) { continue }
            if step >= .prevote, !polkaHandled, lockOnPolka(&out) { continue }
            if step == .prevote, precommitNilOnNilPolka(&out) { continue }
            scheduleVoteTimeouts(&out)
            return
        }
    }

    /// Line 49–54: upon ⟨PROPOSAL, h, r, v, ∗⟩ from proposer(h, r) AND 2f+1 ⟨PRECOMMIT, h, r, id(v)⟩
    /// while decision = nil: if valid(v), decide v. Any round r, not only the current one.
    private mutating func decide(_ out: inout [ConsensusOutput]) -> Bool {
        for (r, blockID) in precommitQuorums {
            // Re-checked: an equivocator's extra vote can be evicted after the quorum formed.
            guard let messages = rounds[r], isQuorum(messages.precommits.power(for: blockID)),
                  messages.validProposal(for: blockID) != nil else { continue }
            let signatures = messages.precommits.votes(for: blockID).map {
                CommitSignature(validator: $0.validator, signature: $0.signature)
            }
            let commit = Commit(height: height, round: r, blockID: blockID, signatures: signatures)
            decision = commit
            step = .decided
            pendingBuild = nil
            out.append(.decided(commit))
            return true
        }
        return false
    }

    /// Line 55–56: upon f+1 ⟨∗, h, round, ∗, ∗⟩ with round > round_p: StartRound(round).
    /// Jumps to the highest such round.
    private mutating func skipRound(_ out: inout [ConsensusOutput]) -> Bool {
        var target: UInt64?
        for (r, messages) in rounds where r > round && isOneThird(messages.senderPower) {
            if target.map({ r > $0 }) ?? true { target = r }
        }
        guard let target else { return false }
        startRound(target, &out)
        return true
    }

    /// Lines 22–27 (a fresh proposal) and 28–33 (a re-proposal with a polka in round vr < round).
    private mutating func prevoteOnProposal(_ out: inout [ConsensusOutput]) -> Bool {
        guard let messages = rounds[round] else { return false }
        for entry in messages.proposals {
            let v = entry.proposal.blockID
            if let vr = entry.proposal.polRound {
                // Line 28: ⟨PROPOSAL, h, round, v, vr⟩ AND 2f+1 ⟨PREVOTE, h, vr, id(v)⟩, 0 ≤ vr < round.
                guard vr < round, let polka = rounds[vr], isQuorum(polka.prevotes.power(for: v)) else { continue }
                // Line 29: valid(v) ∧ (lockedRound ≤ vr ∨ lockedValue = v).
                let free = lockedRound.map { $0 <= vr } ?? true
                vote(.prevote, entry.valid && (free || lockedValue == v) ? v : nil, &out)
            } else {
                // Line 22–23: valid(v) ∧ (lockedRound = −1 ∨ lockedValue = v).
                vote(.prevote, entry.valid && (lockedRound == nil || lockedValue == v) ? v : nil, &out)
            }
            step = .prevote  // line 27 / 33
            return true
        }
        return false
    }

    /// Line 36–43: upon ⟨PROPOSAL, h, round, v, ∗⟩ AND 2f+1 ⟨PREVOTE, h, round, id(v)⟩ while valid(v)
    /// ∧ step ≥ prevote, for the first time: lock (if still in prevote) and remember v as valid.
    private mutating func lockOnPolka(_ out: inout [ConsensusOutput]) -> Bool {
        guard let messages = rounds[round] else { return false }
        for entry in messages.proposals where entry.valid {
            let v = entry.proposal.blockID
            guard isQuorum(messages.prevotes.power(for: v)) else { continue }
            polkaHandled = true
            if step == .prevote {
                lockedValue = v      // line 38
                lockedRound = round  // line 39
                vote(.precommit, v, &out)  // line 40
                step = .precommit    // line 41
            }
            validValue = v      // line 42
            validRound = round  // line 43
            return true
        }
        return false
    }

    /// Line 44–46: upon 2f+1 ⟨PREVOTE, h, round, nil⟩ while step = prevote: precommit nil.
    private mutating func precommitNilOnNilPolka(_ out: inout [ConsensusOutput]) -> Bool {
        guard let messages = rounds[round], isQuorum(messages.prevotes.power(for: nil)) else { return false }
        vote(.precommit, nil, &out)
        step = .precommit
        return true
    }

    /// Line 34–35 (2f+1 prevotes of any kind while step = prevote) and line 47–48 (2f+1
    /// precommits of any kind), each once per round.
    private mutating func scheduleVoteTimeouts(_ out: inout [ConsensusOutput]) {
        guard let messages = rounds[round] else { return }
        if step == .prevote, !prevoteTimeoutScheduled, isQuorum(messages.prevotes.totalPower) {
            prevoteTimeoutScheduled = true
            out.append(.scheduleTimeout(ConsensusTimeout(height: height, round: round, step: .prevote),
                                        milliseconds: timeouts.milliseconds(.prevote, round: round)))
        }
        if !precommitTimeoutScheduled, isQuorum(messages.precommits.totalPower) {
            precommitTimeoutScheduled = true
            out.append(.scheduleTimeout(ConsensusTimeout(height: height, round: round, step: .precommit),
                                        milliseconds: timeouts.milliseconds(.precommit, round: round)))
        }
    }
}
