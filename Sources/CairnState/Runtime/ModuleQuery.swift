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
}
