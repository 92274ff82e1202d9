import CairnCrypto

/// What executing a committed transaction did. Every transaction in a valid block applies in full
/// (one that cannot is rejected before it reaches a block), so the result records what it cost
/// and the events its module emitted.
public struct TransactionResult: Sendable, Hashable, CanonicalCodable {
    public var feePaid: Amount
    public var events: [Event]

    public init(feePaid: Amount, events: [Event] = []) {
        self.feePaid = feePaid
        self.events = events
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: feePaid)
        writer.write(list: events)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        feePaid = try reader.readVarint128("result.fee_paid")
        events = try reader.readList("result.events", limit: Event.maxAttributes * 16)
    }
}

/// Where a committed transaction lives.
public struct TransactionLocation: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    public var index: UInt64
    public var result: TransactionResult

    public init(height: UInt64, index: UInt64, result: TransactionResult) {
        self.height = height
        self.index = index
        self.result = result
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: height)
        writer.write(varint: index)
        writer.write(result)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        height = try reader.readVarint("location.height")
        index = try reader.readVarint("location.index")
        result = try reader.read(TransactionResult.self)
    }
}
