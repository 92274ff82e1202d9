import CairnCrypto

/// Appends values in the canonical encoding of Specs/encoding.md.
public struct CanonicalWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Unsigned LEB128, minimal: 7 bits per byte, low group first, high bit = more follows.
    public mutating func write(varint value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// The number of bytes `write(varint:)` writes for `value`.
    public static func varintSize(_ value: UInt64) -> Int { value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7 }

    public mutating func write(varint value: UInt128) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func write(bool value: Bool) { bytes.append(value ? 1 : 0) }

    /// A signed 32-bit integer: 4 bytes, big-endian two's complement (coordinates, elevations).
    public mutating func write(int32 value: Int32) {
        let v = UInt32(bitPattern: value)
        bytes.append(contentsOf: [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8),
                                  UInt8(truncatingIfNeeded: v)])
    }

    /// Bytes of a fixed, known size: written raw, without a length.
    public mutating func write(fixed value: [UInt8]) { bytes.append(contentsOf: value) }

    /// Variable-length bytes: a varint length, then the bytes.
    public mutating func write(bytes value: [UInt8]) {
        write(varint: UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// UTF-8 text: a varint byte length, then the bytes.
    public mutating func write(string value: String) { write(bytes: Array(value.utf8)) }

    public mutating func write(_ value: some CanonicalEncodable) { value.encode(to: &self) }

    /// A list: a varint count, then each element.
    public mutating func write<T: CanonicalEncodable>(list: [T]) {
        write(varint: UInt64(list.count))
        for element in list { element.encode(to: &self) }
    }

    /// An optional: 0x00 for none, 0x01 followed by the value.
    public mutating func write<T: CanonicalEncodable>(optional value: T?) {
        if let value {
            bytes.append(1)
            value.encode(to: &self)
        } else {
            bytes.append(0)
        }
    }

    public mutating func write(hash: Hash32) { bytes.append(contentsOf: hash.bytes) }
    public mutating func write(address: Address) { bytes.append(contentsOf: address.bytes) }
}
