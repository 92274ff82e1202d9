import CairnCore
import CairnCrypto

/// The result of executing a block's transactions against committed state.
public struct ExecutionOutcome: Sendable {
    /// Every account the block touched, with its new value, sorted by address.
    public let changes: [(address: Address, account: Account)]
    public let results: [TransactionResult]
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

/// Applies transactions in order. Pure: reads committed state through `AccountReader`, writes
/// nothing, and depends on nothing but its inputs.
public struct BlockExecutor: Sendable {
    public let rules: TransactionRules

    public init(rules: TransactionRules) { self.rules = rules }

    /// Executes `transactions` (signatures already verified) for a block proposed by `proposer`,
    /// who receives the fees. Throws on the first transaction that cannot apply.
    public func execute(_ transactions: [VerifiedTransaction], proposer: Address,
                        state: any AccountReader) throws -> ExecutionOutcome {
        var overlay = StateOverlay(base: state)
        var results: [TransactionResult] = []
        results.reserveCapacity(transactions.count)
        for (index, vtx) in transactions.enumerated() {
            do {
                results.append(try apply(vtx, proposer: proposer, overlay: &overlay))
            } catch let rejection as TransactionRejection {
                throw BlockExecutionError(index: index, rejection: rejection)
            }
        }
        return ExecutionOutcome(changes: overlay.changes, results: results)
    }

    /// Applies one transaction to `overlay`, all of it or (on a thrown rejection) none of it.
    public func apply(_ vtx: VerifiedTransaction, proposer: Address,
                      overlay: inout StateOverlay) throws -> TransactionResult {
        try overlay.atomically { overlay in
            let tx = vtx.transaction
            try rules.checkStateless(tx)
            var sender = try overlay.account(vtx.sender)
            let cost = try TransactionRules.checkAgainst(sender, tx)
            sender.balance -= cost
            sender.nonce += 1
            overlay.set(vtx.sender, sender)
            switch tx.operation {
            case .transfer(let to, let amount):
                try credit(to, amount, overlay: &overlay)
            }
            try credit(proposer, tx.fee, overlay: &overlay)
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
