import CairnCore
import CairnCrypto

/// The validity rules of Specs/transactions.md, in one place for the mempool and block execution.
public struct TransactionRules: Sendable {
    public let chainID: String
    public let parameters: ChainParameters

    public init(chainID: String, parameters: ChainParameters) {
        self.chainID = chainID
        self.parameters = parameters
    }

    /// Rules that need no state.
    public func checkStateless(_ tx: Transaction) throws(TransactionRejection) {
        guard tx.chainID == chainID else { throw .wrongChain(expected: chainID, got: tx.chainID) }
        guard tx.fee >= parameters.minTransactionFee else {
            throw .feeTooLow(minimum: parameters.minTransactionFee, got: tx.fee)
        }
    }

    /// Base units the sender must hold: what the operation spends plus the fee.
    public static func cost(of tx: Transaction) throws(TransactionRejection) -> Amount {
        let spend: Amount = switch tx.operation {
        case .transfer(_, let amount): amount
        }
        let (total, overflow) = spend.addingReportingOverflow(tx.fee)
        guard !overflow else { throw .insufficientFunds(needed: .max, available: 0) }
        return total
    }

    /// Checks `tx` against its sender's account as it stands when `tx` would apply.
    public static func checkAgainst(_ sender: Account, _ tx: Transaction) throws(TransactionRejection) {
        if tx.nonce < sender.nonce { throw .nonceAlreadyUsed(accountNonce: sender.nonce, got: tx.nonce) }
        if tx.nonce > sender.nonce { throw .nonceGap(expected: sender.nonce, got: tx.nonce) }
        let cost = try cost(of: tx)
        guard sender.balance >= cost else { throw .insufficientFunds(needed: cost, available: sender.balance) }
    }
}
