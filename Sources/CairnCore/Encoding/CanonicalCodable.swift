import CairnCrypto

/// A value with exactly one valid byte encoding (see Specs/encoding.md).
public protocol CanonicalEncodable {
    func encode(to writer: inout CanonicalWriter)
}

/// A value that can be read back from its canonical encoding.
public protocol CanonicalDecodable {
    init(from reader: inout CanonicalReader) throws(CanonicalDecodingError)
}

public typealias CanonicalCodable = CanonicalEncodable & CanonicalDecodable

extension CanonicalEncodable {
    /// The canonical encoding of `self`.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension CanonicalEncodable {
    /// SHA-256(encode_string(domain) ‖ encode(self)): how every signed or committed Cairn value is
    /// hashed, the domain keeping a hash of one kind from ever being taken for another.
    public func domainHash(_ domain: String) -> Hash32 {
        var writer = CanonicalWriter()
        writer.write(string: domain)
        encode(to: &writer)
        return Hash32.sha256(writer.bytes)
    }
}

extension CanonicalDecodable {
    /// Decodes a whole buffer; trailing bytes are an error.
    public init(canonicalBytes bytes: [UInt8]) throws(CanonicalDecodingError) {
        var reader = CanonicalReader(bytes)
        self = try Self(from: &reader)
        try reader.finish()
    }
}
