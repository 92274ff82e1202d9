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
        // Byte equality, as specified: String == would also equate other Unicode spellings.
        guard tx.chainID.utf8.elementsEqual(chainID.utf8) else { throw .wrongChain(expected: chainID, got: tx.chainID) }
        guard tx.fee >= parameters.minTransactionFee else {
            throw .feeTooLow(minimum: parameters.minTransactionFee, got: tx.fee)
        }
    }

    /// Base units the sender must hold: what the operation spends plus the fee; nil when that
    /// exceeds 2^128 − 1 (no account can hold it).
    public static func cost(of tx: Transaction) -> Amount? {
        let spend: Amount = switch tx.operation {
        case .transfer(_, let amount): amount
        case .staking(let op): op.spend
        }
        let (total, overflow) = spend.addingReportingOverflow(tx.fee)
        return overflow ? nil : total
    }

    /// Checks `tx` against its sender's account as it stands when `tx` would apply; returns its cost.
    @discardableResult
    public static func checkAgainst(_ sender: Account, _ tx: Transaction) throws(TransactionRejection) -> Amount {
        if tx.nonce < sender.nonce { throw .nonceAlreadyUsed(accountNonce: sender.nonce, got: tx.nonce) }
        if tx.nonce > sender.nonce { throw .nonceGap(expected: sender.nonce, got: tx.nonce) }
        let total = cost(of: tx)
        guard let total, sender.balance >= total else {
            throw .insufficientFunds(needed: total ?? .max, available: sender.balance)
        }
        return total
    }
}
