import CairnMempool
import CairnState

extension Error {
    /// A stable machine-readable word for why `tx_send` refused a transaction (Specs/rpc.md).
    var reasonCode: String {
        guard let error = self as? MempoolError else { return "internal" }
        switch error {
        case .tooLarge: return "too_large"
        case .alreadyPending: return "duplicate"
        case .alreadyCommitted: return "already_committed"
        case .rejected(let rejection): return rejection.reason
        case .replacementUnderpriced: return "replacement_underpriced"
        case .senderLimit: return "sender_limit"
        case .poolFull: return "mempool_full"
        case .invalidSignature: return "bad_signature"
        case .malformed: return "malformed"
        case .stateUnavailable: return "unavailable"
        }
    }
}
