import CairnCore
import CairnCrypto

/// Why a bank operation, or a ledger move another module asked for, cannot apply.
public enum BankRejection: ModuleRejection, Equatable {
    case balanceOverflow(Address)
    case insufficientBalance(Address, needed: Amount, available: Amount)
    case supplyOverflow
    case supplyUnderflow

    public var reason: String {
        switch self {
        case .balanceOverflow: "balance_overflow"
        case .insufficientBalance: "insufficient_funds"
        case .supplyOverflow: "supply_overflow"
        case .supplyUnderflow: "supply_underflow"
        }
    }

    public var description: String {
        switch self {
        case .balanceOverflow(let a): "balance of \(a) would exceed 2^128-1"
        case .insufficientBalance(let a, let n, let h): "\(a) holds \(h) base units, \(n) needed"
        case .supplyOverflow: "total supply would exceed 2^128-1"
        case .supplyUnderflow: "burn exceeds the total supply"
        }
    }
}
