import CairnCore
/// One declared parameter of a method. The declaration drives parameter validation (unknown
/// names, arity, required presence) and the OpenRPC document, so the two cannot drift apart.
public struct RPCParamSpec: Sendable, Equatable {
    public var name: String
    public var required: Bool
    /// A JSON Schema for the value, written into the OpenRPC document as is.
    public var schema: JSONValue
    public var description: String

    public init(name: String, required: Bool, schema: JSONValue, description: String) {
        self.name = name
        self.required = required
        self.schema = schema
        self.description = description
    }
}

/// The declared result of a method (OpenRPC "content descriptor").
public struct RPCResultSpec: Sendable, Equatable {
    public var name: String
    public var schema: JSONValue

    public init(name: String, schema: JSONValue) {
        self.name = name
        self.schema = schema
    }
}

/// An error a method documents that it may return.
public struct RPCErrorSpec: Sendable, Equatable {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ code: RPCErrorCode, _ message: String? = nil) {
        self.init(code: code.rawValue, message: message ?? code.defaultMessage)
    }
}

/// A callable method: its documentation and its handler.
///
/// The handler receives parameters already checked against `params` (no unknown names, no
/// extra positions, required ones present) and reads them with the typed `RPCParams`
/// accessors. Throwing `RPCError` answers with that error; any other error is reported to the
/// client as a generic internal error and logged server-side.
public struct RPCMethod: Sendable {
    public typealias Handler = @Sendable (RPCParams) async throws -> JSONValue

    public var name: String
    public var summary: String
    public var params: [RPCParamSpec]
    public var result: RPCResultSpec
    public var errors: [RPCErrorSpec]
    public var handler: Handler

    public init(
        name: String,
        summary: String,
        params: [RPCParamSpec] = [],
        result: RPCResultSpec,
        errors: [RPCErrorSpec] = [],
        handler: @escaping Handler
    ) {
        self.name = name
        self.summary = summary
        self.params = params
        self.result = result
        self.errors = errors
        self.handler = handler
    }
}
