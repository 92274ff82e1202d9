import CairnCore
import CairnCrypto

/// Where one round of one height is: the paper's `step_p`, plus `decided` once a block is final.
public enum ConsensusStep: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
    case propose = 0
    case prevote = 1
    case precommit = 2
    /// The height has a decision; the engine ignores further input.
    case decided = 3

    public static func < (a: ConsensusStep, b: ConsensusStep) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .propose: "propose"
        case .prevote: "prevote"
        case .precommit: "precommit"
        case .decided: "decided"
        }
    }
}

/// A timer the engine asked for. The driver hands it back when it fires; the engine acts only if
/// it still names the engine's current height and round (a stale timeout is ignored), so the
/// driver never needs to cancel timers.
public struct ConsensusTimeout: Sendable, Hashable, CustomStringConvertible {
    public var height: UInt64
    public var round: UInt64
    /// `.propose`, `.prevote` or `.precommit`: which of the paper's three timeouts.
    public var step: ConsensusStep

    public init(height: UInt64, round: UInt64, step: ConsensusStep) {
        self.height = height
        self.round = round
        self.step = step
    }

    public var description: String { "timeout(\(step), h=\(height), r=\(round))" }
}

/// Timeout durations in milliseconds. Each grows linearly with the round
/// (`base + delta · round`), so that after the network stabilises some round is long enough for
/// every correct validator to hear the others (the paper's partial-synchrony argument).
public struct TimeoutConfig: Sendable, Hashable {
    public var propose: UInt64
    public var proposeDelta: UInt64
    public var prevote: UInt64
    public var prevoteDelta: UInt64
    public var precommit: UInt64
    public var precommitDelta: UInt64

    public init(propose: UInt64, proposeDelta: UInt64, prevote: UInt64, prevoteDelta: UInt64,
                precommit: UInt64, precommitDelta: UInt64) {
        self.propose = propose
        self.proposeDelta = proposeDelta
        self.prevote = prevote
        self.prevoteDelta = prevoteDelta
        self.precommit = precommit
        self.precommitDelta = precommitDelta
    }

    public static let `default` = TimeoutConfig(propose: 1000, proposeDelta: 500, prevote: 500, prevoteDelta: 250,
                                                precommit: 500, precommitDelta: 250)

    /// The duration of `step`'s timeout in `round`, saturating at UInt64.max instead of trapping.
    public func milliseconds(_ step: ConsensusStep, round: UInt64) -> UInt64 {
        let (base, delta): (UInt64, UInt64) = switch step {
        case .propose: (propose, proposeDelta)
        case .prevote: (prevote, prevoteDelta)
        case .precommit, .decided: (precommit, precommitDelta)
        }
        let (growth, overflow) = delta.multipliedReportingOverflow(by: round)
        if overflow { return .max }
        let (total, overflow2) = base.addingReportingOverflow(growth)
        return overflow2 ? .max : total
    }
}

/// What the driver feeds the engine. Signatures are checked by the driver before a message gets
/// here; the engine trusts them and only checks who may send what.
public enum ConsensusInput: Sendable, Hashable {
    /// Begin round 0 (the paper's StartRound(0)).
    case start
    /// Begin (or move forward to) `round`: for a validator restarted without the journal of a
    /// height it already signed in up to that round, which its guard would refuse to sign again
    /// in lower rounds. Moving to a higher round is always safe (locks are kept); a round not
    /// above the current one is ignored once started.
    case resume(round: UInt64)
    /// A proposal whose signature is valid. `valid` is the paper's valid(v): the proposed block
    /// passed the state machine's checks.
    case proposal(SignedProposal, valid: Bool)
    /// A vote whose signature is valid, from a member of the validator set, for this height.
    case vote(SignedVote)
    /// A timer the engine scheduled has fired.
    case timeout(ConsensusTimeout)
    /// The block the driver built in answer to `.buildBlock`.
    case blockReady(Hash32)
}

/// What the engine asks the driver to do. The engine never signs: a vote or proposal counts only
/// once the driver has signed it and fed it back as an input.
public enum ConsensusOutput: Sendable, Hashable {
    /// getValue(): build a block for this height and round and answer `.blockReady`.
    case buildBlock(height: UInt64, round: UInt64)
    /// Sign, broadcast, and feed back as `.proposal(signed, valid: true)`.
    case propose(ProposalSigningPayload)
    /// Sign (through the double-sign guard), broadcast, and feed back as `.vote`.
    case vote(VoteSigningPayload)
    /// Hand back `.timeout(timeout)` after `milliseconds`.
    case scheduleTimeout(ConsensusTimeout, milliseconds: UInt64)
    /// The height is decided: the block, the decision round and precommits of >2/3 of the power.
    case decided(Commit)
    /// A validator signed two different votes of one type for this height and round.
    case evidence(DuplicateVoteEvidence)
}
