import CairnCrypto

/// Something a module did while executing a block, for explorers, subscriptions and the search
/// index (Specs/runtime.md §7): the module, a kind word, and ordered attributes. Events are
/// results, not state: they are stored with the block's results and are not under the state root.
public struct Event: Sendable, Hashable, CanonicalCodable {
    public struct Attribute: Sendable, Hashable, CanonicalCodable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }

        public func encode(to writer: inout CanonicalWriter) {
            writer.write(string: key)
            writer.write(string: value)
        }

        public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
            key = try reader.readString("event.attribute.key", limit: Event.maxKeyBytes)
            value = try reader.readString("event.attribute.value", limit: Event.maxValueBytes)
        }
    }

    public var module: String
    public var kind: String
    public var attributes: [Attribute]

    public static let maxKeyBytes = 64
    public static let maxValueBytes = 1024
    public static let maxAttributes = 64

    public init(module: String, kind: String, _ attributes: [Attribute] = []) {
        self.module = module
        self.kind = kind
        self.attributes = attributes
    }

    /// An address as an attribute value: 0x and lower-case hex (no EIP-55 checksum: events are
    /// written for every transaction, and readers compare addresses case-insensitively).
    public static func value(_ address: Address) -> String { Hex.prefixed(address.bytes) }

    public init(module: String, kind: String, _ pairs: KeyValuePairs<String, String>) {
        self.init(module: module, kind: kind, pairs.map { Attribute($0.key, $0.value) })
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: module)
        writer.write(string: kind)
        writer.write(list: attributes)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        module = try reader.readString("event.module", limit: Event.maxKeyBytes)
        kind = try reader.readString("event.kind", limit: Event.maxKeyBytes)
        attributes = try reader.readList("event.attributes", limit: Event.maxAttributes)
    }

    /// The event cut to the limits its decoder enforces: at most `maxAttributes` attributes, keys
    /// and names of at most `maxKeyBytes` bytes and values of at most `maxValueBytes`, each cut
    /// at a character boundary.
    public var withinLimits: Event {
        let fits = attributes.count <= Self.maxAttributes && module.utf8.count <= Self.maxKeyBytes
            && kind.utf8.count <= Self.maxKeyBytes
            && attributes.allSatisfy { $0.key.utf8.count <= Self.maxKeyBytes && $0.value.utf8.count <= Self.maxValueBytes }
        if fits { return self }
        func cut(_ text: String, _ limit: Int) -> String {
            guard text.utf8.count > limit else { return text }
            var out = ""
            for scalar in text.unicodeScalars {
                guard out.utf8.count + String(scalar).utf8.count <= limit else { break }
                out.unicodeScalars.append(scalar)
            }
            return out
        }
        return Event(module: cut(module, Self.maxKeyBytes), kind: cut(kind, Self.maxKeyBytes),
                     attributes.prefix(Self.maxAttributes).map { Attribute(cut($0.key, Self.maxKeyBytes), cut($0.value, Self.maxValueBytes)) })
    }

    /// `{"module": …, "kind": …, "attributes": [{"key": …, "value": …}, …]}`, attributes in order.
    public var json: JSONValue {
        ["module": .string(module), "kind": .string(kind),
         "attributes": .array(attributes.map { ["key": .string($0.key), "value": .string($0.value)] })]
    }
}

/// What a block's processing outside its transactions produced: the events of its begin-block
/// and end-block steps, in module order.
public struct BlockResults: Sendable, Hashable, CanonicalCodable {
    public var beginEvents: [Event]
    /// What each of the block's attestations did, in block order.
    public var attestations: [AttestationResult]
    public var endEvents: [Event]

    public static let maxEvents = 1 << 16

    public init(beginEvents: [Event] = [], attestations: [AttestationResult] = [], endEvents: [Event] = []) {
        self.beginEvents = beginEvents
        self.attestations = attestations
        self.endEvents = endEvents
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(list: beginEvents)
        writer.write(list: attestations)
        writer.write(list: endEvents)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        beginEvents = try reader.readList("block_results.begin_events", limit: Self.maxEvents)
        attestations = try reader.readList("block_results.attestations", limit: Block.maxAttestations)
        endEvents = try reader.readList("block_results.end_events", limit: Self.maxEvents)
    }
}

/// What applying a committed attestation did: the events its module emitted (a verdict per
/// witness, say).
public struct AttestationResult: Sendable, Hashable, CanonicalCodable {
    public var events: [Event]

    public init(events: [Event] = []) { self.events = events }

    public func encode(to writer: inout CanonicalWriter) { writer.write(list: events) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        events = try reader.readList("attestation_result.events", limit: Event.maxAttributes * 16)
    }
}
