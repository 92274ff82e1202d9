import CairnCrypto

/// What executing a committed transaction did. Every transaction in a valid block applies in full
/// (one that cannot is rejected before it reaches a block), so the result records what it cost.
public struct TransactionResult: Sendable, Hashable, CanonicalCodable {
    public var feePaid: Amount

    public init(feePaid: Amount) { self.feePaid = feePaid }

    public func encode(to writer: inout CanonicalWriter) { writer.write(varint: feePaid) }
    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        feePaid = try reader.readVarint128("result.fee_paid")
    }
}

/// Where a committed transaction lives, and who sent it (recovered once, at admission, and kept
/// so that serving it never needs the signature recovered again).
public struct TransactionLocation: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    public var index: UInt64
    public var sender: Address
    public var result: TransactionResult

    public init(height: UInt64, index: UInt64, sender: Address, result: TransactionResult) {
        self.height = height
        self.index = index
        self.sender = sender
        self.result = result
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: height)
        writer.write(varint: index)
        writer.write(address: sender)
        writer.write(result)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        height = try reader.readVarint("location.height")
        index = try reader.readVarint("location.index")
        sender = try reader.readAddress("location.sender")
        result = try reader.read(TransactionResult.self)
    }
}
