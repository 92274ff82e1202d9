import CairnCore
import CairnCrypto
import CairnStorage

/// A block that passed every validity rule but its own commit, with what executing it produced:
/// everything `ChainDatabase.commit` needs once consensus (or a synced commit) finalises it.
public struct ExecutedBlock: Sendable {
    public let block: Block
    public let transactionIDs: [Hash32]
    public let senders: [Address]
    public let outcome: ExecutionOutcome
    public let treeUpdate: SparseMerkleUpdate
    /// The block's canonical encoding, made once for the consensus journal and the commit.
    public let encoded: [UInt8]

    public init(block: Block, transactionIDs: [Hash32], senders: [Address], outcome: ExecutionOutcome,
                treeUpdate: SparseMerkleUpdate) {
        self.block = block
        self.encoded = block.canonicalBytes
        self.transactionIDs = transactionIDs
        self.senders = senders
        self.outcome = outcome
        self.treeUpdate = treeUpdate
    }

    /// The database write for this block finalised by `commit`, with the node's validator
    /// schedule record for the next height.
    public func write(commit: Commit, nextValidatorSchedule: [UInt8]) -> BlockWrite {
        BlockWrite(block: block, commit: commit, transactionIDs: transactionIDs, senders: senders,
                   results: outcome.results, blockResults: outcome.blockResults, stateChanges: outcome.changes, treeUpdate: treeUpdate,
                   indexEntries: outcome.indexEntries, nextValidatorSchedule: nextValidatorSchedule, encodedBlock: encoded)
    }
}

/// The validator sets a block at some height is checked against.
public struct BlockValidators: Sendable {
    /// The set that votes on the block's height (its proposer must be a member).
    public var current: ValidatorSet
    /// The set that votes on the next height.
    public var next: ValidatorSet
    /// The set that voted on the parent (checks `lastCommit`); nil at height 1.
    public var last: ValidatorSet?

    public init(current: ValidatorSet, next: ValidatorSet, last: ValidatorSet?) {
        self.current = current
        self.next = next
        self.last = last
    }
}
