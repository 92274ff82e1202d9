import CairnConsensus
import CairnCore
import CairnCrypto
import Testing

/// The engine's rules one at a time, each against the line of Algorithm 1 (arXiv:1807.04938) it
/// implements. Four validators of power 1 at height 1: the proposer of round r is validator
/// (1 + r) mod 4, so rounds 0, 1, 2, 3 are proposed by validators 1, 2, 3, 0.
@Suite struct EngineTests {
    let f = EngineFixture()
    let v = EngineFixture.block(0xAA)
    let w = EngineFixture.block(0xBB)

    private func timeout(_ step: ConsensusStep, _ round: UInt64) -> ConsensusInput {
        .timeout(ConsensusTimeout(height: f.height, round: round, step: step))
    }

    /// Drives `engine` (validator `me`) to lock `value` in `round` (which it must be in, in the
    /// propose step): the proposal, then prevotes for it from everyone but `absent`.
    private func lock(_ engine: inout ConsensusEngine, me: Int, on value: Hash32, round: UInt64,
                      absent: Int = 3) -> [ConsensusOutput] {
        var out = engine.handle(.proposal(f.proposal(round: round, value), valid: true))
        for i in 0..<4 where i != absent {
            out += engine.handle(.vote(f.vote(.prevote, i, round: round, value)))
        }
        return out
    }

    @Test func proposerBuildsThenProposesAFreshValue() {
        var engine = f.engine(me: 1)
        let start = engine.handle(.start)
        #expect(start.first == .buildBlock(height: 1, round: 0))
        #expect(start.timeouts == [ConsensusTimeout(height: 1, round: 0, step: .propose)])
        let out = engine.handle(.blockReady(v))
        #expect(out.proposals == [ProposalSigningPayload(chainID: EngineFixture.chainID, height: 1, round: 0,
                                                         polRound: nil, blockID: v)])
        // The engine does not count its own proposal until the signed one comes back.
        #expect(engine.step == .propose && engine.proposals(round: 0).isEmpty)
        let back = engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        #expect(back.votes.map(\.blockID) == [v] && engine.step == .prevote)
        // A late second answer to the same build is ignored.
        #expect(engine.handle(.blockReady(w)).isEmpty)
    }

    @Test func line22PrevotesAValidFreshProposalAndNilForAnInvalidOne() {
        var a = f.engine(me: 0)
        _ = a.handle(.start)
        let out = a.handle(.proposal(f.proposal(round: 0, v), valid: true))
        #expect(out.votes == [VoteSigningPayload(chainID: EngineFixture.chainID, type: .prevote, height: 1, round: 0,
                                                 blockID: v)])
        #expect(a.step == .prevote)

        var b = f.engine(me: 0)
        _ = b.handle(.start)
        #expect(b.handle(.proposal(f.proposal(round: 0, v), valid: false)).votes.map(\.blockID) == [nil])
    }

    @Test func proposalsFromTheWrongProposerAreIgnored() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        let out = engine.handle(.proposal(f.proposal(round: 0, v, from: f.addresses[2]), valid: true))
        #expect(out.isEmpty && engine.step == .propose && engine.proposals(round: 0).isEmpty)
        // Nor do they count towards decisions: precommits for v without v's real proposal decide nothing.
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 0, v))) }
        #expect(engine.decision == nil)
    }

    @Test func line36LocksThenTheProposerReproposesValidValueWithPolRound() throws {
        // Validator 2 proposes round 1.
        var engine = f.engine(me: 2)
        _ = engine.handle(.start)
        let out = lock(&engine, me: 2, on: v, round: 0)
        #expect(out.votes.map(\.type) == [.prevote, .precommit])
        #expect(out.votes.last?.blockID == v)
        #expect(engine.lockedValue == v && engine.lockedRound == 0)
        #expect(engine.validValue == v && engine.validRound == 0)
        #expect(engine.step == .precommit)

        // Everyone else precommits nil: 2f+1 precommits of any kind → timeoutPrecommit (line 47).
        var pre: [ConsensusOutput] = []
        for i in [0, 1, 3] { pre += engine.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        #expect(pre.timeouts == [ConsensusTimeout(height: 1, round: 0, step: .precommit)])
        #expect(engine.decision == nil)

        // Line 65 → StartRound(1); line 15: re-propose v with validRound 0, no new block built.
        let next = engine.handle(timeout(.precommit, 0))
        #expect(engine.round == 1)
        #expect(!next.contains(.buildBlock(height: 1, round: 1)))
        #expect(next.proposals == [ProposalSigningPayload(chainID: EngineFixture.chainID, height: 1, round: 1,
                                                          polRound: 0, blockID: v)])
    }

    @Test func line36InThePrecommitStepUpdatesValidValueOnlyAndTheProposerReproposesIt() {
        // Validator 2 proposes round 1. In round 0 it times out to a nil precommit, then sees the
        // polka for v: validValue = v without a lock (line 42–43), and it re-proposes v.
        var other = f.engine(me: 2)
        _ = other.handle(.start)
        _ = other.handle(timeout(.propose, 0))
        _ = other.handle(.vote(f.vote(.prevote, 0, round: 0, v)))
        _ = other.handle(.vote(f.vote(.prevote, 2, round: 0, nil)))
        _ = other.handle(.vote(f.vote(.prevote, 3, round: 0, v)))
        #expect(other.handle(timeout(.prevote, 0)).votes.map(\.blockID) == [nil])
        #expect(other.step == .precommit)
        // The proposal and the third prevote for v arrive late: a polka seen in the precommit step.
        _ = other.handle(.proposal(f.proposal(round: 0, v), valid: true))
        let late = other.handle(.vote(f.vote(.prevote, 1, round: 0, v)))
        #expect(late.votes.isEmpty, "no second precommit")
        #expect(other.lockedValue == nil && other.validValue == v && other.validRound == 0)
        for i in [0, 1, 3] { _ = other.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        let next = other.handle(timeout(.precommit, 0))
        #expect(next.proposals.map(\.blockID) == [v] && next.proposals.first?.polRound == 0)
    }

    @Test func nilPrevotesDoNotUnlock() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = lock(&engine, me: 0, on: v, round: 0)
        #expect(engine.lockedValue == v)
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        _ = engine.handle(timeout(.precommit, 0))
        #expect(engine.round == 1 && engine.step == .propose)

        // Round 1: no proposal, timeoutPropose → prevote nil (line 57); 2f+1 nil prevotes →
        // precommit nil (line 44). The lock stays.
        #expect(engine.handle(timeout(.propose, 1)).votes.map(\.blockID) == [nil])
        var out: [ConsensusOutput] = []
        for i in 0..<3 { out += engine.handle(.vote(f.vote(.prevote, i, round: 1, nil))) }
        #expect(out.votes.map(\.type) == [.precommit] && out.votes.first?.blockID == nil)
        #expect(engine.lockedValue == v && engine.lockedRound == 0)

        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 1, nil))) }
        _ = engine.handle(timeout(.precommit, 1))
        #expect(engine.round == 2)
        // Line 22–26: a fresh proposal for another value gets a nil prevote from the locked node…
        #expect(engine.handle(.proposal(f.proposal(round: 2, w), valid: true)).votes.map(\.blockID) == [nil])

        // …and a fresh proposal of the locked value gets a prevote for it.
        var again = f.engine(me: 0)
        _ = again.handle(.start)
        _ = lock(&again, me: 0, on: v, round: 0)
        for i in 1..<4 { _ = again.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        _ = again.handle(timeout(.precommit, 0))
        #expect(again.handle(.proposal(f.proposal(round: 1, v), valid: true)).votes.map(\.blockID) == [v])
    }

    @Test func line28APolkaAtOrAfterTheLockRoundReleasesIt() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = lock(&engine, me: 0, on: v, round: 0)
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        _ = engine.handle(timeout(.precommit, 0))
        // Round 1 saw a polka for w (the node missed the proposal and prevoted nil).
        _ = engine.handle(timeout(.propose, 1))
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.prevote, i, round: 1, w))) }
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 1, nil))) }
        _ = engine.handle(timeout(.precommit, 1))
        #expect(engine.round == 2 && engine.lockedValue == v)

        // Round 2 re-proposes w with polRound 1 ≥ lockedRound 0: prevote w (line 29–30).
        let out = engine.handle(.proposal(f.proposal(round: 2, w, polRound: 1), valid: true))
        #expect(out.votes.map(\.blockID) == [w])

        // With a polRound below the lock round the locked node prevotes nil.
        var other = f.engine(me: 0)
        _ = other.handle(.start)
        for i in 1..<4 { _ = other.handle(.vote(f.vote(.prevote, i, round: 0, w))) }  // polka for w in round 0, unseen proposal
        _ = other.handle(timeout(.propose, 0))
        for i in 1..<4 { _ = other.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        _ = other.handle(timeout(.precommit, 0))
        _ = lock(&other, me: 0, on: v, round: 1)
        #expect(other.lockedRound == 1)
        for i in 1..<4 { _ = other.handle(.vote(f.vote(.precommit, i, round: 1, nil))) }
        _ = other.handle(timeout(.precommit, 1))
        #expect(other.handle(.proposal(f.proposal(round: 2, w, polRound: 0), valid: true)).votes.map(\.blockID) == [nil])
    }

    @Test func line28WaitsForThePolkaOfPolRound() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = engine.handle(timeout(.propose, 0))
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        _ = engine.handle(timeout(.precommit, 0))
        #expect(engine.round == 1)
        // A re-proposal claiming a polka in round 0 that the node has not seen: no prevote yet.
        #expect(engine.handle(.proposal(f.proposal(round: 1, w, polRound: 0), valid: true)).votes.isEmpty)
        _ = engine.handle(.vote(f.vote(.prevote, 1, round: 0, w)))
        #expect(engine.handle(.vote(f.vote(.prevote, 2, round: 0, w))).votes.isEmpty)
        // The third prevote completes the polka: prevote w.
        #expect(engine.handle(.vote(f.vote(.prevote, 3, round: 0, w))).votes.map(\.blockID) == [w])
    }

    @Test func line49DecidesFromAPastRoundWithSortedPrecommits() throws {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        // Skip to round 2 on f+1 messages (line 55).
        _ = engine.handle(.vote(f.vote(.prevote, 1, round: 2, nil)))
        _ = engine.handle(.vote(f.vote(.prevote, 2, round: 2, nil)))
        #expect(engine.round == 2)

        var out = engine.handle(.vote(f.vote(.precommit, 3, round: 0, v)))
        out += engine.handle(.vote(f.vote(.precommit, 1, round: 0, v)))
        out += engine.handle(.vote(f.vote(.precommit, 2, round: 0, v)))
        #expect(out.decisions.isEmpty, "no decision without the proposal of v")
        out = engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        let commit = try #require(out.decisions.first)
        #expect(out.decisions.count == 1)
        #expect(commit.height == 1 && commit.round == 0 && commit.blockID == v)
        #expect(commit.signatures.map(\.validator) == [1, 2, 3].map { f.addresses[$0] })
        #expect(engine.decision == commit && engine.step == .decided)
        // After deciding, everything is ignored.
        #expect(engine.handle(.vote(f.vote(.precommit, 0, round: 0, v))).isEmpty)
        #expect(engine.handle(timeout(.precommit, 2)).isEmpty)
    }

    @Test func line49NeedsAValidProposal() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = engine.handle(.proposal(f.proposal(round: 0, v), valid: false))
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 0, v))) }
        #expect(engine.decision == nil)
    }

    @Test func line55SkipsOnMoreThanOneThirdOfThePower() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        // One validator of four (power 1, 3·1 > 4 is false): not enough.
        #expect(engine.handle(.vote(f.vote(.precommit, 1, round: 5, nil))).isEmpty)
        #expect(engine.round == 0)
        // A proposal from round 5's proposer (validator 2) is a second sender.
        let out = engine.handle(.proposal(f.proposal(round: 5, w), valid: true))
        #expect(engine.round == 5)
        #expect(out.timeouts == [ConsensusTimeout(height: 1, round: 5, step: .propose)])
        // …and the proposal of round 5 is acted on at once (line 22).
        #expect(out.votes.map(\.blockID) == [w])

        // Weighted: one validator with more than a third of the power is enough alone.
        let heavy = EngineFixture(count: 4, powers: [1, 5, 1, 1])
        var e = heavy.engine(me: 0)
        _ = e.handle(.start)
        _ = e.handle(.vote(heavy.vote(.prevote, 1, round: 3, nil)))
        #expect(e.round == 3)
    }

    @Test func timeoutsAreScheduledOnlyOnTheirConditions() {
        var engine = f.engine(me: 0)
        let start = engine.handle(.start)
        #expect(start.timeouts == [ConsensusTimeout(height: 1, round: 0, step: .propose)])
        _ = engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        // Prevotes split between v and nil: no polka, but 2f+1 of any kind → timeoutPrevote, once.
        #expect(engine.handle(.vote(f.vote(.prevote, 0, round: 0, v))).timeouts.isEmpty)
        #expect(engine.handle(.vote(f.vote(.prevote, 1, round: 0, nil))).timeouts.isEmpty)
        let third = engine.handle(.vote(f.vote(.prevote, 2, round: 0, v)))
        #expect(third.timeouts == [ConsensusTimeout(height: 1, round: 0, step: .prevote)])
        #expect(engine.handle(.vote(f.vote(.prevote, 3, round: 0, nil))).timeouts.isEmpty)
        #expect(engine.step == .prevote)
        // Line 61: timeoutPrevote in the prevote step → precommit nil.
        #expect(engine.handle(timeout(.prevote, 0)).votes.map(\.blockID) == [nil])
        // Precommits: timeoutPrecommit after 2f+1 of any kind, once.
        #expect(engine.handle(.vote(f.vote(.precommit, 0, round: 0, nil))).timeouts.isEmpty)
        #expect(engine.handle(.vote(f.vote(.precommit, 1, round: 0, v))).timeouts.isEmpty)
        #expect(engine.handle(.vote(f.vote(.precommit, 2, round: 0, nil))).timeouts.map(\.step) == [.precommit])
        #expect(engine.handle(.vote(f.vote(.precommit, 3, round: 0, nil))).timeouts.isEmpty)
    }

    @Test func staleTimeoutsAreIgnored() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        #expect(engine.step == .prevote)
        // timeoutPropose after the proposal arrived: the step is left, nothing happens (line 57).
        #expect(engine.handle(timeout(.propose, 0)).isEmpty)
        // Timeouts for another round or height do nothing.
        #expect(engine.handle(timeout(.prevote, 1)).isEmpty)
        #expect(engine.handle(.timeout(ConsensusTimeout(height: 2, round: 0, step: .prevote))).isEmpty)
        #expect(engine.handle(timeout(.precommit, 3)).isEmpty)
        #expect(engine.round == 0 && engine.step == .prevote)
        // A timeout before `.start` does nothing either.
        var fresh = f.engine(me: 0)
        #expect(fresh.handle(timeout(.precommit, 0)).isEmpty && fresh.round == 0)
        // After moving on, the old round's precommit timeout is stale.
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.precommit, i, round: 0, nil))) }
        _ = engine.handle(timeout(.precommit, 0))
        #expect(engine.round == 1)
        #expect(engine.handle(timeout(.precommit, 0)).isEmpty && engine.round == 1)
        #expect(engine.handle(timeout(.propose, 0)).isEmpty && engine.step == .propose)
    }

    @Test func equivocationYieldsEvidenceOnceAndCountsOnceTowardsAny() throws {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        let first = f.vote(.prevote, 2, round: 0, v)
        let second = f.vote(.prevote, 2, round: 0, w)
        #expect(engine.handle(.vote(first)).isEmpty)
        #expect(engine.handle(.vote(first)).isEmpty, "an identical vote is a duplicate, not evidence")
        let out = engine.handle(.vote(second))
        let evidence = try #require(out.evidence.first)
        #expect(out.evidence.count == 1)
        #expect(evidence == DuplicateVoteEvidence(first, second))
        #expect(engine.handle(.vote(second)).isEmpty)
        #expect(engine.handle(.vote(f.vote(.prevote, 2, round: 0, nil))).evidence.isEmpty)
        // A precommit of the same validator is another type: it counts, no evidence.
        #expect(engine.handle(.vote(f.vote(.precommit, 2, round: 0, w))).evidence.isEmpty)
        let tally = try #require(engine.voteSummary().first { $0.round == 0 })
        // Once towards "any", under every block it signed for the per-block tallies.
        #expect(tally.prevotes.count == 1 && tally.prevotes.power == 1)
        #expect(tally.prevotes.byBlock.map(\.blockID) == [nil] + [v, w].sorted().map { Optional($0) })
        #expect(tally.precommits.count == 1)
    }

    @Test func anEquivocatorsSecondVoteCompletesAPolka() {
        // Validators 1 and 2 prevote v; 3 equivocates, and this node hears its nil vote first.
        // With 3's vote for v it has the polka every other node may have seen: it must lock too,
        // or an equivocator could keep validators' views of polkas apart for ever.
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        _ = engine.handle(.vote(f.vote(.prevote, 3, round: 0, nil)))
        _ = engine.handle(.vote(f.vote(.prevote, 1, round: 0, v)))
        _ = engine.handle(.vote(f.vote(.prevote, 2, round: 0, v)))
        #expect(engine.lockedValue == nil)
        let out = engine.handle(.vote(f.vote(.prevote, 3, round: 0, v)))
        #expect(out.evidence.count == 1)
        #expect(out.votes.map(\.type) == [.precommit] && engine.lockedValue == v)
    }

    @Test func junkVotesCannotCrowdOutAVoteForAProposedBlock() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        _ = engine.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .propose)))
        for junk in UInt8(1)...UInt8(8) {
            _ = engine.handle(.vote(f.vote(.precommit, 3, round: 0, EngineFixture.block(junk))))
        }
        _ = engine.handle(.vote(f.vote(.precommit, 1, round: 0, v)))
        _ = engine.handle(.vote(f.vote(.precommit, 2, round: 0, v)))
        #expect(engine.decision == nil)
        #expect(engine.handle(.vote(f.vote(.precommit, 3, round: 0, v))).decisions.map(\.blockID) == [v])
    }

    @Test func aQuorumThatLostAnEvictedVoteDecidesNothing() {
        let junk = EngineFixture.block(0x01)
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        _ = engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        // Validator 3 (faulty) precommits nil first, then `junk`, completing a quorum for it with
        // 1 and 2; then two more junk blocks fill its slots, and a vote for the proposed v evicts
        // its vote for the (so far unproposed) `junk`.
        _ = engine.handle(.vote(f.vote(.precommit, 3, round: 0, nil)))
        _ = engine.handle(.vote(f.vote(.precommit, 1, round: 0, junk)))
        _ = engine.handle(.vote(f.vote(.precommit, 2, round: 0, junk)))
        _ = engine.handle(.vote(f.vote(.precommit, 3, round: 0, junk)))
        _ = engine.handle(.vote(f.vote(.precommit, 3, round: 0, EngineFixture.block(0x02))))
        _ = engine.handle(.vote(f.vote(.precommit, 3, round: 0, EngineFixture.block(0x03))))
        _ = engine.handle(.vote(f.vote(.precommit, 3, round: 0, v)))
        // The faulty proposer now proposes `junk` too: two precommits are not a quorum.
        #expect(engine.handle(.proposal(f.proposal(round: 0, junk), valid: true)).decisions.isEmpty)
        #expect(engine.decision == nil)
    }

    @Test func votesFarAheadAndStrangersAreIgnored() {
        var engine = f.engine(me: 0)
        _ = engine.handle(.start)
        let far = ConsensusEngine.maxRoundsAhead + 1
        for i in 1..<4 { _ = engine.handle(.vote(f.vote(.prevote, i, round: far, nil))) }
        #expect(engine.round == 0 && engine.voteSummary().isEmpty)
        let stranger = Address(unchecked: [UInt8](repeating: 0xEE, count: 20))
        let payload = VoteSigningPayload(chainID: EngineFixture.chainID, type: .prevote, height: 1, round: 0, blockID: v)
        _ = engine.handle(.vote(f.signed(payload, by: stranger)))
        var otherHeight = payload
        otherHeight.height = 2
        _ = engine.handle(.vote(f.signed(otherHeight, by: f.addresses[1])))
        #expect(engine.voteSummary().isEmpty)
    }

    @Test func aFollowerNeverVotesButDecides() throws {
        var engine = f.engine(me: nil)
        var out = engine.handle(.start)
        out += engine.handle(.proposal(f.proposal(round: 0, v), valid: true))
        for i in 0..<4 { out += engine.handle(.vote(f.vote(.prevote, i, round: 0, v))) }
        out += engine.handle(timeout(.propose, 0))
        for i in 0..<3 { out += engine.handle(.vote(f.vote(.precommit, i, round: 0, v))) }
        #expect(out.votes.isEmpty && out.proposals.isEmpty)
        #expect(out.decisions.map(\.blockID) == [v])
        // A non-member address is treated as a follower too.
        var stranger = ConsensusEngine(chainID: EngineFixture.chainID, height: 1, validators: f.validators,
                                       proposers: f.proposers,
                                       me: Address(unchecked: [UInt8](repeating: 0xEE, count: 20)),
                                       timeouts: .default)
        #expect(stranger.me == nil)
        _ = stranger.handle(.start)
        #expect(stranger.handle(.proposal(f.proposal(round: 0, v), valid: true)).votes.isEmpty)
    }

    @Test func messagesBeforeStartAreKeptAndActedOnAtStart() {
        var engine = f.engine(me: 0)
        #expect(engine.handle(.proposal(f.proposal(round: 0, v), valid: true)).isEmpty)
        for i in 1..<4 { #expect(engine.handle(.vote(f.vote(.precommit, i, round: 0, v))).isEmpty) }
        #expect(engine.decision == nil)
        #expect(engine.handle(.start).decisions.map(\.blockID) == [v])
    }

    @Test func aLargeWeightedSetDecidesWithTheSmallestQuorumItHears() throws {
        // 150 validators, powers 1…150: the precommits arrive heaviest first, and the decision
        // comes with the first one that takes the power strictly above two thirds.
        let count = 150
        let big = EngineFixture(count: count, powers: (1...UInt64(count)).map { $0 })
        var engine = big.engine(me: 0)
        _ = engine.handle(.start)
        _ = engine.handle(.proposal(big.proposal(round: 0, v), valid: true))
        let total = big.validators.totalPower
        var signed: UInt64 = 0
        var commit: Commit?
        for i in (0..<count).reversed() where commit == nil {
            signed += UInt64(i + 1)
            commit = engine.handle(.vote(big.vote(.precommit, i, round: 0, v))).decisions.first
            #expect((commit != nil) == (3 * signed > 2 * total), "after \(signed) of \(total)")
        }
        let decided = try #require(commit)
        #expect(decided.signatures.map(\.validator) == decided.signatures.map(\.validator).sorted())
    }

    @Test func timeoutsGrowLinearlyAndSaturate() {
        let t = TimeoutConfig.default
        #expect(t.milliseconds(.propose, round: 0) == 1000)
        #expect(t.milliseconds(.propose, round: 3) == 2500)
        #expect(t.milliseconds(.prevote, round: 2) == 1000)
        #expect(t.milliseconds(.precommit, round: 4) == 1500)
        #expect(t.milliseconds(.precommit, round: .max) == .max)
    }

    @Test func realSignaturesMakeACommitThatVerifies() throws {
        let keys = try (1...4).map { try PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [UInt8($0)]) }
        let validators = ValidatorSet(keys.map { Validator(address: $0.address, power: 10) })
        let addresses = validators.validators.map(\.address)
        let proposers = RoundRobinProposers(addresses: addresses, height: 7)
        func key(_ a: Address) -> PrivateKey { keys.first { $0.address == a }! }
        var engine = ConsensusEngine(chainID: "real", height: 7, validators: validators, proposers: proposers,
                                     me: addresses[0], timeouts: .default)
        _ = engine.handle(.start)
        let proposal = ProposalSigningPayload(chainID: "real", height: 7, round: 0, polRound: nil, blockID: v)
        let p = proposers.proposer(round: 0)
        _ = engine.handle(.proposal(SignedProposal(height: 7, round: 0, polRound: nil, blockID: v, proposer: p,
                                                   signature: key(p).sign(digest: proposal.signingHash)),
                                    valid: true))
        var commit: Commit?
        for a in addresses.reversed() {
            let payload = VoteSigningPayload(chainID: "real", type: .precommit, height: 7, round: 0, blockID: v)
            commit = commit ?? engine.handle(.vote(SignedVote(payload: payload, validator: a,
                                                              signature: key(a).sign(digest: payload.signingHash))))
                .decisions.first
        }
        let decided = try #require(commit)
        #expect(decided.signatures.count == 3)
        try validators.verify(commit: decided, chainID: "real", height: 7, blockID: v)
    }
}
