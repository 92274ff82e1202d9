import CairnCore
import CairnCrypto

/// The votes of one type (prevote or precommit) in one round, with the power behind each block id
/// kept as votes arrive so every threshold check is a lookup.
///
/// Each validator's **first** vote counts once towards "2f+1 of any kind". For the per-block
/// tallies every vote a validator signed counts, including an equivocator's conflicting ones: that
/// is the paper's model (a correct process receives all messages; "2f+1 ⟨PREVOTE, h, r, id(v)⟩" is
/// votes for v from distinct senders). Counting only the first would let an equivocator show one
/// validator a polka that the others can never see, and stall the height for good. Safety holds
/// either way: two quorums overlap in more than 1/3 of the power, so in a correct validator.
struct VoteSet: Sendable {
    /// Distinct votes kept per validator (its first one included). Only a faulty validator signs
    /// more than one; beyond the bound, a vote for nil or for a proposed block replaces one for a
    /// block nobody proposed, so junk cannot crowd out the votes that matter.
    static let maxVotesPerValidator = 4

    enum AddResult: Sendable {
        /// The validator's first vote here.
        case added
        /// A vote already held; nothing changed.
        case duplicate
        /// The validator's first vote here was a different one (returned). `stored` tells whether
        /// this vote now counts towards its block's tally.
        case conflict(first: SignedVote, stored: Bool)
    }

    /// Each validator's first vote.
    private(set) var first: [Address: SignedVote] = [:]
    /// Every kept vote, by block id (nil = the nil vote), then by validator.
    private var byBlock: [Hash32?: [Address: SignedVote]] = [:]
    private var powerByBlock: [Hash32?: UInt64] = [:]
    /// The block ids each validator has kept votes for, first vote first.
    private var kept: [Address: [Hash32?]] = [:]
    /// Power of the validators with a vote here, each once (the paper's "2f+1 ⟨…, ∗⟩").
    private(set) var totalPower: UInt64 = 0

    /// `matters(b)`: whether a vote for `b` can take part in a rule (nil, or a proposed block).
    mutating func add(_ vote: SignedVote, power: UInt64, matters: (Hash32?) -> Bool) -> AddResult {
        let validator = vote.validator
        guard let firstVote = first[validator] else {
            first[validator] = vote
            kept[validator] = [vote.blockID]
            store(vote, power: power)
            totalPower += power
            return .added
        }
        var blocks = kept[validator] ?? []
        if blocks.contains(vote.blockID) { return .duplicate }
        if blocks.count >= Self.maxVotesPerValidator {
            // Evict a later vote for an unproposed block, if this one matters more.
            guard matters(vote.blockID),
                  let victim = blocks.indices.dropFirst().first(where: { !matters(blocks[$0]) }) else {
                return .conflict(first: firstVote, stored: false)
            }
            let evicted = blocks.remove(at: victim)
            byBlock[evicted]?[validator] = nil
            powerByBlock[evicted, default: 0] -= power
        }
        blocks.append(vote.blockID)
        kept[validator] = blocks
        store(vote, power: power)
        return .conflict(first: firstVote, stored: true)
    }

    private mutating func store(_ vote: SignedVote, power: UInt64) {
        byBlock[vote.blockID, default: [:]][vote.validator] = vote
        powerByBlock[vote.blockID, default: 0] += power
    }

    /// Power of the validators that voted for `blockID` (an equivocator counts for each block).
    func power(for blockID: Hash32?) -> UInt64 { powerByBlock[blockID] ?? 0 }

    /// The kept votes for `blockID`, one per validator, sorted by address (a commit's order).
    func votes(for blockID: Hash32?) -> [SignedVote] {
        (byBlock[blockID] ?? [:]).values.sorted { $0.validator < $1.validator }
    }

    func tally() -> VoteTally {
        let blocks = byBlock.keys.filter { !(byBlock[$0]?.isEmpty ?? true) }.sorted { a, b in
            switch (a, b) {
            case (nil, nil): false
            case (nil, _): true
            case (_, nil): false
            case let (x?, y?): x < y
            }
        }
        return VoteTally(count: first.count, power: totalPower,
                         byBlock: blocks.map { BlockVotes(blockID: $0, count: byBlock[$0]?.count ?? 0,
                                                          power: powerByBlock[$0] ?? 0) })
    }
}

/// The power and number of votes seen for one block id (nil = nil votes) in one round and type.
public struct BlockVotes: Sendable, Hashable {
    public let blockID: Hash32?
    public let count: Int
    public let power: UInt64

    public init(blockID: Hash32?, count: Int, power: UInt64) {
        self.blockID = blockID
        self.count = count
        self.power = power
    }
}

/// The votes of one type in one round: `count`/`power` count each validator once; `byBlock` (nil
/// first, then by block id) counts an equivocator under every block it voted for.
public struct VoteTally: Sendable, Hashable {
    public let count: Int
    public let power: UInt64
    public let byBlock: [BlockVotes]

    public init(count: Int, power: UInt64, byBlock: [BlockVotes]) {
        self.count = count
        self.power = power
        self.byBlock = byBlock
    }
}

/// What the engine has counted in one round, for RPC consensus_state and logs.
public struct RoundVotes: Sendable, Hashable {
    public let round: UInt64
    public let prevotes: VoteTally
    public let precommits: VoteTally

    public init(round: UInt64, prevotes: VoteTally, precommits: VoteTally) {
        self.round = round
        self.prevotes = prevotes
        self.precommits = precommits
    }
}

/// A proposal the engine has accepted (signed by the round's proposer) and the driver's verdict
/// on its block.
struct ProposalEntry: Sendable {
    let proposal: SignedProposal
    let valid: Bool
}

/// Everything received for one round.
struct RoundMessages: Sendable {
    var prevotes = VoteSet()
    var precommits = VoteSet()
    /// Normally one; a faulty proposer may sign several, and the one a quorum acts on must be
    /// found (bounded by `ConsensusEngine.maxProposalsPerRound`).
    var proposals: [ProposalEntry] = []
    /// Validators with any message in this round, for the round skip (line 55).
    var senders: Set<Address> = []
    var senderPower: UInt64 = 0

    mutating func noteSender(_ address: Address, power: UInt64) {
        if senders.insert(address).inserted { senderPower += power }
    }

    func validProposal(for blockID: Hash32) -> SignedProposal? {
        proposals.first { $0.valid && $0.proposal.blockID == blockID }?.proposal
    }
}
