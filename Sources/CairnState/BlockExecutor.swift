import CairnCore
import CairnCrypto

/// The result of executing a block's transactions against committed state.
public struct ExecutionOutcome: Sendable {
    /// Every state entry the block changed, sorted by key.
    public let changes: [StateChange]
    public let results: [TransactionResult]
    /// The validator set that takes effect two heights later, when the block changed it.
    public let validatorUpdate: ValidatorSet?

    public init(changes: [StateChange], results: [TransactionResult], validatorUpdate: ValidatorSet? = nil) {
        self.changes = changes
        self.results = results
        self.validatorUpdate = validatorUpdate
    }
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

/// Applies transactions in order. Pure: reads committed state through `StateReader`, writes
/// nothing, and depends on nothing but its inputs.
public struct BlockExecutor: Sendable {
    public let rules: TransactionRules

    public init(rules: TransactionRules) { self.rules = rules }

    /// Executes a block's `transactions` (signatures already verified) in `context`.
    /// Throws on the first transaction that cannot apply.
    public func execute(_ transactions: [VerifiedTransaction], context: BlockContext,
                        state: any StateReader) throws -> ExecutionOutcome {
        var overlay = StateOverlay(base: state)
        try beginBlock(context, overlay: &overlay)
        var results: [TransactionResult] = []
        results.reserveCapacity(transactions.count)
        for (index, vtx) in transactions.enumerated() {
            do {
                results.append(try apply(vtx, context: context, overlay: &overlay))
            } catch let rejection as TransactionRejection {
                throw BlockExecutionError(index: index, rejection: rejection)
            }
        }
        let validatorUpdate = try endBlock(context, overlay: &overlay)
        return ExecutionOutcome(changes: overlay.changes, results: results, validatorUpdate: validatorUpdate)
    }

    /// What happens before a block's transactions (Specs/staking.md §3): evidence, downtime,
    /// rewards. Throws `EvidenceError` when the block's evidence is invalid.
    public func beginBlock(_ context: BlockContext, overlay: inout StateOverlay) throws {
        try Staking.beginBlock(context, chainID: rules.chainID, &overlay)
    }

    /// What happens after a block's transactions (Specs/staking.md §3); returns the validator set
    /// that takes effect at `context.height + 2` when the block changed it.
    public func endBlock(_ context: BlockContext, overlay: inout StateOverlay) throws -> ValidatorSet? {
        try Staking.endBlock(context, &overlay)
    }

    /// A transaction of a block at height 1 proposed by `proposer`, for callers with no block
    /// context (tests of transfers).
    public func apply(_ vtx: VerifiedTransaction, proposer: Address,
                      overlay: inout StateOverlay) throws -> TransactionResult {
        try apply(vtx, context: BlockContext(height: 1, proposer: proposer, parameters: rules.parameters), overlay: &overlay)
    }

    /// Applies one transaction of the block described by `context` to `overlay`, all of it or
    /// (on a thrown rejection) none of it.
    public func apply(_ vtx: VerifiedTransaction, context: BlockContext,
                      overlay: inout StateOverlay) throws -> TransactionResult {
        try overlay.atomically { overlay in
            let tx = vtx.transaction
            try rules.checkStateless(tx)
            var sender = try overlay.account(vtx.sender)
            let cost = try TransactionRules.checkAgainst(sender, tx)
            sender.balance -= cost
            sender.nonce += 1
            overlay.set(vtx.sender, sender)
            do {
                switch tx.operation {
                case .transfer(let to, let amount):
                    try credit(to, amount, overlay: &overlay)
                case .staking(let op):
                    try Staking.apply(op, sender: vtx.sender, height: context.height,
                                      parameters: rules.parameters.staking, &overlay)
                }
                // The fee joins the reward pot, paid at the next block to the validators that
                // committed this one (Specs/staking.md §7), not to the proposer alone.
                try Staking.collectFee(tx.fee, &overlay)
            } catch let rejection as StakingRejection {
                throw TransactionRejection.staking(rejection)
            }
            return TransactionResult(feePaid: tx.fee)
        }
    }

    private func credit(_ address: Address, _ amount: Amount, overlay: inout StateOverlay) throws {
        guard amount > 0 else { return }
        var account = try overlay.account(address)
        let (sum, overflow) = account.balance.addingReportingOverflow(amount)
        // Total supply is fixed below 2^128 at genesis, so this cannot happen on a valid chain.
        guard !overflow else { throw TransactionRejection.balanceOverflow(address) }
        account.balance = sum
        overlay.set(address, account)
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
