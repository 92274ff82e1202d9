import CairnCore
import CairnCrypto
import CairnStorage

/// A block assembled by its proposer, with everything needed to commit it.
public struct BuiltBlock: Sendable {
    public let executed: ExecutedBlock
    /// Candidates left out because they no longer apply, with the reason.
    public let skipped: [(transaction: VerifiedTransaction, reason: TransactionRejection)]
    /// Attestations left out because they do not apply, with the reason.
    public let skippedAttestations: [(attestation: VerifiedAttestation, reason: AttestationRejection)]

    public var block: Block { executed.block }
}

/// Builds the next block on top of committed state: executes candidates in order, leaves out any
/// that cannot apply, and fills the header with the roots that result.
public struct BlockBuilder: Sendable {
    public let executor: BlockExecutor

    public init(executor: BlockExecutor) {
        self.executor = executor
    }

    /// - Parameters:
    ///   - sealer: the proposer's consensus key: the block's proposer, and its VRF seed.
    ///   - lastCommit: the commit of the parent (nil at height 1); its signers go to the context.
    ///   - evidence: misbehaviour to report, already checked by the caller.
    public func build(parent: ChainTip, time: UInt64, sealer: some BlockSealer, lastCommit: Commit?,
                      evidence: [DuplicateVoteEvidence], validators: BlockValidators,
                      candidates: [VerifiedTransaction], attestations: [VerifiedAttestation] = [],
                      database: ChainDatabase) throws -> BuiltBlock {
        let proposer = sealer.sealingKey.address
        let seal = sealer.seal(previousSeed: parent.seed, height: parent.height + 1)
        let context = executor.context(height: parent.height + 1, proposer: proposer, lastCommit: lastCommit,
                                       lastValidators: validators.last, evidence: evidence, seed: seal.seed, time: time)
        var overlay = StateOverlay(base: database)
        let session = try executor.runtime.begin(context, &overlay)
        var included: [VerifiedTransaction] = []
        var results: [TransactionResult] = []
        var skipped: [(transaction: VerifiedTransaction, reason: TransactionRejection)] = []
        var bytes: UInt64 = 0
        let limits = session.parameters.consensus
        for vtx in candidates {
            guard UInt64(included.count) < limits.maxBlockTransactions else { break }
            guard bytes + UInt64(vtx.encodedSize) <= limits.maxBlockBytes else { continue }
            do {
                results.append(try session.ruleSet.apply(vtx, session, &overlay))
                included.append(vtx)
                bytes += UInt64(vtx.encodedSize)
            } catch let rejection as TransactionRejection {
                skipped.append((vtx, rejection))
            }
        }
        // Attestations after the transactions, so a device onboarded in this block can attest in it.
        var attested: [VerifiedAttestation] = []
        var attestationResults: [AttestationResult] = []
        var skippedAttestations: [(attestation: VerifiedAttestation, reason: AttestationRejection)] = []
        var attestationBytes: UInt64 = 0
        for candidate in attestations {
            guard UInt64(attested.count) < limits.maxBlockAttestations else { break }
            guard attestationBytes + UInt64(candidate.encodedSize) <= limits.maxBlockAttestationBytes else { continue }
            do {
                attestationResults.append(try session.ruleSet.apply(candidate, session, &overlay))
                attested.append(candidate)
                attestationBytes += UInt64(candidate.encodedSize)
            } catch let rejection as AttestationRejection {
                skippedAttestations.append((candidate, rejection))
            }
        }
        let end = try session.ruleSet.end(session, &overlay)
        let changes = overlay.changes
        let treeUpdate = try StateCommitment.update(root: parent.stateRoot, changes: changes, nodes: database.treeNodes)
        let ids = included.map(\.id)
        let header = BlockHeader(
            chainID: executor.chainID, height: parent.height + 1, time: time,
            previousBlockID: parent.blockID, transactionsRoot: MerkleRoot.of(ids),
            attestationsRoot: MerkleRoot.of(attested.map(\.id)), stateRoot: treeUpdate.root,
            validatorsHash: validators.current.hash, nextValidatorsHash: validators.next.hash,
            lastCommitHash: Block.lastCommitHash(lastCommit), evidenceRoot: Block.evidenceRoot(evidence),
            proposer: proposer, seal: seal,
            protocolVersion: session.version)
        let block = Block(header: header, transactions: included.map(\.transaction), attestations: attested.map(\.attestation),
                          evidence: evidence, lastCommit: lastCommit)
        let outcome = ExecutionOutcome(changes: changes, results: results, validatorUpdate: end.validators,
                                       blockResults: BlockResults(beginEvents: session.beginEvents, attestations: attestationResults,
                                                                  endEvents: end.events),
                                       version: session.version, indexEntries: overlay.indexEntries)
        let executed = ExecutedBlock(block: block, transactionIDs: ids, senders: included.map(\.sender),
                                     outcome: outcome, treeUpdate: treeUpdate)
        return BuiltBlock(executed: executed, skipped: skipped, skippedAttestations: skippedAttestations)
    }
}
