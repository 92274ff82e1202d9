import CairnCore
import CairnCrypto

/// A module's rejection as the runtime reports it: the module, its stable reason code and the message.
public struct ModuleFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let module: String
    public let reason: String
    public let message: String
    /// The module's own rejection value, for callers that know the module (its tests).
    public let rejection: (any ModuleRejection)?

    public init(module: String, reason: String, message: String) {
        self.module = module
        self.reason = reason
        self.message = message
        self.rejection = nil
    }

    public init(module: String, _ rejection: any ModuleRejection) {
        self.module = module
        self.reason = rejection.reason
        self.message = rejection.description
        self.rejection = rejection
    }

    public static func == (a: ModuleFailure, b: ModuleFailure) -> Bool {
        a.module == b.module && a.reason == b.reason && a.message == b.message
    }

    public var description: String { message }
}

/// Why a transaction cannot apply. The same reasons reject it at the mempool and make a block invalid.
public enum TransactionRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongChain(expected: String, got: String)
    case feeTooLow(minimum: Amount, got: Amount)
    /// The nonce was already used: a replay of a committed (or superseded) transaction.
    case nonceAlreadyUsed(accountNonce: UInt64, got: UInt64)
    /// The nonce is ahead of the next one the sender can use.
    case nonceGap(expected: UInt64, got: UInt64)
    case insufficientFunds(needed: Amount, available: Amount)
    case badSignature(String)
    /// No module of the protocol version in force owns the operation's tag.
    case unknownOperation(tag: UInt64)
    /// The operation's body is not its module's canonical encoding.
    case malformedOperation(tag: UInt64, reason: String)
    /// The operation's module refused it (Specs/runtime.md §3, the module's reason codes).
    case module(ModuleFailure)

    public var description: String {
        switch self {
        case .wrongChain(let e, let g): "transaction is for chain '\(g)', this is '\(e)'"
        case .feeTooLow(let m, let g): "fee \(g) is below the minimum of \(m) base units"
        case .nonceAlreadyUsed(let a, let g): "nonce \(g) was already used (the account's next nonce is \(a))"
        case .nonceGap(let e, let g): "nonce \(g) is ahead: the next nonce for this sender is \(e)"
        case .insufficientFunds(let n, let a): "insufficient funds: needs \(n) base units (amount + fee), has \(a)"
        case .badSignature(let reason): "bad signature: \(reason)"
        case .unknownOperation(let tag): "no module of this protocol version has operation tag \(tag)"
        case .malformedOperation(let tag, let reason): "operation with tag \(tag) is malformed: \(reason)"
        case .module(let failure): "\(failure.module): \(failure.message)"
        }
    }

    /// The stable reason code (RPC `data.reason`, Specs/rpc.md).
    public var reason: String {
        switch self {
        case .wrongChain: "wrong_chain"
        case .feeTooLow: "fee_too_low"
        case .nonceAlreadyUsed: "nonce_used"
        case .nonceGap: "nonce_gap"
        case .insufficientFunds: "insufficient_funds"
        case .badSignature: "bad_signature"
        case .unknownOperation: "unknown_operation"
        case .malformedOperation: "malformed_operation"
        case .module(let failure): failure.reason
        }
    }
}
