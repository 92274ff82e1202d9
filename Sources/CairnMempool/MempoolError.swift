import CairnCore
import CairnCrypto
import CairnState

/// Why the mempool refused a transaction. Each case is returned to the submitter as is.
public enum MempoolError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(size: Int, limit: Int)
    /// The exact transaction (same id) is already waiting.
    case alreadyPending(Hash32)
    /// The exact transaction is already in the chain.
    case alreadyCommitted(Hash32, height: UInt64)
    /// A transaction rule fails (chain, fee, nonce, funds).
    case rejected(TransactionRejection)
    /// A pending transaction of the sender has this nonce and the new fee does not beat it by 10%.
    case replacementUnderpriced(minimumFee: Amount)
    case senderLimit(limit: Int)
    /// The pool is full and this transaction would be the first to go.
    case poolFull(minimumFee: Amount)
    case invalidSignature(String)
    case malformed(String)
    /// Committed state could not be read, so the transaction could not be checked.
    case stateUnavailable(String)

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit):
            "transaction is \(size) bytes encoded, more than the limit of \(limit)"
        case .alreadyPending(let id): "transaction \(id.hex) is already in the mempool"
        case .alreadyCommitted(let id, let height): "transaction \(id.hex) is already committed at height \(height)"
        case .rejected(let reason): "transaction rejected: \(reason)"
        case .replacementUnderpriced(let minimum):
            "a pending transaction of this sender has the same nonce; a replacement needs a fee of at least \(minimum) base units (10% more)"
        case .senderLimit(let limit): "sender already has \(limit) pending transactions, the most allowed"
        case .poolFull(let minimum): "mempool is full; a fee of at least \(minimum) base units is needed to enter"
        case .invalidSignature(let reason): "invalid signature: \(reason)"
        case .malformed(let reason): "malformed transaction: \(reason)"
        case .stateUnavailable(let reason): "cannot read committed state to check the transaction: \(reason)"
        }
    }
}
