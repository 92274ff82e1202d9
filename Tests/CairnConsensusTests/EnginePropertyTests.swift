import CairnConsensus
import CairnCore
import CairnCrypto
import CairnTestSupport
import Testing

/// Random input sequences (votes of any validator, round and value, proposals from right and
/// wrong proposers, valid or not, fresh and stale timeouts, stray blockReady): the engine never
/// traps, never asks to sign two different votes for one round and type, never proposes twice in a
/// round, moves its round and lock rounds only forward, reports each equivocation once, decides at
/// most once with a well-formed commit, and is a pure function of its inputs (a replay gives the
/// same outputs — what the node's crash recovery relies on).
@Suite struct EnginePropertyTests {
    static let sequences = 300
    static let inputsPerSequence = 250

    @Test func invariantsHoldOnRandomInputs() {
        var coverage = Coverage()
        for seed in UInt64(1)...UInt64(Self.sequences) {
            var rng = SeededGenerator(seed: seed)
            let count = Int.random(in: 4...7, using: &rng)
            let weighted = Bool.random(using: &rng)
            let f = EngineFixture(count: count,
                                  powers: (0..<count).map { _ in weighted ? UInt64.random(in: 1...5, using: &rng) : 1 })
            let me = Int.random(in: 0...count, using: &rng)  // count = a follower
            coverage.add(check(seed: seed, f, me: me == count ? nil : me, rng: &rng))
        }
        // The random inputs must reach the interesting states, or the checks above say little.
        print("engine properties: \(coverage)")
        #expect(coverage.decided * 5 >= Self.sequences && coverage.locked * 5 >= Self.sequences
                && coverage.relocked > 0 && coverage.evidence * 10 >= Self.sequences, "\(coverage)")
    }

    /// Inputs near the engine's round, mostly agreeing on a favourite block per round (so polkas,
    /// locks and decisions happen), with some nil votes, stray values, equivocations, wrong
    /// proposers, invalid blocks, far rounds and stale timeouts.
    private struct InputSource {
        let f: EngineFixture
        var favourite: [UInt64: Hash32] = [:]
        let blocks = (1...4).map { EngineFixture.block(UInt8($0)) }

        mutating func next(around current: UInt64, _ rng: inout SeededGenerator) -> ConsensusInput {
            let round: UInt64 = switch UInt64.random(in: 0..<40, using: &rng) {
            case 0: current + UInt64.random(in: 3...150, using: &rng)
            case 1...8: current > 0 ? UInt64.random(in: 0..<current, using: &rng) : 0
            case 9...11: current + 1
            default: current
            }
            if favourite[round] == nil { favourite[round] = blocks.randomElement(using: &rng)! }
            let liked = favourite[round]!
            func value() -> Hash32? {
                switch UInt64.random(in: 0..<10, using: &rng) {
                case 0...6: liked
                case 7, 8: nil
                default: blocks.randomElement(using: &rng)!
                }
            }
            switch UInt64.random(in: 0..<24, using: &rng) {
            case 0: return .start
            case 1...3:
                let polRound: UInt64? = round > 0 && Bool.random(using: &rng)
                    ? UInt64.random(in: 0..<round, using: &rng) : nil
                let from = UInt64.random(in: 0..<8, using: &rng) == 0 ? f.addresses.randomElement(using: &rng)! : nil
                return .proposal(f.proposal(round: round, value() ?? liked, polRound: polRound, from: from),
                                 valid: UInt64.random(in: 0..<8, using: &rng) != 0)
            case 4...6:
                let steps: [ConsensusStep] = [.propose, .prevote, .precommit, .decided]
                return .timeout(ConsensusTimeout(height: UInt64.random(in: 0..<10, using: &rng) == 0 ? 2 : f.height,
                                                 round: UInt64.random(in: 0..<4, using: &rng) == 0 ? round : current,
                                                 step: steps.randomElement(using: &rng)!))
            case 7: return .blockReady(blocks.randomElement(using: &rng)!)
            default:
                // Precommits lean to nil, so heights last long enough to explore many rounds.
                let type: VoteType = Bool.random(using: &rng) ? .prevote : .precommit
                let blockID = type == .precommit && Bool.random(using: &rng) ? nil : value()
                return .vote(f.vote(type, Int.random(in: 0..<f.addresses.count, using: &rng), round: round, blockID))
            }
        }
    }

    private struct Coverage: CustomStringConvertible {
        var decided = 0, locked = 0, relocked = 0, evidence = 0, maxRound: UInt64 = 0
        mutating func add(_ other: Coverage) {
            decided += other.decided
            locked += other.locked
            relocked += other.relocked
            evidence += other.evidence
            maxRound = max(maxRound, other.maxRound)
        }
        var description: String {
            "\(decided) decided, \(locked) locked, \(relocked) locked a second value, \(evidence) with evidence, "
                + "highest round \(maxRound)"
        }
    }

    private struct VoteKey: Hashable { let round: UInt64; let type: VoteType }
    private struct EvidenceKey: Hashable { let validator: Address; let round: UInt64; let type: VoteType }

    private func check(seed: UInt64, _ f: EngineFixture, me: Int?, rng: inout SeededGenerator) -> Coverage {
        var source = InputSource(f: f)
        var engine = f.engine(me: me)
        var replay = f.engine(me: me)
        var signed: [VoteKey: Hash32?] = [:]
        var proposedRounds: Set<UInt64> = []
        var reported: Set<EvidenceKey> = []
        var decisions = 0
        var lockedValues: [Hash32] = []
        var previous = (round: UInt64(0), locked: UInt64?.none, valid: UInt64?.none)
        func fail(_ what: String) { Issue.record("seed \(seed) (\(f.addresses.count) validators, me \(String(describing: me))): \(what)") }

        for _ in 0..<Self.inputsPerSequence {
            let input = source.next(around: engine.round, &rng)
            let wasDecided = engine.decision != nil
            let outputs = engine.handle(input)
            if replay.handle(input) != outputs { fail("a second engine fed the same inputs answered differently") }
            if wasDecided && !outputs.isEmpty { fail("output after the decision: \(outputs)") }
            if engine.round < previous.round { fail("round went back from \(previous.round) to \(engine.round)") }
            if let l = engine.lockedRound, l > engine.round || (previous.locked.map { l < $0 } ?? false) {
                fail("lockedRound \(l) (before \(String(describing: previous.locked)), round \(engine.round))")
            }
            if (engine.lockedRound == nil) != (engine.lockedValue == nil) { fail("lockedRound and lockedValue disagree") }
            if let v = engine.validRound, v > engine.round || (previous.valid.map { v < $0 } ?? false) {
                fail("validRound \(v) (before \(String(describing: previous.valid)), round \(engine.round))")
            }
            if previous.locked != nil && engine.lockedRound == nil { fail("unlocked") }
            previous = (engine.round, engine.lockedRound, engine.validRound)
            if let value = engine.lockedValue, !lockedValues.contains(value) { lockedValues.append(value) }

            for output in outputs {
                switch output {
                case .vote(let payload):
                    if me == nil { fail("a follower voted") }
                    if payload.height != f.height || payload.round > engine.round { fail("vote \(payload)") }
                    let key = VoteKey(round: payload.round, type: payload.type)
                    if let earlier = signed[key], earlier != payload.blockID {
                        fail("asked to sign \(payload.type) \(String(describing: payload.blockID)) in round \(payload.round) after \(String(describing: earlier))")
                    }
                    signed[key] = payload.blockID
                case .propose(let payload):
                    if me.map({ f.addresses[$0] }) != f.proposer(payload.round) { fail("proposed in a round it does not propose") }
                    if !proposedRounds.insert(payload.round).inserted { fail("proposed twice in round \(payload.round)") }
                    if let pol = payload.polRound, pol >= payload.round { fail("polRound \(pol) ≥ round \(payload.round)") }
                case .buildBlock(let height, let round):
                    if height != f.height || me.map({ f.addresses[$0] }) != f.proposer(round) { fail("buildBlock \(round)") }
                case .scheduleTimeout(let timeout, let ms):
                    if timeout.height != f.height || timeout.round > engine.round
                        || ms != Simulation.timeouts.milliseconds(timeout.step, round: timeout.round)
                        && ms != TimeoutConfig.default.milliseconds(timeout.step, round: timeout.round) {
                        fail("timeout \(timeout) \(ms)ms")
                    }
                case .decided(let commit):
                    decisions += 1
                    let validators = commit.signatures.map(\.validator)
                    let power = validators.reduce(UInt64(0)) { $0 + (f.validators.power(of: $1) ?? 0) }
                    if zip(validators, validators.dropFirst()).contains(where: { !($0 < $1) }) { fail("unsorted commit") }
                    if power * 3 <= f.validators.totalPower * 2 { fail("commit without a quorum: \(power)") }
                    if engine.decision != commit || engine.step != .decided { fail("decision not recorded") }
                    if !engine.proposals(round: commit.round).contains(where: { $0.blockID == commit.blockID }) {
                        fail("decided without the proposal")
                    }
                case .evidence(let evidence):
                    let key = EvidenceKey(validator: evidence.validator, round: evidence.first.round, type: evidence.first.type)
                    if !reported.insert(key).inserted { fail("evidence twice for \(key)") }
                    if evidence.first.blockID == evidence.second.blockID { fail("evidence of identical votes") }
                }
            }
        }
        if decisions > 1 { fail("decided \(decisions) times") }
        return Coverage(decided: decisions, locked: engine.lockedRound == nil ? 0 : 1,
                        relocked: lockedValues.count > 1 ? 1 : 0, evidence: reported.isEmpty ? 0 : 1,
                        maxRound: engine.round)
    }
}
