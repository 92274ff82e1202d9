import CairnCore
import CairnCrypto

/// Everything one committed block changes, written by `ChainDatabase.commit` in one synced batch.
public struct BlockWrite: Sendable {
    public var block: Block
    public var commit: Commit
    /// Transaction ids in block order (already computed at admission; not recomputed here).
    public var transactionIDs: [Hash32]
    /// Transaction senders in block order (recovered at admission).
    public var senders: [Address]
    public var results: [TransactionResult]
    /// The events of the block's begin and end steps.
    public var blockResults: BlockResults
    /// Every state entry the block changed, sorted by key.
    public var stateChanges: [StateChange]
    public var treeUpdate: SparseMerkleUpdate
    /// Node index entries (Specs/storage.md `'i'`): written with the block, outside the state tree.
    public var indexEntries: [StateChange]
    /// The node's validator schedule record for height + 1 (Specs/storage.md `'V'`), opaque here.
    public var nextValidatorSchedule: [UInt8]
    /// `block`'s canonical encoding when the caller already has it; nil = encode it here.
    public var encodedBlock: [UInt8]?

    public init(block: Block, commit: Commit, transactionIDs: [Hash32], senders: [Address], results: [TransactionResult],
                blockResults: BlockResults = BlockResults(), stateChanges: [StateChange], treeUpdate: SparseMerkleUpdate,
                indexEntries: [StateChange] = [], nextValidatorSchedule: [UInt8], encodedBlock: [UInt8]? = nil) {
        self.encodedBlock = encodedBlock
        self.indexEntries = indexEntries
        self.nextValidatorSchedule = nextValidatorSchedule
        self.block = block
        self.commit = commit
        self.transactionIDs = transactionIDs
        self.senders = senders
        self.results = results
        self.blockResults = blockResults
        self.stateChanges = stateChanges
        self.treeUpdate = treeUpdate
    }
}
