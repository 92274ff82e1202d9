import CairnCore
/// Error codes Cairn's RPC returns, in one place so the spec table, the handlers and the
/// client agree. Standard JSON-RPC 2.0 codes, then application codes from the range the
/// specification reserves for implementations (-32000 ... -32099).
public enum RPCErrorCode: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// The body is not valid JSON.
    case parseError = -32700
    /// Valid JSON that is not a valid JSON-RPC 2.0 request (or an oversize body/batch).
    case invalidRequest = -32600
    /// No method with that name is registered.
    case methodNotFound = -32601
    /// Missing, unknown or mistyped parameters.
    case invalidParams = -32602
    /// The server failed; details are logged, not returned.
    case internalError = -32603
    /// A submitted transaction was refused (bad signature, nonce, fee, mempool full...).
    case transactionRejected = -32000
    /// The requested object (block, transaction, account...) does not exist.
    case notFound = -32001
    /// The request is valid but cannot be answered now (height pruned or not yet reached,
    /// node still syncing).
    case unavailable = -32002
    /// A submitted attestation was refused (malformed, a module rule, duplicate, pool full...).
    case attestationRejected = -32003

    /// The message used when a handler gives none.
    public var defaultMessage: String {
        switch self {
        case .parseError: return "Parse error"
        case .invalidRequest: return "Invalid Request"
        case .methodNotFound: return "Method not found"
        case .invalidParams: return "Invalid params"
        case .internalError: return "Internal error"
        case .transactionRejected: return "Transaction rejected"
        case .notFound: return "Not found"
        case .unavailable: return "Unavailable"
        case .attestationRejected: return "Attestation rejected"
        }
    }

    public var description: String { "\(defaultMessage) (\(rawValue))" }
}

/// A JSON-RPC error object: what a handler throws to answer with an error, and what the client
/// reports when the node answers with one.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public init(_ code: RPCErrorCode, _ message: String? = nil, data: JSONValue? = nil) {
        self.init(code: code.rawValue, message: message ?? code.defaultMessage, data: data)
    }

    /// The known code, if this is one of Cairn's.
    public var knownCode: RPCErrorCode? { RPCErrorCode(rawValue: code) }

    public var description: String {
        var text = "RPC error \(code): \(message)"
        if let data { text += " (data: \(data))" }
        return text
    }

    public static func parseError(_ message: String = RPCErrorCode.parseError.defaultMessage) -> RPCError {
        RPCError(.parseError, message)
    }

    public static func invalidRequest(_ message: String = RPCErrorCode.invalidRequest.defaultMessage) -> RPCError {
        RPCError(.invalidRequest, message)
    }

    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(.methodNotFound, "Method not found: \(method)")
    }

    public static func invalidParams(_ message: String) -> RPCError {
        RPCError(.invalidParams, message)
    }

    public static func internalError(_ message: String = RPCErrorCode.internalError.defaultMessage) -> RPCError {
        RPCError(.internalError, message)
    }

    public static func transactionRejected(_ message: String, data: JSONValue? = nil) -> RPCError {
        RPCError(.transactionRejected, message, data: data)
    }

    public static func attestationRejected(_ message: String, data: JSONValue? = nil) -> RPCError {
        RPCError(.attestationRejected, message, data: data)
    }

    public static func notFound(_ message: String, data: JSONValue? = nil) -> RPCError {
        RPCError(.notFound, message, data: data)
    }

    public static func unavailable(_ message: String, data: JSONValue? = nil) -> RPCError {
        RPCError(.unavailable, message, data: data)
    }

    /// The `error` member of a response.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = ["code": .integer(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    /// Reads an `error` member; `nil` if it does not have an integer code and a string message.
    public init?(json: JSONValue) {
        guard let code = json["code"]?.integerValue, let message = json["message"]?.stringValue,
              let intCode = Int(exactly: code)
        else { return nil }
        self.init(code: intCode, message: message, data: json["data"])
    }
}
