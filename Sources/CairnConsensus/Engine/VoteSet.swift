import CairnCore
import CairnCrypto

/// The votes of one type (prevote or precommit) in one round: at most one counted vote per
/// validator, with the power behind each block id kept as votes arrive so every threshold check
/// is a lookup.
struct VoteSet: Sendable {
    enum AddResult: Sendable {
        /// A new vote, now counted.
        case added
        /// The same vote again; nothing changed.
        case duplicate
        /// The validator already has a different counted vote here (the one returned).
        case conflict(SignedVote)
    }

    private(set) var votes: [Address: SignedVote] = [:]
    /// Power per block id (nil = the nil vote).
    private(set) var powerByBlock: [Hash32?: UInt64] = [:]
    private(set) var countByBlock: [Hash32?: Int] = [:]
    /// Power of every counted vote, whatever it is for (the paper's "2f+1 ⟨…, ∗⟩").
    private(set) var totalPower: UInt64 = 0

    mutating func add(_ vote: SignedVote, power: UInt64) -> AddResult {
        if let existing = votes[vote.validator] {
            return existing.blockID == vote.blockID ? .duplicate : .conflict(existing)
        }
        votes[vote.validator] = vote
        powerByBlock[vote.blockID, default: 0] += power
        countByBlock[vote.blockID, default: 0] += 1
        totalPower += power
        return .added
    }

    func power(for blockID: Hash32?) -> UInt64 { powerByBlock[blockID] ?? 0 }

    /// The counted votes for `blockID`, sorted by validator address (a commit's order).
    func votes(for blockID: Hash32?) -> [SignedVote] {
        votes.values.filter { $0.blockID == blockID }.sorted { $0.validator < $1.validator }
    }

    func tally() -> VoteTally {
        let blocks = powerByBlock.keys.sorted { a, b in
            switch (a, b) {
            case (nil, nil): false
            case (nil, _): true
            case (_, nil): false
            case let (x?, y?): x < y
            }
        }
        return VoteTally(count: votes.count, power: totalPower,
                         byBlock: blocks.map { BlockVotes(blockID: $0, count: countByBlock[$0] ?? 0,
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

/// All counted votes of one type in one round; `byBlock` is nil first, then by block id.
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
