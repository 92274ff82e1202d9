import CairnCore
import CairnCrypto
import CairnStorage

/// A block assembled by its proposer, with everything needed to commit it.
public struct BuiltBlock: Sendable {
    public let executed: ExecutedBlock
    /// Candidates left out because they no longer apply, with the reason.
    public let skipped: [(transaction: VerifiedTransaction, reason: TransactionRejection)]

    public var block: Block { executed.block }
}

/// Builds the next block on top of committed state: executes candidates in order, leaves out any
/// that cannot apply, and fills the header with the roots that result.
public struct BlockBuilder: Sendable {
    public let executor: BlockExecutor
    public let protocolVersion: UInt64

    public init(rules: TransactionRules, protocolVersion: UInt64) {
        self.executor = BlockExecutor(rules: rules)
        self.protocolVersion = protocolVersion
    }

    /// - Parameters:
    ///   - lastCommit: the commit of the parent (nil at height 1); its signers go to `context`.
    ///   - evidence: misbehaviour to report, already checked by the caller.
    public func build(parent: ChainTip, time: UInt64, proposer: Address, lastCommit: Commit?,
                      evidence: [DuplicateVoteEvidence], validators: BlockValidators,
                      candidates: [VerifiedTransaction], database: ChainDatabase) throws -> BuiltBlock {
        let context = BlockContext(height: parent.height + 1, proposer: proposer,
                                   lastCommitSigners: lastCommit?.signatures.map(\.validator) ?? [],
                                   lastValidators: validators.last, evidence: evidence,
                                   parameters: executor.rules.parameters)
        var overlay = StateOverlay(base: database)
        try executor.beginBlock(context, overlay: &overlay)
        var included: [VerifiedTransaction] = []
        var results: [TransactionResult] = []
        var skipped: [(transaction: VerifiedTransaction, reason: TransactionRejection)] = []
        var bytes: UInt64 = 0
        let limits = executor.rules.parameters
        for vtx in candidates {
            guard UInt64(included.count) < limits.maxBlockTransactions else { break }
            guard bytes + UInt64(vtx.encodedSize) <= limits.maxBlockBytes else { continue }
            do {
                results.append(try executor.apply(vtx, context: context, overlay: &overlay))
                included.append(vtx)
                bytes += UInt64(vtx.encodedSize)
            } catch let rejection as TransactionRejection {
                skipped.append((vtx, rejection))
            }
        }
        let validatorUpdate = try executor.endBlock(context, overlay: &overlay)
        let changes = overlay.changes
        let treeUpdate = try StateCommitment.update(root: parent.stateRoot, changes: changes, nodes: database.treeNodes)
        let ids = included.map(\.id)
        let header = BlockHeader(
            chainID: executor.rules.chainID, height: parent.height + 1, time: time,
            previousBlockID: parent.blockID, transactionsRoot: MerkleRoot.of(ids),
            attestationsRoot: MerkleRoot.of([]), stateRoot: treeUpdate.root,
            validatorsHash: validators.current.hash, nextValidatorsHash: validators.next.hash,
            lastCommitHash: Block.lastCommitHash(lastCommit), evidenceRoot: Block.evidenceRoot(evidence),
            proposer: proposer, protocolVersion: protocolVersion)
        let block = Block(header: header, transactions: included.map(\.transaction), evidence: evidence, lastCommit: lastCommit)
        let executed = ExecutedBlock(block: block, transactionIDs: ids, senders: included.map(\.sender),
                                     outcome: ExecutionOutcome(changes: changes, results: results, validatorUpdate: validatorUpdate),
                                     treeUpdate: treeUpdate)
        return BuiltBlock(executed: executed, skipped: skipped)
    }
}
