import CairnCore
import CairnCrypto

/// What completes at one height: the (delegator, validator) unbondings and
/// (delegator, source, destination) redelegations that have an entry maturing then.
public enum MaturityItem: Sendable, Hashable, CanonicalCodable {
    case unbonding(delegator: Address, validator: Address)
    case redelegation(delegator: Address, source: Address, destination: Address)

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .unbonding(let d, let v):
            writer.write(varint: UInt64(0))
            writer.write(address: d)
            writer.write(address: v)
        case .redelegation(let d, let s, let t):
            writer.write(varint: UInt64(1))
            writer.write(address: d)
            writer.write(address: s)
            writer.write(address: t)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let tag = try reader.readVarint("maturity.kind")
        switch tag {
        case 0:
            self = .unbonding(delegator: try reader.readAddress("maturity.delegator"),
                              validator: try reader.readAddress("maturity.validator"))
        case 1:
            self = .redelegation(delegator: try reader.readAddress("maturity.delegator"),
                                 source: try reader.readAddress("maturity.source"),
                                 destination: try reader.readAddress("maturity.destination"))
        default:
            throw .unknownTag(type: "maturity item", tag: tag)
        }
    }
}

/// The maturity queue record of one height, in insertion order without duplicates.
public struct MaturityQueue: Sendable, Hashable, CanonicalCodable {
    public var items: [MaturityItem]

    /// A height's items come from one block's transactions, at most one per transaction.
    public static let maxItems = 100_000

    public init(_ items: [MaturityItem] = []) { self.items = items }

    public func encode(to writer: inout CanonicalWriter) { writer.write(list: items) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        items = try reader.readList("maturity.items", limit: Self.maxItems)
    }
}
