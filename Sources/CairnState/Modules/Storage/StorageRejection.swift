import CairnCore
import CairnCrypto

/// Why a storage operation or proof cannot apply (Specs/depin/storage.md §4 and §6). `reason` is
/// stable: it is the RPC `data.reason`.
public enum StorageRejection: ModuleRejection, Equatable {
    case unknownDevice(Address)
    case notOwner(device: Address, owner: Address)
    case notStorageDevice(Address, DeviceKind)
    case deviceInactive(Address, DeviceStatus)
    case capacityBelowCommitted(capacity: UInt64, committed: UInt64)
    case insufficientProviderCollateral(required: Amount, held: Amount)
    case unknownProvider(Address)
    case invalidDealSize(size: UInt64, maximum: UInt64)
    case invalidDealPeriods(periods: UInt64, maximum: UInt64)
    case collateralTooLow(required: Amount, offered: Amount)
    case unknownDeal(UInt64)
    case notClient(deal: UInt64, client: Address)
    case dealNotProposed(UInt64, DealStatus)
    case dealNotActive(UInt64, DealStatus)
    case acceptanceExpired(deal: UInt64, acceptBy: UInt64)
    case collateralMismatch(expected: Amount, offered: Amount)
    case capacityExceeded(capacity: UInt64, committed: UInt64, size: UInt64)
    case signerMismatch(expected: Address, got: Address?)
    case wrongPeriod(expected: UInt64, got: UInt64)
    case challengeNotOpen(opensAfter: UInt64)
    case alreadyProven(deal: UInt64, period: UInt64)
    case wrongAnswerCount(expected: UInt64, got: Int)

    public var reason: String {
        switch self {
        case .unknownDevice: "unknown_device"
        case .notOwner: "not_owner"
        case .notStorageDevice: "not_storage_device"
        case .deviceInactive: "device_inactive"
        case .capacityBelowCommitted: "capacity_below_committed"
        case .insufficientProviderCollateral: "insufficient_provider_collateral"
        case .unknownProvider: "unknown_provider"
        case .invalidDealSize: "invalid_deal_size"
        case .invalidDealPeriods: "invalid_deal_periods"
        case .collateralTooLow: "collateral_too_low"
        case .unknownDeal: "unknown_deal"
        case .notClient: "not_client"
        case .dealNotProposed: "deal_not_proposed"
        case .dealNotActive: "deal_not_active"
        case .acceptanceExpired: "acceptance_expired"
        case .collateralMismatch: "collateral_mismatch"
        case .capacityExceeded: "capacity_exceeded"
        case .signerMismatch: "signer_mismatch"
        case .wrongPeriod: "wrong_period"
        case .challengeNotOpen: "challenge_not_open"
        case .alreadyProven: "already_proven"
        case .wrongAnswerCount: "wrong_answer_count"
        }
    }

    public var description: String {
        switch self {
        case .unknownDevice(let d): "no device \(d.checksummed)"
        case .notOwner(let d, let o): "device \(d.checksummed) belongs to \(o.checksummed)"
        case .notStorageDevice(let d, let k): "device \(d.checksummed) is a \(k), not a storage device"
        case .deviceInactive(let d, let s): "device \(d.checksummed) is \(s)"
        case .capacityBelowCommitted(let c, let m): "capacity \(c) bytes is below the \(m) bytes of active deals"
        case .insufficientProviderCollateral(let r, let h): "capacity needs \(r) base units of collateral; the provider would hold \(h)"
        case .unknownProvider(let d): "device \(d.checksummed) is not a registered storage provider"
        case .invalidDealSize(let s, let m): "deal size \(s) bytes must be 1 to \(m)"
        case .invalidDealPeriods(let p, let m): "deal periods \(p) must be 1 to \(m)"
        case .collateralTooLow(let r, let o): "deal collateral \(o) is below the required \(r) base units"
        case .unknownDeal(let id): "no deal \(id)"
        case .notClient(let id, let c): "deal \(id) belongs to client \(c.checksummed)"
        case .dealNotProposed(let id, let s): "deal \(id) is \(s), not proposed"
        case .dealNotActive(let id, let s): "deal \(id) is \(s), not active"
        case .acceptanceExpired(let id, let h): "deal \(id) could be accepted up to height \(h)"
        case .collateralMismatch(let e, let o): "the deal's collateral is \(e) base units; the acceptance posts \(o)"
        case .capacityExceeded(let c, let m, let s): "a deal of \(s) bytes does not fit: capacity \(c), committed \(m)"
        case .signerMismatch(let e, let g): "the proof is signed by \(g?.checksummed ?? "no key"), not by provider device \(e.checksummed)"
        case .wrongPeriod(let e, let g): "the deal is in period \(e); the proof answers period \(g)"
        case .challengeNotOpen(let h): "the period's challenge is drawn at height \(h); a proof may be included after it"
        case .alreadyProven(let d, let p): "period \(p) of deal \(d) already has its outcome"
        case .wrongAnswerCount(let e, let g): "the challenge has \(e) chunks; the proof answers \(g)"
        }
    }
}
