import CairnCrypto

/// What a transaction does. Tags are part of the encoding; new operations get new tags.
public enum Operation: Sendable, Hashable {
    /// Moves `amount` base units from the sender to `to`.
    case transfer(to: Address, amount: Amount)
    /// Validators, delegation, rewards (tags 1–7, Specs/staking.md §4).
    case staking(StakingOperation)

    public static let transferTag: UInt64 = 0
}

extension Operation: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .transfer(let to, let amount):
            writer.write(varint: Operation.transferTag)
            writer.write(address: to)
            writer.write(varint: amount)
        case .staking(let op):
            op.encode(to: &writer)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let tag = try reader.readVarint("operation tag")
        switch tag {
        case Operation.transferTag:
            let to = try reader.readAddress("transfer.to")
            let amount = try reader.readVarint128("transfer.amount")
            self = .transfer(to: to, amount: amount)
        default:
            guard let op = try StakingOperation(tag: tag, from: &reader) else {
                throw .unknownTag(type: "operation", tag: tag)
            }
            self = .staking(op)
        }
    }
}
