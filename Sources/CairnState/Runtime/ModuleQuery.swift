import CairnCore
import CairnCrypto

/// A read-only question a module answers from committed state, served over JSON-RPC as the
/// method `<module>_<name>` (Specs/rpc.md). The node adapts it; the module knows no RPC.
public struct ModuleQuery: Sendable {
    public struct Parameter: Sendable {
        public var name: String
        public var required: Bool
        /// A JSON Schema of the value.
        public var schema: JSONValue
        public var description: String

        public init(name: String, required: Bool, schema: JSONValue, description: String) {
            self.name = name
            self.required = required
            self.schema = schema
            self.description = description
        }
    }

    public typealias Handler = @Sendable (QueryArguments, inout StateView) throws -> JSONValue

    public var name: String
    public var summary: String
    public var parameters: [Parameter]
    /// A JSON Schema of the result.
    public var resultName: String
    public var resultSchema: JSONValue
    public var notFound: String?
    public var handler: Handler

    public init(name: String, summary: String, parameters: [Parameter] = [], resultName: String,
                resultSchema: JSONValue, notFound: String? = nil, handler: @escaping Handler) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.resultName = resultName
        self.resultSchema = resultSchema
        self.notFound = notFound
        self.handler = handler
    }
}

/// A query's arguments by name, already checked against its declared parameters.
public struct QueryArguments: Sendable {
    public let values: [String: JSONValue]

    public init(_ values: [String: JSONValue]) { self.values = values }

    public func address(_ name: String) throws(QueryError) -> Address {
        guard let text = values[name]?.stringValue else { throw .invalidArgument("parameter '\(name)' must be a 0x-hex address") }
        do { return try Address(hex: text) } catch { throw .invalidArgument("parameter '\(name)': \(error)") }
    }

    public func optionalAddress(_ name: String) throws(QueryError) -> Address? {
        guard let value = values[name], !value.isNull else { return nil }
        return try address(name)
    }

    public func string(_ name: String) throws(QueryError) -> String {
        guard let text = values[name]?.stringValue else { throw .invalidArgument("parameter '\(name)' must be a string") }
        return text
    }

    public func unsigned(_ name: String) throws(QueryError) -> UInt64 {
        guard case .integer(let n)? = values[name], n >= 0 else { throw .invalidArgument("parameter '\(name)' must be a non-negative integer") }
        return UInt64(n)
    }

    public func optionalUnsigned(_ name: String) throws(QueryError) -> UInt64? {
        guard let value = values[name], !value.isNull else { return nil }
        return try unsigned(name)
    }

    public func hash(_ name: String) throws(QueryError) -> Hash32 {
        guard let text = values[name]?.stringValue else { throw .invalidArgument("parameter '\(name)' must be a 0x-hex 32-byte hash") }
        do { return try Hash32(hex: text) } catch { throw .invalidArgument("parameter '\(name)': \(error)") }
    }
}

/// One page of a list query: where it resumes and how many entries it returns. Every list is
/// paginated, with a hard cap on the page size.
public struct QueryPage: Sendable {
    public static let defaultLimit = 100
    public static let maxLimit = 1_000
    /// Longest cursor accepted, in bytes.
    static let maxCursorBytes = 256

    /// The key to resume from (inclusive), nil for the first page.
    public let from: [UInt8]?
    public let limit: Int

    public init(_ args: QueryArguments) throws(QueryError) {
        if let value = args.values["limit"], !value.isNull {
            guard case .integer(let n) = value, n >= 1, n <= Int64(Self.maxLimit) else {
                throw .invalidArgument("parameter 'limit' must be an integer from 1 to \(Self.maxLimit)")
            }
            limit = Int(n)
        } else {
            limit = Self.defaultLimit
        }
        if let value = args.values["cursor"], !value.isNull {
            guard let text = value.stringValue, let bytes = try? Hex.decode(text), !bytes.isEmpty,
                  bytes.count <= Self.maxCursorBytes else {
                throw .invalidArgument("parameter 'cursor' must be the 0x-hex 'next' of the previous page")
            }
            from = bytes
        } else {
            from = nil
        }
    }

    /// The `limit` and `cursor` parameters, after a query's own.
    public static let parameters: [ModuleQuery.Parameter] = [
        .init(name: "cursor", required: false, schema: ["type": ["string", "null"], "pattern": "^0x([0-9a-fA-F]{2})+$"],
              description: "The 'next' of the previous page; absent or null for the first page."),
        .init(name: "limit", required: false, schema: ["type": ["integer", "null"], "minimum": 1, "maximum": .integer(Int64(maxLimit))],
              description: "Most entries on the page (default \(defaultLimit), at most \(maxLimit))."),
    ]

    /// Where the page after one ending at `lastKey` resumes: the least key above it.
    public static func cursor(after lastKey: [UInt8]) -> JSONValue { .string(Hex.prefixed(lastKey + [0])) }

    /// `{"<name>": [...], "next": cursor | null}`.
    public static func schema(_ name: String, items: JSONValue) -> JSONValue {
        QuerySchema.object([name: QuerySchema.array(items), "next": ["type": ["string", "null"]]])
    }
}

/// Why a query has no answer.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .notFound(let m), .invalidArgument(let m): m
        }
    }
}

/// Schemas the modules' query results share.
public enum QuerySchema {
    public static let address: JSONValue = ["type": "string", "pattern": "^0x[0-9a-fA-F]{40}$"]
    public static let amount: JSONValue = ["type": "string", "pattern": "^(0|[1-9][0-9]*)$"]
    public static let height: JSONValue = ["type": "integer", "minimum": 0]
    public static let integer: JSONValue = ["type": "integer", "minimum": 0]

    /// An object with exactly these properties, all required.
    public static func object(_ properties: [String: JSONValue]) -> JSONValue {
        ["type": "object", "properties": .object(properties),
         "required": .array(properties.keys.sorted().map { .string($0) }), "additionalProperties": false]
    }

    public static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
}

/// Committed state for reading only (queries): no method writes.
public struct StateView {
    private let base: any StateReader

    public init(_ base: any StateReader) { self.base = base }

    public func value(_ key: StateKey) throws -> [UInt8]? { try base.value(at: key) }

    public func get<T: CanonicalDecodable>(_ type: T.Type, _ key: StateKey) throws -> T? {
        guard let bytes = try base.value(at: key) else { return nil }
        return try T(canonicalBytes: bytes)
    }

    public func account(_ address: Address) throws -> Account { try base.account(address) }

    /// A page of entries in key order (see `StateScanner`); fails on state that cannot be listed.
    public func entries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        try scanner().entries(namespace: namespace, prefix: prefix, from: from, limit: limit)
    }

    /// A page of the node index (`StateOverlay.index`) in key order.
    public func indexEntries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        try scanner().indexEntries(namespace: namespace, prefix: prefix, from: from, limit: limit)
    }

    private func scanner() throws(QueryError) -> any StateScanner {
        guard let scanner = base as? any StateScanner else {
            throw QueryError.invalidArgument("lists are served from the latest committed state only")
        }
        return scanner
    }
}
