import CairnCore
import CairnCrypto

/// The result of executing a block's transactions against committed state.
public struct ExecutionOutcome: Sendable {
    /// Every state entry the block changed, sorted by key.
    public let changes: [StateChange]
    public let results: [TransactionResult]
    /// The validator set that takes effect two heights later, when the block changed it.
    public let validatorUpdate: ValidatorSet?
    /// The events of the block's begin and end steps.
    public let blockResults: BlockResults
    /// The protocol version the block ran under.
    public let version: UInt64
    /// Node index entries the block wrote (Specs/runtime.md §7.3), outside the state root.
    public let indexEntries: [StateChange]

    public init(changes: [StateChange], results: [TransactionResult], validatorUpdate: ValidatorSet? = nil,
                blockResults: BlockResults = BlockResults(), version: UInt64 = 1, indexEntries: [StateChange] = []) {
        self.changes = changes
        self.indexEntries = indexEntries
        self.results = results
        self.validatorUpdate = validatorUpdate
        self.blockResults = blockResults
        self.version = version
    }
}

/// An attestation in a block that cannot apply; the whole block is invalid.
public struct BlockAttestationError: Error, Equatable, CustomStringConvertible {
    public let index: Int
    public let rejection: AttestationRejection

    public var description: String { "attestation \(index): \(rejection)" }
}

/// A transaction in a block that cannot apply; the whole block is invalid.
public struct BlockExecutionError: Error, Equatable, CustomStringConvertible {
    public let index: Int
    public let rejection: TransactionRejection

    public init(index: Int, rejection: TransactionRejection) {
        self.index = index
        self.rejection = rejection
    }

    public var description: String { "transaction \(index) of the block is invalid: \(rejection)" }
}

/// Runs blocks through the runtime. Pure: reads committed state through `StateReader`, writes
/// nothing, and depends on nothing but its inputs.
public struct BlockExecutor: Sendable {
    public let chainID: String
    public let runtime: Runtime

    public init(chainID: String, runtime: Runtime = .standard) {
        self.chainID = chainID
        self.runtime = runtime
    }

    public func context(height: UInt64, proposer: Address, lastCommit: Commit? = nil, lastValidators: ValidatorSet? = nil,
                        evidence: [DuplicateVoteEvidence] = [], seed: Hash32 = .zero, time: UInt64 = 0) -> BlockContext {
        BlockContext(chainID: chainID, height: height, proposer: proposer,
                     lastCommitSigners: lastCommit?.signatures.map(\.validator) ?? [],
                     lastValidators: lastValidators, evidence: evidence, seed: seed, time: time)
    }

    /// Executes a block's `transactions` (signatures already verified) in `context`.
    /// Throws `BlockExecutionError` on the first transaction that cannot apply,
    /// `BlockRuleViolation` when the block breaks a begin/end-block rule, and anything else
    /// for a local fault.
    public func execute(_ transactions: [VerifiedTransaction], attestations: [VerifiedAttestation] = [],
                        context: BlockContext, state: any StateReader) throws -> ExecutionOutcome {
        var overlay = StateOverlay(base: state)
        let session = try runtime.begin(context, &overlay)
        var results: [TransactionResult] = []
        results.reserveCapacity(transactions.count)
        for (index, vtx) in transactions.enumerated() {
            do {
                results.append(try session.ruleSet.apply(vtx, session, &overlay))
            } catch let rejection as TransactionRejection {
                throw BlockExecutionError(index: index, rejection: rejection)
            }
        }
        var attestationResults: [AttestationResult] = []
        for (index, attestation) in attestations.enumerated() {
            do {
                attestationResults.append(try session.ruleSet.apply(attestation, session, &overlay))
            } catch let rejection as AttestationRejection {
                throw BlockAttestationError(index: index, rejection: rejection)
            }
        }
        let end = try session.ruleSet.end(session, &overlay)
        return ExecutionOutcome(changes: overlay.changes, results: results, validatorUpdate: end.validators,
                                blockResults: BlockResults(beginEvents: session.beginEvents, attestations: attestationResults,
                                                           endEvents: end.events),
                                version: session.version, indexEntries: overlay.indexEntries)
    }

    /// The mempool's stateful admission of `vtx` on committed `state` at the next height:
    /// everything but the sender's nonce and funds (the pool checks those against what it
    /// holds). Returns what the transaction costs its sender.
    public func admit(_ vtx: VerifiedTransaction, nextHeight: UInt64, state: any StateReader) throws -> Amount {
        try admit(vtx, admission(nextHeight: nextHeight, state: state), state: state)
    }

    /// What admission at `nextHeight` needs, read once: the rule set and its parameters (the
    /// mempool keeps it until the next commit).
    public func admission(nextHeight: UInt64, state: any StateReader) throws -> Admission {
        var overlay = StateOverlay(base: state)
        let rules = try runtime.prepare(height: nextHeight, &overlay).rules
        return Admission(height: nextHeight, rules: rules, parameters: try rules.parameters(&overlay))
    }

    /// `admit` with the rule set and parameters already read.
    public func admit(_ vtx: VerifiedTransaction, _ admission: Admission, state: any StateReader) throws -> Amount {
        var overlay = StateOverlay(base: state)
        return try admission.rules.admit(vtx, context: context(height: admission.height, proposer: .zero),
                                         parameters: admission.parameters, &overlay)
    }

    /// The rules and parameters admission runs by at one height.
    public struct Admission: Sendable {
        public let height: UInt64
        public let rules: RuleSet
        public let parameters: BlockParameters
    }

    /// Which pending evidence a block at `height` on top of `state` may carry: every module's
    /// verdict in turn (each filters what the previous chose), refusals and bounds combined.
    public func selectEvidence(_ candidates: [DuplicateVoteEvidence], height: UInt64,
                               state: any StateReader) throws -> EvidenceSelection {
        var overlay = StateOverlay(base: state)
        let rules = try runtime.prepare(height: height, &overlay).rules
        let parameters = try rules.parameters(&overlay)
        var selection = EvidenceSelection(chosen: candidates)
        for (index, module) in rules.modules.enumerated() {
            let verdict = try module.selectEvidence(selection.chosen, context(height: height, proposer: .zero),
                                                    parameters.modules[index], &overlay)
            selection = EvidenceSelection(chosen: verdict.chosen, refused: selection.refused + verdict.refused,
                                          maxAge: min(selection.maxAge, verdict.maxAge),
                                          maxPending: min(selection.maxPending, verdict.maxPending))
        }
        return selection
    }

    /// The parameters in force for the block at `height` on top of `state`.
    public func parameters(at height: UInt64, state: any StateReader) throws -> BlockParameters {
        var overlay = StateOverlay(base: state)
        return try runtime.prepare(height: height, &overlay).rules.parameters(&overlay)
    }
}

extension ExecutionOutcome {
    /// The changed accounts, decoded, sorted by address (what the mempool rechecks after a block).
    public func changedAccounts() throws -> [(address: Address, account: Account)] {
        try changes.compactMap { change in
            guard change.key.namespace == StateKey.accountNamespace, let address = Address(bytes: change.key.key) else { return nil }
            return (address, try change.value.map { try Account(canonicalBytes: $0) } ?? .empty)
        }
    }
}
