import CairnCrypto

extension Hash32: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(hash: self) }
    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        self = try reader.readHash("hash")
    }
}

extension Address: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(address: self) }
    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        self = try reader.readAddress("address")
    }
}

extension RecoverableSignature: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(fixed: bytes) }
    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let raw = try reader.readFixed("signature", count: 65)
        do {
            self = try RecoverableSignature(bytes: raw)
        } catch {
            throw .invalidValue(field: "signature", reason: "\(error)")
        }
    }
}

/// A bare unsigned integer is a varint (used where one is optional or listed).
extension UInt64: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(varint: self) }
    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        self = try reader.readVarint("integer")
    }
}

extension UInt64 {
    /// 8 bytes, most significant first: inside keys, so byte order is numeric order (heights in
    /// LevelDB keys and in state keys).
    public var bigEndianBytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: self >> (56 - 8 * $0)) }
    }

    /// The inverse of `bigEndianBytes`; nil unless there are exactly 8 bytes.
    public init?(bigEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
