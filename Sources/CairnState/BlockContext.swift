import CairnCore
import CairnCrypto

/// What executing a block needs to know beyond its transactions: who proposed it, who signed
/// its parent, and the misbehaviour it reports. Everything here is fixed by the block itself
/// or by committed state, so every node executes the same block the same way.
public struct BlockContext: Sendable {
    public var chainID: String
    public var height: UInt64
    /// The consensus address of the block's proposer.
    public var proposer: Address
    /// Consensus addresses whose precommits the block's `lastCommit` carries, sorted; empty at height 1.
    public var lastCommitSigners: [Address]
    /// The validator set that signed the parent block; nil at height 1.
    public var lastValidators: ValidatorSet?
    public var evidence: [DuplicateVoteEvidence]
    /// The block's VRF seed (Specs/depin/randomness.md): what challenges derive from. Zero when
    /// the context is only for admission on committed state, where no hook reads it.
    public var seed: Hash32
    /// The block's header time, ms; 0 for admission.
    public var time: UInt64

    public init(chainID: String, height: UInt64, proposer: Address, lastCommitSigners: [Address] = [],
                lastValidators: ValidatorSet? = nil, evidence: [DuplicateVoteEvidence] = [],
                seed: Hash32 = .zero, time: UInt64 = 0) {
        self.chainID = chainID
        self.height = height
        self.proposer = proposer
        self.lastCommitSigners = lastCommitSigners
        self.lastValidators = lastValidators
        self.evidence = evidence
        self.seed = seed
        self.time = time
    }
}
