import CairnCore
import CairnCrypto

/// Why a transaction cannot apply. The same reasons reject it at the mempool and make a block invalid.
public enum TransactionRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongChain(expected: String, got: String)
    case feeTooLow(minimum: Amount, got: Amount)
    /// The nonce was already used: a replay of a committed (or superseded) transaction.
    case nonceAlreadyUsed(accountNonce: UInt64, got: UInt64)
    /// The nonce is ahead of the next one the sender can use.
    case nonceGap(expected: UInt64, got: UInt64)
    case insufficientFunds(needed: Amount, available: Amount)
    case balanceOverflow(Address)
    case badSignature(String)
    /// A staking operation's own rule failed (Specs/staking.md §4).
    case staking(StakingRejection)

    public var description: String {
        switch self {
        case .wrongChain(let e, let g): "transaction is for chain '\(g)', this is '\(e)'"
        case .feeTooLow(let m, let g): "fee \(g) is below the minimum of \(m) base units"
        case .nonceAlreadyUsed(let a, let g): "nonce \(g) was already used (the account's next nonce is \(a))"
        case .nonceGap(let e, let g): "nonce \(g) is ahead: the next nonce for this sender is \(e)"
        case .insufficientFunds(let n, let a): "insufficient funds: needs \(n) base units (amount + fee), has \(a)"
        case .balanceOverflow(let a): "balance of \(a) would exceed 2^128-1"
        case .badSignature(let reason): "bad signature: \(reason)"
        case .staking(let rejection): "\(rejection)"
        }
    }
}
