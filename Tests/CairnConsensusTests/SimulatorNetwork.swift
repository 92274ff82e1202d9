import CairnConsensus
import CairnCore
import CairnCrypto
import CairnTestSupport

/// What simulated validators send each other: consensus messages, and the node's block sync
/// reduced to its essence (a node's height, answered with the commit of that height by a node
/// that is further).
enum SimulatedMessage: Hashable {
    case proposal(SignedProposal)
    case vote(SignedVote)
    case commit(Commit)
    case status(height: UInt64)

    var height: UInt64 {
        switch self {
        case .proposal(let p): p.height
        case .vote(let v): v.height
        case .commit(let c): c.height
        case .status(let height): height
        }
    }
}

/// A deterministic discrete-event simulation of validators running one `ConsensusEngine` per
/// height over a network with delays, reordering, losses and a partition until `gst`, crashes
/// with restarts from a journal, and faulty validators. It records what the safety and liveness
/// checks need; `failures` lists every violation found.
struct Simulation {
    static let chainID = "cairn-sim"
    static let timeouts = TimeoutConfig(propose: 400, proposeDelta: 200, prevote: 200, prevoteDelta: 100,
                                        precommit: 200, precommitDelta: 100)
    static let tickInterval: UInt64 = 1_000
    static let maxEvents = 3_000_000

    enum Event {
        case deliver(to: Int, from: Int, SimulatedMessage)
        case timer(node: Int, epoch: Int, ConsensusTimeout)
        case built(node: Int, epoch: Int, height: UInt64, blockID: Hash32)
        case crash(Int, journalLoss: Int)
        case restart(Int)
        case tick(Int)
    }

    /// What a node's double-sign guard remembers per height, round and message kind.
    struct GuardKey: Hashable {
        let height: UInt64
        let round: UInt64
        /// 0 proposal, 1 prevote, 2 precommit.
        let kind: UInt64
    }

    struct GuardValue: Hashable {
        let blockID: Hash32?
        let polRound: UInt64?
    }

    struct Node {
        let index: Int
        let address: Address
        let behaviour: SimulatedBehaviour
        var height: UInt64 = 1
        var engine: ConsensusEngine
        var up = true
        /// Bumped on every crash and restart: timers and builds of an earlier life are ignored.
        var epoch = 0
        // Durable (survives crashes): the journal of the current height, the guard, the chain.
        var journal: [ConsensusInput] = []
        /// Journal entries written before the last signature: the node syncs its journal before
        /// anything it signs leaves it, so a crash loses at most what came after.
        var durable = 0
        var signed: [GuardKey: GuardValue] = [:]
        var commits: [UInt64: Commit] = [:]
        var crashed = false
        // Volatile: what this life has seen at the current height, and messages for the next.
        var seen: Set<SimulatedMessage> = []
        var log: [SimulatedMessage] = []
        var nextHeight: [SimulatedMessage] = []
        var heightAtLastTick: UInt64 = 0
    }

    struct LockKey: Hashable {
        let height: UInt64
        let round: UInt64
        let value: Hash32
    }

    let scenario: SimulatorScenario
    var rng: SeededGenerator
    var now: UInt64 = 0
    var queue = SimulatorEventQueue<Event>()
    var nodes: [Node] = []
    let addresses: [Address]
    let validators: ValidatorSet
    var invalidBlocks: Set<Hash32> = []

    // Observations.
    var failures: [String] = []
    var decided: [UInt64: Hash32] = [:]
    var evidence: [(node: Int, evidence: DuplicateVoteEvidence)] = []
    var lockers: [LockKey: [Int]] = [:]
    var lockOrder: [LockKey] = []
    var prevotes: [(node: Int, height: UInt64, round: UInt64, blockID: Hash32?)] = []
    var guardRefusals: [(node: Int, key: GuardKey)] = []
    var events = 0
    var maxRound: UInt64 = 0

    /// Real secp256k1 keys when set (slow in debug builds): messages are signed with them and
    /// checked on receipt, and commits are checked with `ValidatorSet.verify`.
    let keys: [PrivateKey]?

    init(scenario: SimulatorScenario, realKeys: Bool = false) {
        self.scenario = scenario
        rng = SeededGenerator(seed: scenario.seed ^ 0x5EED_CA1D)
        let keys: [Address]
        if realKeys {
            let privateKeys = (0..<scenario.count).map {
                try! PrivateKey(bytes: Hash32.sha256(parts: [UInt8($0)], [0x4B]).bytes)
            }
            self.keys = privateKeys
            keys = privateKeys.map(\.address)
        } else {
            self.keys = nil
            keys = (0..<scenario.count).map { Address(unchecked: Hash32.sha256(parts: [UInt8($0)], [0x5A]).bytes.suffix(20)) }
        }
        addresses = keys
        validators = ValidatorSet(zip(keys, scenario.powers).map { Validator(address: $0, power: $1) })
        for index in 0..<scenario.count {
            nodes.append(Node(index: index, address: keys[index], behaviour: scenario.behaviours[index],
                              engine: Self.engine(height: 1, me: keys[index], validators: validators, addresses: keys)))
        }
    }

    static func engine(height: UInt64, me: Address, validators: ValidatorSet, addresses: [Address]) -> ConsensusEngine {
        ConsensusEngine(chainID: chainID, height: height, validators: validators,
                        proposers: RoundRobinProposers(addresses: addresses, height: height), me: me, timeouts: timeouts)
    }

    var honest: [Int] { nodes.indices.filter { nodes[$0].behaviour == .honest } }
    var finished: Bool { honest.allSatisfy { nodes[$0].height > scenario.targetHeight } }

    // MARK: - Running

    mutating func run() {
        for crash in scenario.crashes {
            queue.push(.crash(crash.node, journalLoss: crash.journalLoss), at: crash.at)
            queue.push(.restart(crash.node), at: crash.at + crash.downFor)
        }
        for index in nodes.indices where nodes[index].behaviour != .silent {
            queue.push(.tick(index), at: Self.tickInterval + UInt64(index))
            feed(index, [.start])
        }
        let lastRestart = scenario.crashes.map { $0.at + $0.downFor }.max() ?? 0
        let deadline = max(scenario.gst, lastRestart) + 120_000
        while !finished, let (time, event) = queue.pop() {
            guard time <= deadline, events < Self.maxEvents else { break }
            now = time
            events += 1
            dispatch(event)
        }
        if !finished {
            let heights = honest.map { "\($0):h\(nodes[$0].height)r\(nodes[$0].engine.round)\(nodes[$0].engine.step)" }
            failures.append("progress: honest validators did not all reach height \(scenario.targetHeight + 1) "
                            + "by t=\(now)ms after \(events) events: \(heights)")
        }
        checkLocking()
        checkEvidence()
    }

    private mutating func dispatch(_ event: Event) {
        switch event {
        case .deliver(let to, let from, let message):
            receive(to, from: from, message)
        case .timer(let node, let epoch, let timeout):
            guard nodes[node].up, nodes[node].epoch == epoch else { return }
            feed(node, [.timeout(timeout)])
        case .built(let node, let epoch, let height, let blockID):
            guard nodes[node].up, nodes[node].epoch == epoch, nodes[node].height == height else { return }
            feed(node, [.blockReady(blockID)])
        case .crash(let node, let loss):
            guard nodes[node].up else { return }
            nodes[node].up = false
            nodes[node].crashed = true
            nodes[node].epoch += 1
            // Only entries after the last signature can be lost, and `.start` never is.
            let lost = min(loss, nodes[node].journal.count - max(1, nodes[node].durable))
            nodes[node].journal.removeLast(max(0, lost))
        case .restart(let node):
            restart(node)
        case .tick(let node):
            queue.push(.tick(node), at: now + Self.tickInterval)
            guard nodes[node].up else { return }
            // A node that made no progress since the last tick re-sends everything it has for its
            // height: the paper's gossip (what one correct node received, all eventually receive).
            if nodes[node].heightAtLastTick == nodes[node].height {
                for message in nodes[node].log { broadcast(from: node, message) }
                broadcast(from: node, .status(height: nodes[node].height))
            }
            nodes[node].heightAtLastTick = nodes[node].height
        }
    }

    /// Rebuilds the engine by replaying the journal; what the replay asks for is done again
    /// (re-signing an identical message is allowed by the guard, a conflicting one is refused).
    private mutating func restart(_ index: Int) {
        guard !nodes[index].up else { return }
        nodes[index].up = true
        nodes[index].epoch += 1
        nodes[index].seen = []
        nodes[index].log = []
        nodes[index].nextHeight = []
        let height = nodes[index].height
        nodes[index].engine = Self.engine(height: height, me: nodes[index].address, validators: validators,
                                          addresses: addresses)
        var outputs: [ConsensusOutput] = []
        for input in nodes[index].journal {
            outputs += nodes[index].engine.handle(input)
            observe(index)
        }
        var feedback: [ConsensusInput] = []
        for output in outputs {
            feedback += perform(index, output)
            if nodes[index].height != height { break }
        }
        feed(index, feedback)
    }

    /// Hands inputs to a node's engine (journaling each first) and carries out the outputs, until
    /// nothing is left to feed back.
    private mutating func feed(_ index: Int, _ inputs: [ConsensusInput]) {
        var pending = inputs
        var next = 0
        while next < pending.count {
            let input = pending[next]
            next += 1
            let height = nodes[index].height
            nodes[index].journal.append(input)
            let outputs = nodes[index].engine.handle(input)
            observe(index)
            for output in outputs {
                let more = perform(index, output)
                if nodes[index].height != height {
                    // Decided: the rest belongs to the new height's engine.
                    pending = more
                    next = 0
                    break
                }
                pending += more
            }
        }
    }

    // MARK: - Outputs

    /// Carries out one output; returns the inputs to feed back (own signed messages, or a new
    /// height's start).
    private mutating func perform(_ index: Int, _ output: ConsensusOutput) -> [ConsensusInput] {
        let node = nodes[index]
        switch output {
        case .buildBlock(let height, let round):
            let blockID = block(by: index, height: height, round: round, variant: 0)
            if node.behaviour == .invalidProposer { invalidBlocks.insert(blockID) }
            queue.push(.built(node: index, epoch: node.epoch, height: height, blockID: blockID),
                       at: now + UInt64.random(in: 1...30, using: &rng))
            return []
        case .propose(var payload):
            let key = GuardKey(height: payload.height, round: payload.round, kind: 0)
            if let signed = guardRefuses(index, key, GuardValue(blockID: payload.blockID, polRound: payload.polRound)) {
                // Refused: the proposal signed before the crash is the proposal of this round.
                payload.blockID = signed.blockID!
                payload.polRound = signed.polRound
            }
            let proposal = sign(payload, by: node.address)
            if node.behaviour == .equivocating {
                var other = payload
                other.blockID = block(by: index, height: payload.height, round: payload.round, variant: 1)
                other.polRound = nil
                let second = sign(other, by: node.address)
                split(from: index, .proposal(proposal), .proposal(second))
                // Its own engine knows both, so its votes can back either (below).
                return [.proposal(proposal, valid: true), .proposal(second, valid: true)]
            } else {
                remember(index, .proposal(proposal))
                broadcast(from: index, .proposal(proposal))
            }
            return [.proposal(proposal, valid: true)]
        case .vote(var payload):
            let key = GuardKey(height: payload.height, round: payload.round, kind: payload.type.rawValue)
            if let signed = guardRefuses(index, key, GuardValue(blockID: payload.blockID, polRound: nil)) {
                // Refused: re-send (and count) the vote signed before the crash instead, so that
                // peers that missed it still get this validator's vote.
                payload.blockID = signed.blockID
            }
            let vote = sign(payload, by: node.address)
            if node.behaviour == .honest, payload.type == .prevote {
                prevotes.append((index, payload.height, payload.round, payload.blockID))
            }
            if node.behaviour == .equivocating {
                // The second vote backs another proposal of the round if there is one (the most
                // damaging lie), else nil for a block or a made-up block for nil.
                var other = payload
                let proposed = nodes[index].engine.proposals(round: payload.round).map(\.blockID)
                other.blockID = proposed.first { $0 != payload.blockID }
                    ?? (payload.blockID == nil ? block(by: index, height: payload.height, round: payload.round, variant: 2) : nil)
                split(from: index, .vote(vote), .vote(sign(other, by: node.address)))
            } else {
                remember(index, .vote(vote))
                broadcast(from: index, .vote(vote))
            }
            return [.vote(vote)]
        case .scheduleTimeout(let timeout, let milliseconds):
            queue.push(.timer(node: index, epoch: node.epoch, timeout), at: now + milliseconds)
            return []
        case .decided(let commit):
            return advance(index, with: commit)
        case .evidence(let found):
            evidence.append((index, found))
            return []
        }
    }

    /// The honest validators' guard: one signature per height, round and kind, except the very
    /// same message again. Returns what was signed before if `value` conflicts with it. Faulty
    /// validators sign anything.
    private mutating func guardRefuses(_ index: Int, _ key: GuardKey, _ value: GuardValue) -> GuardValue? {
        guard nodes[index].behaviour != .equivocating else { return nil }
        nodes[index].durable = nodes[index].journal.count
        if let previous = nodes[index].signed[key] {
            if previous == value { return nil }
            guardRefusals.append((index, key))
            return previous
        }
        nodes[index].signed[key] = value
        return nil
    }

    /// Records a decision (the engine's, or a commit received for the current height) and starts
    /// the next height with the messages already buffered for it.
    private mutating func advance(_ index: Int, with commit: Commit) -> [ConsensusInput] {
        if nodes[index].behaviour == .honest {
            if let earlier = decided[commit.height], earlier != commit.blockID {
                failures.append("agreement: validator \(index) decided \(commit.blockID) at height \(commit.height), "
                                + "another honest validator decided \(earlier)")
            }
            decided[commit.height] = commit.blockID
            if invalidBlocks.contains(commit.blockID) {
                failures.append("validity: validator \(index) decided invalid block \(commit.blockID) at height \(commit.height)")
            }
            if commit.signatures.map(\.validator) != commit.signatures.map(\.validator).sorted()
                || !commitIsValid(commit) {
                failures.append("commit: validator \(index) produced a malformed commit at height \(commit.height)")
            }
        }
        maxRound = max(maxRound, commit.round)
        nodes[index].commits[commit.height] = commit
        nodes[index].height = commit.height + 1
        nodes[index].engine = Self.engine(height: commit.height + 1, me: nodes[index].address,
                                          validators: validators, addresses: addresses)
        nodes[index].journal = []
        nodes[index].durable = 0
        nodes[index].seen = []
        nodes[index].log = []
        let buffered = nodes[index].nextHeight
        nodes[index].nextHeight = []
        var inputs: [ConsensusInput] = [.start]
        for message in buffered where !nodes[index].seen.contains(message) && hasValidSignature(message) {
            if let input = accept(index, message) { inputs.append(input) }
        }
        return inputs
    }

    /// Each counted precommit is a distinct member's signature over the commit's payload, and
    /// together they hold more than 2/3 of the power.
    func commitIsValid(_ commit: Commit) -> Bool {
        if keys != nil {
            return (try? validators.verify(commit: commit, chainID: Self.chainID, height: commit.height,
                                           blockID: commit.blockID)) != nil
        }
        let digest = commit.payload(chainID: Self.chainID).signingHash
        var power: UInt64 = 0
        var previous: Address?
        for signature in commit.signatures {
            if let previous, !(previous < signature.validator) { return false }
            previous = signature.validator
            guard let p = validators.power(of: signature.validator),
                  signature.signature == FakeSignature.make(digest, by: signature.validator) else { return false }
            power += p
        }
        return power * 3 > validators.totalPower * 2
    }

    // MARK: - Network

    private mutating func receive(_ index: Int, from sender: Int, _ message: SimulatedMessage) {
        guard nodes[index].up, nodes[index].behaviour != .silent else { return }
        let height = nodes[index].height
        if case .status = message, message.height >= height { return }
        if message.height < height {
            // The sender is behind: help it with the commit of its height.
            if case .commit = message { return }
            if let commit = nodes[index].commits[message.height] { send(from: index, to: sender, .commit(commit)) }
            return
        }
        if case .commit(let commit) = message {
            guard commit.height == height, commitIsValid(commit), !invalidBlocks.contains(commit.blockID) else { return }
            feed(index, advance(index, with: commit))
            return
        }
        if message.height == height + 1 {
            if nodes[index].nextHeight.count < 2_000 { nodes[index].nextHeight.append(message) }
            return
        }
        guard message.height == height, !nodes[index].seen.contains(message), hasValidSignature(message),
              let input = accept(index, message) else { return }
        feed(index, [input])
    }

    /// Notes a new message of the current height, relays it (honest gossip), and makes the input.
    private mutating func accept(_ index: Int, _ message: SimulatedMessage) -> ConsensusInput? {
        remember(index, message)
        if nodes[index].behaviour == .honest { broadcast(from: index, message) }
        switch message {
        case .proposal(let p): return .proposal(p, valid: !invalidBlocks.contains(p.blockID))
        case .vote(let v): return .vote(v)
        case .commit, .status: return nil
        }
    }

    private mutating func remember(_ index: Int, _ message: SimulatedMessage) {
        if nodes[index].seen.insert(message).inserted { nodes[index].log.append(message) }
    }

    private mutating func broadcast(from index: Int, _ message: SimulatedMessage) {
        for peer in nodes.indices where peer != index { send(from: index, to: peer, message) }
    }

    /// An equivocator's two versions, each to a different half of the peers. All equivocators
    /// split the same way (the version for the smaller block id to the lower-numbered half), so
    /// together they tell each half one consistent story: the split-brain attack.
    private mutating func split(from index: Int, _ a: SimulatedMessage, _ b: SimulatedMessage) {
        func key(_ message: SimulatedMessage) -> [UInt8] {
            switch message {
            case .proposal(let p): [1] + p.blockID.bytes
            case .vote(let v): v.blockID.map { [1] + $0.bytes } ?? [0]
            case .commit, .status: []
            }
        }
        let (low, high) = key(a).lexicographicallyPrecedes(key(b)) ? (a, b) : (b, a)
        for peer in nodes.indices where peer != index {
            send(from: index, to: peer, peer < nodes.count / 2 ? low : high)
        }
    }

    private mutating func send(from: Int, to: Int, _ message: SimulatedMessage) {
        guard nodes[from].behaviour != .silent else { return }
        let beforeGST = now < scenario.gst
        if beforeGST {
            if UInt64.random(in: 0..<1_000, using: &rng) < scenario.dropPerMille { return }
            for partition in scenario.partitions where partition.start <= now && now < partition.end
                && partition.side[from] != partition.side[to] { return }
        }
        let delay = UInt64.random(in: 1...(beforeGST ? scenario.maxDelayBeforeGST : scenario.maxDelayAfterGST),
                                  using: &rng)
        queue.push(.deliver(to: to, from: from, message), at: now + delay)
    }

    // MARK: - Signing and blocks

    private func signature(_ digest: Hash32, by address: Address) -> RecoverableSignature {
        if let keys { return keys[addresses.firstIndex(of: address)!].sign(digest: digest) }
        return FakeSignature.make(digest, by: address)
    }

    private func sign(_ payload: VoteSigningPayload, by address: Address) -> SignedVote {
        SignedVote(payload: payload, validator: address, signature: signature(payload.signingHash, by: address))
    }

    private func sign(_ payload: ProposalSigningPayload, by address: Address) -> SignedProposal {
        SignedProposal(height: payload.height, round: payload.round, polRound: payload.polRound,
                       blockID: payload.blockID, proposer: address, signature: signature(payload.signingHash, by: address))
    }

    /// The driver's check before a message reaches the engine (only with real keys: fake
    /// signatures are correct by construction).
    private func hasValidSignature(_ message: SimulatedMessage) -> Bool {
        guard keys != nil else { return true }
        switch message {
        case .proposal(let p): return p.hasValidSignature(chainID: Self.chainID)
        case .vote(let v): return v.hasValidSignature(chainID: Self.chainID)
        case .commit, .status: return true
        }
    }

    /// A block id unique to its builder, height, round and variant.
    private func block(by index: Int, height: UInt64, round: UInt64, variant: UInt8) -> Hash32 {
        var writer = CanonicalWriter()
        writer.write(varint: UInt64(index))
        writer.write(varint: height)
        writer.write(varint: round)
        writer.write(varint: UInt64(variant))
        return Hash32.sha256(writer.bytes)
    }

    // MARK: - Checks

    /// Records every lock an honest engine holds, for the locking invariant.
    private mutating func observe(_ index: Int) {
        guard nodes[index].behaviour == .honest, let round = nodes[index].engine.lockedRound,
              let value = nodes[index].engine.lockedValue else { return }
        let key = LockKey(height: nodes[index].height, round: round, value: value)
        if lockers[key] == nil { lockOrder.append(key) }
        if !(lockers[key]?.contains(index) ?? false) { lockers[key, default: []].append(index) }
    }

    /// Lemma (paper §4): if correct validators holding more than a third of the power lock v in
    /// round r, then in every later round they prevote only v or nil.
    private mutating func checkLocking() {
        for key in lockOrder {
            let group = lockers[key] ?? []
            let power = group.reduce(UInt64(0)) { $0 + scenario.powers[$1] }
            guard power * 3 > scenario.totalPower else { continue }
            for vote in prevotes where group.contains(vote.node) && vote.height == key.height && vote.round > key.round
                && vote.blockID != nil && vote.blockID != key.value {
                failures.append("locking: validators \(group) locked \(key.value) in round \(key.round) at height "
                                + "\(key.height), but validator \(vote.node) prevoted \(vote.blockID!) in round \(vote.round)")
            }
        }
    }

    /// Evidence names only equivocators; and an honest engine, rebuilt from its journal or not,
    /// never asks its guard for a conflicting signature.
    private mutating func checkEvidence() {
        for (node, found) in evidence where scenario.behaviours[addresses.firstIndex(of: found.validator)!] != .equivocating {
            failures.append("evidence: validator \(node) accused \(found.validator), which did not equivocate")
        }
        for refusal in guardRefusals {
            failures.append("guard: validator \(refusal.node) (crashed: \(nodes[refusal.node].crashed)) asked to sign a "
                            + "conflicting message at \(refusal.key)")
        }
    }

    /// Equivocators that at least one honest validator produced evidence against.
    var accusedEquivocators: Set<Int> {
        Set(evidence.filter { nodes[$0.node].behaviour == .honest }.compactMap { addresses.firstIndex(of: $0.evidence.validator) })
    }
}
