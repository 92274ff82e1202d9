import CairnCore
import CairnCrypto
import CairnStorage

/// Why a block received from elsewhere is invalid (Specs/blocks.md §6, in rule order).
public enum BlockValidationError: Error, Equatable, CustomStringConvertible {
    case transactionTooLarge(index: Int, size: Int)
    case wrongChain(expected: String, got: String)
    case wrongProtocolVersion(expected: UInt64, got: UInt64)
    case wrongHeight(expected: UInt64, got: UInt64)
    case wrongPreviousBlock(expected: Hash32, got: Hash32)
    case timeNotAfterParent(parent: UInt64, got: UInt64)
    case proposerNotValidator(Address)
    case tooManyTransactions(count: Int, limit: UInt64)
    case tooManyBytes(bytes: UInt64, limit: UInt64)
    case transactionsRootMismatch(header: Hash32, computed: Hash32)
    case attestationsRootMismatch(header: Hash32, computed: Hash32)
    case badSignature(index: Int, reason: String)
    case invalidTransaction(BlockExecutionError)
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
        case .tooManyTransactions(let c, let l): "block has \(c) transactions, the limit is \(l)"
        case .tooManyBytes(let b, let l): "block has \(b) bytes of transactions, the limit is \(l)"
        case .transactionsRootMismatch(let h, let c): "transactions root \(h) does not match the transactions (\(c))"
        case .attestationsRootMismatch(let h, let c): "attestations root \(h) does not match the attestations (\(c))"
        case .badSignature(let i, let r): "transaction \(i) has a bad signature: \(r)"
        case .invalidTransaction(let e): "\(e)"
        case .stateRootMismatch(let h, let c): "state root \(h) in the header, \(c) after executing the block"
        case .invalidCommit(let e): "\(e)"
        }
    }
}

/// Checks a block received from elsewhere against committed state, by every rule of
/// Specs/blocks.md §6, and prepares its write. Pure: reads state, writes nothing.
public struct BlockVerifier: Sendable {
    public let executor: BlockExecutor
    public let protocolVersion: UInt64
    public let validators: ValidatorSet

    public init(rules: TransactionRules, protocolVersion: UInt64, validators: ValidatorSet) {
        self.executor = BlockExecutor(rules: rules)
        self.protocolVersion = protocolVersion
        self.validators = validators
    }

    /// - Parameters:
    ///   - parent: the tip the block must extend; `parentTime` is its time (the genesis time at height 0).
    /// - Returns: everything `ChainDatabase.commit` needs to store the block.
    public func verify(_ block: Block, commit: Commit, parent: ChainTip, parentTime: UInt64,
                       database: ChainDatabase) throws -> BlockWrite {
        let header = block.header
        let rules = executor.rules
        let encodings = block.transactions.map(\.canonicalBytes)
        for (i, encoding) in encodings.enumerated() where encoding.count > Transaction.maxEncodedBytes {
            throw BlockValidationError.transactionTooLarge(index: i, size: encoding.count)
        }
        guard header.chainID.utf8.elementsEqual(rules.chainID.utf8) else {
            throw BlockValidationError.wrongChain(expected: rules.chainID, got: header.chainID)
        }
        guard header.protocolVersion == protocolVersion else {
            throw BlockValidationError.wrongProtocolVersion(expected: protocolVersion, got: header.protocolVersion)
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
        guard validators.power(of: header.proposer) != nil else {
            throw BlockValidationError.proposerNotValidator(header.proposer)
        }
        guard UInt64(block.transactions.count) <= rules.parameters.maxBlockTransactions else {
            throw BlockValidationError.tooManyTransactions(count: block.transactions.count, limit: rules.parameters.maxBlockTransactions)
        }
        let bytes = encodings.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        guard bytes <= rules.parameters.maxBlockBytes else {
            throw BlockValidationError.tooManyBytes(bytes: bytes, limit: rules.parameters.maxBlockBytes)
        }
        let ids = encodings.map(Transaction.id(ofEncoding:))
        let transactionsRoot = MerkleRoot.of(ids)
        guard header.transactionsRoot == transactionsRoot else {
            throw BlockValidationError.transactionsRootMismatch(header: header.transactionsRoot, computed: transactionsRoot)
        }
        let attestationsRoot = MerkleRoot.of([])
        guard header.attestationsRoot == attestationsRoot else {
            throw BlockValidationError.attestationsRootMismatch(header: header.attestationsRoot, computed: attestationsRoot)
        }
        var verified: [VerifiedTransaction] = []
        verified.reserveCapacity(block.transactions.count)
        for (i, (tx, encoding)) in zip(block.transactions, encodings).enumerated() {
            do {
                verified.append(try VerifiedTransaction(tx, encoding: encoding))
            } catch {
                throw BlockValidationError.badSignature(index: i, reason: error.description)
            }
        }
        let outcome: ExecutionOutcome
        do {
            outcome = try executor.execute(verified, context: BlockContext(height: header.height, proposer: header.proposer, parameters: rules.parameters), state: database)
        } catch let error as BlockExecutionError {
            throw BlockValidationError.invalidTransaction(error)
        }
        let treeUpdate = try StateCommitment.update(root: parent.stateRoot, changes: outcome.changes, nodes: database.treeNodes)
        guard treeUpdate.root == header.stateRoot else {
            throw BlockValidationError.stateRootMismatch(header: header.stateRoot, computed: treeUpdate.root)
        }
        do {
            try validators.verify(commit: commit, chainID: rules.chainID, height: header.height, blockID: header.id)
        } catch {
            throw BlockValidationError.invalidCommit(error)
        }
        return BlockWrite(block: block, commit: commit, transactionIDs: ids, senders: verified.map(\.sender),
                          results: outcome.results, stateChanges: outcome.changes, treeUpdate: treeUpdate)
    }
}
