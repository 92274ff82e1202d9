import CairnCrypto

/// What a transaction does: an operation tag, which names the runtime module that owns it, and
/// the operation's fields in that module's canonical encoding (Specs/runtime.md §3). The core
/// encoding knows no module: a node decodes the body with the module the tag belongs to, and a
/// tag no module owns, or a body its module cannot decode, makes the transaction invalid.
public struct Operation: Sendable, Hashable {
    public let tag: UInt64
    public let body: [UInt8]

    public init(tag: UInt64, body: [UInt8]) {
        self.tag = tag
        self.body = body
    }

    /// Builds an operation from its tag and a writer of its fields.
    public init(tag: UInt64, fields: (inout CanonicalWriter) -> Void) {
        var writer = CanonicalWriter()
        fields(&writer)
        self.init(tag: tag, body: writer.bytes)
    }

    /// A reader over the body, for the owning module's decoder.
    public var reader: CanonicalReader { CanonicalReader(body) }
}

extension Operation: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: tag)
        writer.write(bytes: body)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        tag = try reader.readVarint("operation.tag")
        body = try reader.readBytes("operation.body", limit: Transaction.maxEncodedBytes)
    }
}
