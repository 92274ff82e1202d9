import CairnCore
import CairnCrypto

/// The storage operations (Specs/depin/storage.md §4): tags 12–15.
public enum StorageOperation: Sendable, Hashable {
    /// The owner of a storage device registers (or raises) its capacity and adds collateral.
    case registerProvider(device: Address, capacity: UInt64, collateral: Amount)
    /// A client proposes a deal and escrows its whole price.
    case proposeDeal(DealProposal)
    /// The provider device's owner accepts, posting the deal's collateral.
    case acceptDeal(deal: UInt64, collateral: Amount)
    /// The client withdraws a proposal not yet accepted; its escrow comes back.
    case cancelDeal(deal: UInt64)

    public static let registerProviderTag: UInt64 = 12
    public static let proposeDealTag: UInt64 = 13
    public static let acceptDealTag: UInt64 = 14
    public static let cancelDealTag: UInt64 = 15
    public static let tags: ClosedRange<UInt64> = 12...15

    public var operation: Operation {
        switch self {
        case .registerProvider(let device, let capacity, let collateral):
            Operation(tag: Self.registerProviderTag) { w in
                w.write(address: device)
                w.write(varint: capacity)
                w.write(varint: collateral)
            }
        case .proposeDeal(let p):
            Operation(tag: Self.proposeDealTag) { w in p.encode(to: &w) }
        case .acceptDeal(let deal, let collateral):
            Operation(tag: Self.acceptDealTag) { w in
                w.write(varint: deal)
                w.write(varint: collateral)
            }
        case .cancelDeal(let deal):
            Operation(tag: Self.cancelDealTag) { w in w.write(varint: deal) }
        }
    }

    public init(_ operation: Operation) throws(CanonicalDecodingError) {
        var r = operation.reader
        switch operation.tag {
        case Self.registerProviderTag:
            self = .registerProvider(device: try r.readAddress("register_provider.device"),
                                     capacity: try r.readVarint("register_provider.capacity"),
                                     collateral: try r.readVarint128("register_provider.collateral"))
        case Self.proposeDealTag:
            self = .proposeDeal(try DealProposal(from: &r))
        case Self.acceptDealTag:
            self = .acceptDeal(deal: try r.readVarint("accept_deal.deal"), collateral: try r.readVarint128("accept_deal.collateral"))
        case Self.cancelDealTag:
            self = .cancelDeal(deal: try r.readVarint("cancel_deal.deal"))
        default:
            throw .invalidValue(field: "operation.tag", reason: "\(operation.tag) is not a storage operation")
        }
        try r.finish()
    }

    /// What leaves the sender besides the fee: collateral and escrow.
    public var spend: Amount {
        switch self {
        case .registerProvider(_, _, let collateral): collateral
        case .proposeDeal(let p): p.totalPrice ?? 0
        case .acceptDeal(_, let collateral): collateral
        case .cancelDeal: 0
        }
    }
}

/// A client's deal terms.
public struct DealProposal: Sendable, Hashable, CanonicalCodable {
    /// The provider's device id.
    public var provider: Address
    public var dataRoot: Hash32
    public var size: UInt64
    public var pricePerPeriod: Amount
    public var periods: UInt64
    public var collateral: Amount

    public init(provider: Address, dataRoot: Hash32, size: UInt64, pricePerPeriod: Amount, periods: UInt64, collateral: Amount) {
        self.provider = provider
        self.dataRoot = dataRoot
        self.size = size
        self.pricePerPeriod = pricePerPeriod
        self.periods = periods
        self.collateral = collateral
    }

    /// price × periods; nil when it overflows 128 bits (such a proposal does not decode).
    public var totalPrice: Amount? {
        let (total, overflow) = pricePerPeriod.multipliedReportingOverflow(by: UInt128(periods))
        return overflow ? nil : total
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: provider)
        writer.write(hash: dataRoot)
        writer.write(varint: size)
        writer.write(varint: pricePerPeriod)
        writer.write(varint: periods)
        writer.write(varint: collateral)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        provider = try reader.readAddress("propose_deal.provider")
        dataRoot = try reader.readHash("propose_deal.data_root")
        size = try reader.readVarint("propose_deal.size")
        pricePerPeriod = try reader.readVarint128("propose_deal.price_per_period")
        periods = try reader.readVarint("propose_deal.periods")
        collateral = try reader.readVarint128("propose_deal.collateral")
        guard totalPrice != nil else {
            throw .invalidValue(field: "propose_deal.price_per_period", reason: "price per period × periods overflows 128 bits")
        }
    }
}

extension Operation {
    public static func storage(_ op: StorageOperation) -> Operation { op.operation }
}
