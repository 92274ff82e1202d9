import CairnCore
import Logging
import NIOCore

/// JSON-RPC 2.0 request handling, independent of HTTP so the rules can be tested directly and
/// the transport stays a thin shell.
///
/// Batch elements run one after another, in order: responses come back in request order and a
/// batch cannot multiply the load on the node beyond one request at a time.
public struct JSONRPCDispatcher: Sendable {
    public static let defaultMaxBatchLength = 100

    public let registry: RPCRegistry
    public let maxBatchLength: Int
    public let logger: Logger
    private let discoverDocument: JSONValue

    public init(registry: RPCRegistry, maxBatchLength: Int = defaultMaxBatchLength, logger: Logger = Logger(label: "cairn.rpc")) {
        self.registry = registry
        self.maxBatchLength = maxBatchLength
        self.logger = logger
        self.discoverDocument = registry.openRPCDocument()
    }

    /// Handles one HTTP body. Returns the response body, or `nil` when nothing must be sent
    /// (a notification, or a batch made only of notifications).
    public func handle(body: [UInt8]) async -> [UInt8]? {
        let parsed: JSONValue
        do {
            parsed = try JSONText.parse(body)
        } catch {
            return JSONText.bytes(Self.errorResponse(.parseError("Parse error: \(error)"), id: .null))
        }
        return await handle(document: parsed).map(JSONText.bytes)
    }

    public func handle(body: ByteBuffer) async -> [UInt8]? {
        await handle(body: Array(body.readableBytesView))
    }

    /// Handles a parsed document: a single request or a batch.
    public func handle(document: JSONValue) async -> JSONValue? {
        guard case .array(let requests) = document else {
            return await handle(request: document)
        }
        guard !requests.isEmpty else {
            return Self.errorResponse(.invalidRequest("Invalid Request: empty batch"), id: .null)
        }
        guard requests.count <= maxBatchLength else {
            return Self.errorResponse(
                .invalidRequest("Invalid Request: batch of \(requests.count) requests exceeds the limit of \(maxBatchLength)"),
                id: .null
            )
        }
        var responses: [JSONValue] = []
        for request in requests {
            if let response = await handle(request: request) {
                responses.append(response)
            }
        }
        return responses.isEmpty ? nil : .array(responses)
    }

    /// Handles one request object; `nil` for a valid notification.
    public func handle(request: JSONValue) async -> JSONValue? {
        guard case .object(let members) = request else {
            return Self.errorResponse(.invalidRequest("Invalid Request: expected an object, got \(request.typeName)"), id: .null)
        }
        // The id is echoed whenever it is itself valid, even if the rest of the request is not,
        // so clients can match the error to their call. A number comes back as its exact text
        // (`JSONValue.number`), never rounded through a Double.
        let id: JSONValue?
        switch members["id"] {
        case nil: id = nil
        case .string?, .integer?, .number?, .null?: id = members["id"]
        case let other?:
            return Self.errorResponse(
                .invalidRequest("Invalid Request: id must be a string, a number or null, got \(other.typeName)"), id: .null
            )
        }
        guard members["jsonrpc"] == .string("2.0") else {
            return Self.errorResponse(.invalidRequest("Invalid Request: \"jsonrpc\" must be \"2.0\""), id: id ?? .null)
        }
        guard case .string(let methodName)? = members["method"] else {
            return Self.errorResponse(.invalidRequest("Invalid Request: \"method\" must be a string"), id: id ?? .null)
        }
        let params: RPCParams
        do throws(RPCError) {
            params = try RPCParams(json: members["params"])
        } catch {
            return Self.errorResponse(error, id: id ?? .null)
        }
        let outcome: Result<JSONValue, RPCError>
        do throws(RPCError) {
            outcome = .success(try await call(methodName, params: params))
        } catch {
            outcome = .failure(error)
        }
        guard let id else { return nil }  // notification: never answered, even on error
        switch outcome {
        case .success(let result): return ["jsonrpc": "2.0", "id": id, "result": result]
        case .failure(let error): return Self.errorResponse(error, id: id)
        }
    }

    /// Calls a method with already-shaped params; what a handler throws is mapped to `RPCError`.
    public func call(_ methodName: String, params: RPCParams) async throws(RPCError) -> JSONValue {
        if methodName == RPCRegistry.discoverMethodName {
            try params.validate(against: [])
            return discoverDocument
        }
        guard let method = registry.method(named: methodName) else {
            throw .methodNotFound(methodName)
        }
        try params.validate(against: method.params)
        do {
            return try await method.handler(params)
        } catch let error as RPCError {
            throw error
        } catch {
            // The detail may name files, keys or internal state: log it, do not return it.
            logger.error("RPC method failed", metadata: ["method": "\(methodName)", "error": "\(error)"])
            throw .internalError("Internal error while handling \(methodName)")
        }
    }

    public static func errorResponse(_ error: RPCError, id: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": error.jsonValue]
    }
}
