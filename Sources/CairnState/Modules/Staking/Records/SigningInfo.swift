import CairnCore
/// A validator's downtime tracking: how many blocks it has been tracked for since the last
/// reset and how many of the last `signedBlocksWindow` it missed. The misses themselves are
/// bits in `MissedChunk` records, so each block costs one record read and at most one chunk write.
public struct SigningInfo: Sendable, Hashable, CanonicalCodable {
    public var indexOffset: UInt64
    public var missedCount: UInt64

    public init(indexOffset: UInt64 = 0, missedCount: UInt64 = 0) {
        self.indexOffset = indexOffset
        self.missedCount = missedCount
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: indexOffset)
        writer.write(varint: missedCount)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        indexOffset = try reader.readVarint("signing.index_offset")
        missedCount = try reader.readVarint("signing.missed_count")
    }
}

/// 1 024 bits of a validator's missed-block window (bit i of byte j = window index
/// chunk·1024 + 8j + i); a chunk with no bit set is deleted rather than stored.
public struct MissedChunk: Sendable, Hashable, CanonicalCodable {
    public static let bits: UInt64 = 1024
    public static let bytes = 128

    public var bitmap: [UInt8]

    public init() { bitmap = [UInt8](repeating: 0, count: Self.bytes) }

    public func bit(_ i: UInt64) -> Bool { bitmap[Int(i / 8)] & (1 << UInt8(i % 8)) != 0 }

    public mutating func set(_ i: UInt64, _ value: Bool) {
        if value { bitmap[Int(i / 8)] |= 1 << UInt8(i % 8) } else { bitmap[Int(i / 8)] &= ~(1 << UInt8(i % 8)) }
    }

    public var isEmpty: Bool { bitmap.allSatisfy { $0 == 0 } }

    public func encode(to writer: inout CanonicalWriter) { writer.write(fixed: bitmap) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        bitmap = try reader.readFixed("missed_chunk", count: Self.bytes)
    }
}
