import CairnCrypto

/// Reads values in the canonical encoding of Specs/encoding.md, rejecting every other encoding.
public struct CanonicalReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    public var remaining: Int { bytes.count - offset }

    /// Fails unless every byte has been consumed.
    public func finish() throws(CanonicalDecodingError) {
        if remaining > 0 { throw .trailingBytes(count: remaining) }
    }

    public mutating func readByte(_ field: String) throws(CanonicalDecodingError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(field: field) }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readVarint(_ field: String) throws(CanonicalDecodingError) -> UInt64 {
        let v = try readVarint(field, bits: 64)
        return UInt64(v)
    }

    public mutating func readVarint128(_ field: String) throws(CanonicalDecodingError) -> UInt128 {
        try readVarint(field, bits: 128)
    }

    /// A varint no wider than `max` (a length, a count, a small integer).
    public mutating func readVarint(_ field: String, max: UInt64) throws(CanonicalDecodingError) -> UInt64 {
        let v = try readVarint(field)
        guard v <= max else { throw .invalidValue(field: field, reason: "\(v) is above the maximum \(max)") }
        return v
    }

    private mutating func readVarint(_ field: String, bits: Int) throws(CanonicalDecodingError) -> UInt128 {
        var result: UInt128 = 0
        var shift = 0
        while true {
            let byte = try readByte(field)
            let group = UInt128(byte & 0x7f)
            if shift > 0 && byte == 0 { throw .nonMinimalVarint(field: field) }
            guard shift < bits, bits - shift >= 7 || group >> (bits - shift) == 0 else {
                throw .varintOverflow(field: field)
            }
            result |= group << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func readInt32(_ field: String) throws(CanonicalDecodingError) -> Int32 {
        let b = try readFixed(field, count: 4)
        return Int32(bitPattern: UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
    }

    public mutating func readBool(_ field: String) throws(CanonicalDecodingError) -> Bool {
        switch try readByte(field) {
        case 0: return false
        case 1: return true
        case let b: throw .invalidValue(field: field, reason: "boolean byte must be 0 or 1, got \(b)")
        }
    }

    public mutating func readFixed(_ field: String, count: Int) throws(CanonicalDecodingError) -> [UInt8] {
        guard remaining >= count else { throw .truncated(field: field) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func readLength(_ field: String, limit: Int) throws(CanonicalDecodingError) -> Int {
        let length = try readVarint(field)
        guard length <= UInt64(limit) else { throw .lengthExceedsLimit(field: field, length: length, limit: limit) }
        return Int(length)
    }

    public mutating func readBytes(_ field: String, limit: Int) throws(CanonicalDecodingError) -> [UInt8] {
        let length = try readLength(field, limit: limit)
        return try readFixed(field, count: length)
    }

    public mutating func readString(_ field: String, limit: Int) throws(CanonicalDecodingError) -> String {
        let raw = try readBytes(field, limit: limit)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw .invalidValue(field: field, reason: "not valid UTF-8")
        }
        return s
    }

    public mutating func read<T: CanonicalDecodable>(_ type: T.Type) throws(CanonicalDecodingError) -> T {
        try T(from: &self)
    }

    public mutating func readList<T: CanonicalDecodable>(_ field: String, limit: Int) throws(CanonicalDecodingError) -> [T] {
        let count = try readLength(field, limit: limit)
        var out = [T]()
        out.reserveCapacity(Swift.min(count, remaining))
        for _ in 0..<count { out.append(try T(from: &self)) }
        return out
    }

    public mutating func readOptional<T: CanonicalDecodable>(_ field: String) throws(CanonicalDecodingError) -> T? {
        try readBool(field) ? try T(from: &self) : nil
    }

    public mutating func readHash(_ field: String) throws(CanonicalDecodingError) -> Hash32 {
        Hash32(unchecked: try readFixed(field, count: 32))
    }

    public mutating func readAddress(_ field: String) throws(CanonicalDecodingError) -> Address {
        Address(unchecked: try readFixed(field, count: 20))
    }
}
