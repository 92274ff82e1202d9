import CairnCore
import CairnCrypto
import CairnStorage
import Dispatch

/// Why a block received from elsewhere is invalid (Specs/blocks.md §6, in rule order).
public enum BlockValidationError: Error, Equatable, CustomStringConvertible {
    case transactionTooLarge(index: Int, size: Int)
    case wrongChain(expected: String, got: String)
    case wrongProtocolVersion(expected: UInt64, got: UInt64)
    case wrongHeight(expected: UInt64, got: UInt64)
    case wrongPreviousBlock(expected: Hash32, got: Hash32)
    case timeNotAfterParent(parent: UInt64, got: UInt64)
    case proposerNotValidator(Address)
    case badSeal(BlockSeal.Problem)
    case wrongValidatorsHash(expected: Hash32, got: Hash32)
    case wrongNextValidatorsHash(expected: Hash32, got: Hash32)
    case unexpectedLastCommit
    case missingLastCommit
    case invalidLastCommit(CommitVerificationError)
    case lastCommitHashMismatch(header: Hash32, computed: Hash32)
    case tooManyTransactions(count: Int, limit: UInt64)
    case tooManyBytes(bytes: UInt64, limit: UInt64)
    case transactionsRootMismatch(header: Hash32, computed: Hash32)
    case attestationsRootMismatch(header: Hash32, computed: Hash32)
    case tooManyAttestations(count: Int, limit: UInt64)
    case tooManyAttestationBytes(bytes: UInt64, limit: UInt64)
    case invalidAttestation(BlockAttestationError)
    case evidenceRootMismatch(header: Hash32, computed: Hash32)
    case duplicateEvidence(index: Int)
    case badEvidenceSignature(index: Int)
    case badSignature(index: Int, reason: String)
    case invalidTransaction(BlockExecutionError)
    case invalidBlockEffects(String)
    case stateRootMismatch(header: Hash32, computed: Hash32)
    case invalidCommit(CommitVerificationError)

    public var description: String {
        switch self {
        case .transactionTooLarge(let i, let size): "transaction \(i) is \(size) bytes, above the limit of \(Transaction.maxEncodedBytes)"
        case .wrongChain(let e, let g): "block is for chain '\(g)', this is '\(e)'"
        case .wrongProtocolVersion(let e, let g): "block has protocol version \(g), the chain runs \(e)"
        case .wrongHeight(let e, let g): "block has height \(g), expected \(e)"
        case .wrongPreviousBlock(let e, let g): "block builds on \(g), the tip is \(e)"
        case .timeNotAfterParent(let p, let g): "block time \(g) is not after its parent's \(p)"
        case .proposerNotValidator(let a): "proposer \(a) is not a validator"
        case .badSeal(let problem): "bad seed: \(problem)"
        case .wrongValidatorsHash(let e, let g): "validators hash \(g) is not the hash of this height's validator set \(e)"
        case .wrongNextValidatorsHash(let e, let g): "next validators hash \(g) is not the hash of the next height's validator set \(e)"
        case .unexpectedLastCommit: "the block at height 1 carries a last commit"
        case .missingLastCommit: "the block carries no commit for its parent"
        case .invalidLastCommit(let e): "its last commit is invalid: \(e)"
        case .lastCommitHashMismatch(let h, let c): "last commit hash \(h) does not match the last commit (\(c))"
        case .tooManyTransactions(let c, let l): "block has \(c) transactions, the limit is \(l)"
        case .tooManyBytes(let b, let l): "block has \(b) bytes of transactions, the limit is \(l)"
        case .transactionsRootMismatch(let h, let c): "transactions root \(h) does not match the transactions (\(c))"
        case .attestationsRootMismatch(let h, let c): "attestations root \(h) does not match the attestations (\(c))"
        case .tooManyAttestations(let n, let l): "block has \(n) attestations, above the limit of \(l)"
        case .tooManyAttestationBytes(let b, let l): "block has \(b) bytes of attestations, above the limit of \(l)"
        case .invalidAttestation(let e): "invalid \(e)"
        case .evidenceRootMismatch(let h, let c): "evidence root \(h) does not match the evidence (\(c))"
        case .duplicateEvidence(let i): "evidence \(i) repeats an earlier one"
        case .badEvidenceSignature(let i): "evidence \(i) does not carry two valid signatures of its validator"
        case .badSignature(let i, let r): "transaction \(i) has a bad signature: \(r)"
        case .invalidTransaction(let e): "\(e)"
        case .invalidBlockEffects(let reason): "the block cannot be applied: \(reason)"
        case .stateRootMismatch(let h, let c): "state root \(h) in the header, \(c) after executing the block"
        case .invalidCommit(let e): "\(e)"
        }
    }
}

/// Checks a block received from elsewhere against committed state, by every rule of
/// Specs/blocks.md §6, and executes it. Pure: reads state, writes nothing.
///
/// A thrown `BlockValidationError` is the block's fault (its sender's); any other error is this
/// node's own: storage, corrupt local state, or a protocol version this binary does not run.
public struct BlockVerifier: Sendable {
    public let executor: BlockExecutor

    public init(executor: BlockExecutor) {
        self.executor = executor
    }

    /// Rules 1–10 of Specs/blocks.md §6: everything but the block's own commit, which consensus
    /// produces only after the block was found valid (`verify(commit:…)` checks it when syncing).
    /// - Parameters:
    ///   - parent: the tip the block must extend; `parentTime` is its time (the genesis time at height 0).
    ///   - encoded: the block's transactions encoded and identified, when the caller already did it.
    ///   - knownSenders: senders already recovered for some transaction ids (the mempool's), so a
    ///     proposal made of transactions this node admitted costs no signature recovery.
    public func verify(_ block: Block, parent: ChainTip, parentTime: UInt64, validators: BlockValidators,
                       encoded: EncodedTransactions? = nil, knownSenders: [Hash32: Address] = [:],
                       knownAttestations: [Hash32: VerifiedAttestation] = [:],
                       database: ChainDatabase) throws -> ExecutedBlock {
        let header = block.header
        let chainID = executor.chainID
        var state = StateOverlay(base: database)
        let expectedVersion = try Runtime.chainVersion(&state).version(at: header.height)
        let rules = try executor.runtime.ruleSet(at: header.height, &state)
        let limits = try rules.consensusParameters(&state)
        let encoded = encoded ?? EncodedTransactions(block)
        let encodings = encoded.encodings
        for (i, encoding) in encodings.enumerated() where encoding.count > Transaction.maxEncodedBytes {
            throw BlockValidationError.transactionTooLarge(index: i, size: encoding.count)
        }
        guard header.chainID.utf8.elementsEqual(chainID.utf8) else {
            throw BlockValidationError.wrongChain(expected: chainID, got: header.chainID)
        }
        guard header.protocolVersion == expectedVersion else {
            throw BlockValidationError.wrongProtocolVersion(expected: expectedVersion, got: header.protocolVersion)
        }
        guard header.height == parent.height + 1 else {
            throw BlockValidationError.wrongHeight(expected: parent.height + 1, got: header.height)
        }
        guard header.previousBlockID == parent.blockID else {
            throw BlockValidationError.wrongPreviousBlock(expected: parent.blockID, got: header.previousBlockID)
        }
        guard header.time > parentTime else {
            throw BlockValidationError.timeNotAfterParent(parent: parentTime, got: header.time)
        }
        guard validators.current.power(of: header.proposer) != nil else {
            throw BlockValidationError.proposerNotValidator(header.proposer)
        }
        do { try header.seal.check(proposer: header.proposer, previousSeed: parent.seed, height: header.height) } catch {
            throw BlockValidationError.badSeal(error)
        }
        guard header.validatorsHash == validators.current.hash else {
            throw BlockValidationError.wrongValidatorsHash(expected: validators.current.hash, got: header.validatorsHash)
        }
        guard header.nextValidatorsHash == validators.next.hash else {
            throw BlockValidationError.wrongNextValidatorsHash(expected: validators.next.hash, got: header.nextValidatorsHash)
        }
        try checkLastCommit(block, parent: parent, lastValidators: validators.last)
        guard UInt64(block.transactions.count) <= limits.maxBlockTransactions else {
            throw BlockValidationError.tooManyTransactions(count: block.transactions.count, limit: limits.maxBlockTransactions)
        }
        let bytes = encodings.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        guard bytes <= limits.maxBlockBytes else {
            throw BlockValidationError.tooManyBytes(bytes: bytes, limit: limits.maxBlockBytes)
        }
        let ids = encoded.ids
        let transactionsRoot = MerkleRoot.of(ids)
        guard header.transactionsRoot == transactionsRoot else {
            throw BlockValidationError.transactionsRootMismatch(header: header.transactionsRoot, computed: transactionsRoot)
        }
        let attestations = try verifyAttestations(block, rules: rules, limits: limits, known: knownAttestations)
        try checkEvidence(block, chainID: chainID)
        let verified = try recoverSenders(block.transactions, encodings: encodings, ids: ids, knownSenders: knownSenders)
        let context = executor.context(height: header.height, proposer: header.proposer, lastCommit: block.lastCommit,
                                       lastValidators: validators.last, evidence: block.evidence,
                                       seed: header.seal.seed, time: header.time)
        let outcome: ExecutionOutcome
        do {
            outcome = try executor.execute(verified, attestations: attestations, context: context, state: database)
        } catch let error as BlockExecutionError {
            throw BlockValidationError.invalidTransaction(error)
        } catch let error as BlockAttestationError {
            throw BlockValidationError.invalidAttestation(error)
        } catch let violation as BlockRuleViolation {
            throw BlockValidationError.invalidBlockEffects(violation.description)
        }
        let treeUpdate = try StateCommitment.update(root: parent.stateRoot, changes: outcome.changes, nodes: database.treeNodes)
        guard treeUpdate.root == header.stateRoot else {
            throw BlockValidationError.stateRootMismatch(header: header.stateRoot, computed: treeUpdate.root)
        }
        return ExecutedBlock(block: block, transactionIDs: ids, senders: verified.map(\.sender), outcome: outcome,
                             treeUpdate: treeUpdate)
    }

    /// Rule 10's attestation part: the limits, the root, and each attestation decoded with its
    /// signatures recovered (reusing what the pool already recovered under the same id).
    private func verifyAttestations(_ block: Block, rules: RuleSet, limits: ConsensusParameters,
                                    known: [Hash32: VerifiedAttestation]) throws(BlockValidationError) -> [VerifiedAttestation] {
        guard UInt64(block.attestations.count) <= limits.maxBlockAttestations else {
            throw .tooManyAttestations(count: block.attestations.count, limit: limits.maxBlockAttestations)
        }
        let bytes = block.attestations.reduce(UInt64(0)) { $0 + UInt64($1.encodedSize) }
        guard bytes <= limits.maxBlockAttestationBytes else {
            throw .tooManyAttestationBytes(bytes: bytes, limit: limits.maxBlockAttestationBytes)
        }
        let attestations = block.attestations, chainID = executor.chainID
        // Each attestation carries a signature per receipt: 8 of them already fill both cores.
        let results = concurrentResults(attestations.count, parallelFrom: 8) { i -> Result<VerifiedAttestation, AttestationRejection> in
            if let cached = known[attestations[i].id] { return .success(cached) }
            return Result { () throws(AttestationRejection) in try rules.verifyAttestation(attestations[i], chainID: chainID) }
        }
        var verified: [VerifiedAttestation] = []
        verified.reserveCapacity(results.count)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let attestation): verified.append(attestation)
            case .failure(let rejection): throw .invalidAttestation(BlockAttestationError(index: index, rejection: rejection))
            }
        }
        let root = MerkleRoot.of(verified.map(\.id))
        guard block.header.attestationsRoot == root else {
            throw .attestationsRootMismatch(header: block.header.attestationsRoot, computed: root)
        }
        return verified
    }

    /// Rule 11: `commit` finalises `block` with more than 2/3 of the power of `validators`.
    public func verify(commit: Commit, for block: Block, validators: ValidatorSet) throws(BlockValidationError) {
        do {
            try validators.verify(commit: commit, chainID: executor.chainID, height: block.header.height, blockID: block.id)
        } catch {
            throw .invalidCommit(error)
        }
    }

    private func checkLastCommit(_ block: Block, parent: ChainTip, lastValidators: ValidatorSet?) throws(BlockValidationError) {
        let header = block.header
        if header.height == 1 {
            guard block.lastCommit == nil else { throw .unexpectedLastCommit }
        } else {
            guard let lastCommit = block.lastCommit, let lastValidators else { throw .missingLastCommit }
            do {
                try lastValidators.verify(commit: lastCommit, chainID: executor.chainID,
                                          height: parent.height, blockID: parent.blockID)
            } catch {
                throw .invalidLastCommit(error)
            }
        }
        let hash = Block.lastCommitHash(block.lastCommit)
        guard header.lastCommitHash == hash else { throw .lastCommitHashMismatch(header: header.lastCommitHash, computed: hash) }
    }

    /// Structural evidence rules; whether the validator can still be punished is the staking
    /// module's rule, checked when the block executes.
    private func checkEvidence(_ block: Block, chainID: String) throws(BlockValidationError) {
        let ids = block.evidence.map(\.id)
        let root = MerkleRoot.of(ids)
        guard block.header.evidenceRoot == root else {
            throw .evidenceRootMismatch(header: block.header.evidenceRoot, computed: root)
        }
        var seen = Set<Hash32>()
        for (i, (evidence, id)) in zip(block.evidence, ids).enumerated() {
            guard seen.insert(id).inserted else { throw .duplicateEvidence(index: i) }
            guard evidence.hasValidSignatures(chainID: chainID) else { throw .badEvidenceSignature(index: i) }
        }
    }

    /// Recovers every sender not already known, on all cores: signature recovery dominates the
    /// cost of checking a block, and each recovery is independent (results land by index).
    private func recoverSenders(_ transactions: [Transaction], encodings: [[UInt8]], ids: [Hash32],
                                knownSenders: [Hash32: Address]) throws -> [VerifiedTransaction] {
        let results = concurrentResults(transactions.count, parallelFrom: 64) { i -> Result<VerifiedTransaction, CryptoError> in
            if let sender = knownSenders[ids[i]] {
                return .success(VerifiedTransaction(alreadyVerified: transactions[i], id: ids[i], sender: sender, encodedSize: encodings[i].count))
            }
            return Result { () throws(CryptoError) in try VerifiedTransaction(transactions[i], encoding: encodings[i]) }
        }
        var verified: [VerifiedTransaction] = []
        verified.reserveCapacity(results.count)
        for (i, result) in results.enumerated() {
            switch result {
            case .success(let vtx): verified.append(vtx)
            case .failure(let error): throw BlockValidationError.badSignature(index: i, reason: error.description)
            }
        }
        return verified
    }
}

/// One result slot per transaction, filled from concurrent iterations. Unchecked Sendable: each
/// iteration writes only its own index, and the buffer is read after `concurrentPerform` returns.
/// `body(i)` for every i in 0..<count, on every core once there are `parallelFrom` of them:
/// signature recovery dominates checking a block, and each item's is independent.
private func concurrentResults<Value, Failure: Error>(_ count: Int, parallelFrom: Int,
                                                       _ body: @Sendable (Int) -> Result<Value, Failure>) -> [Result<Value, Failure>] {
    let slots = ResultSlots<Value, Failure>(count: count)
    defer {
        _ = slots.buffer.deinitialize()
        slots.buffer.deallocate()
    }
    if count >= parallelFrom {
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.buffer[i] = body(i) }
    } else {
        for i in 0..<count { slots.buffer[i] = body(i) }
    }
    return (0..<count).map { slots.buffer[$0]! }
}

/// One slot per item, each written by exactly one worker before any is read.
private struct ResultSlots<Value, Failure: Error>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Result<Value, Failure>?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }
}

/// A block's transactions encoded and identified once, for everything that checks the block
/// (the mempool lookup of known senders, then the verifier).
public struct EncodedTransactions: Sendable {
    public let encodings: [[UInt8]]
    public let ids: [Hash32]

    public init(_ block: Block) {
        encodings = block.transactions.map(\.canonicalBytes)
        ids = encodings.map(Transaction.id(ofEncoding:))
    }
}
