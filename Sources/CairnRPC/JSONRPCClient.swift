import CairnCore
import AsyncHTTPClient
import NIOCore

/// Why a call through `JSONRPCClient` failed.
public enum RPCClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node could not be reached or did not answer in time.
    case transport(String)
    /// The node answered with a JSON-RPC error.
    case rpc(RPCError)
    /// The node answered with something that is not a JSON-RPC response.
    case badResponse(String)

    public var description: String {
        switch self {
        case .transport(let message): return message
        case .rpc(let error): return error.description
        case .badResponse(let message): return "unexpected answer from the node: \(message)"
        }
    }
}

/// A JSON-RPC 2.0 client over HTTP, used by the `cairn` command line to talk to a node.
public final class JSONRPCClient: Sendable {
    public static let defaultMaxResponseBytes = 64 << 20

    public let url: String
    public let maxResponseBytes: Int
    private let httpClient: HTTPClient

    /// The process-wide client used by default. Unlike `HTTPClient.shared` it does not retry
    /// failed connection attempts: AsyncHTTPClient would otherwise keep retrying a refused
    /// connection until the request deadline, so `cairn` would hang for the whole timeout
    /// instead of saying at once that no node is running. It lives for the whole process, like
    /// `HTTPClient.shared`, so it is never shut down.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// - Parameter httpClient: defaults to `sharedHTTPClient`, which needs no shutdown; pass
    ///   your own to control its lifetime and configuration.
    public init(url: String, maxResponseBytes: Int = defaultMaxResponseBytes, httpClient: HTTPClient = JSONRPCClient.sharedHTTPClient) {
        self.url = url
        self.maxResponseBytes = maxResponseBytes
        self.httpClient = httpClient
    }

    /// Calls one method and returns its result.
    public func call(_ method: String, _ params: JSONValue? = nil, timeout: Duration = .seconds(30)) async throws(RPCClientError) -> JSONValue {
        let response = try await post(Self.request(method: method, params: params, id: 1), timeout: timeout)
        guard let response else { throw .badResponse("empty body for a call with an id") }
        switch try Self.result(of: response, expectedID: 1) {
        case .success(let result): return result
        case .failure(let error): throw .rpc(error)
        }
    }

    /// Sends a notification (no id): the node runs the method and answers nothing.
    public func notify(_ method: String, _ params: JSONValue? = nil, timeout: Duration = .seconds(30)) async throws(RPCClientError) {
        _ = try await post(Self.request(method: method, params: params, id: nil), timeout: timeout)
    }

    /// Sends several calls in one batch; results are in the order of `calls`, each a success or
    /// the RPC error for that call.
    public func batch(
        _ calls: [(method: String, params: JSONValue?)],
        timeout: Duration = .seconds(30)
    ) async throws(RPCClientError) -> [Result<JSONValue, RPCError>] {
        guard !calls.isEmpty else { return [] }
        let requests = calls.enumerated().map { index, call in
            Self.request(method: call.method, params: call.params, id: Int64(index))
        }
        guard let response = try await post(.array(requests), timeout: timeout) else {
            throw .badResponse("empty body for a batch of calls with ids")
        }
        guard case .array(let responses) = response else {
            // A whole-batch rejection (e.g. too many requests) comes back as one error object.
            if case .failure(let error) = try Self.result(of: response, expectedID: nil) { throw .rpc(error) }
            throw .badResponse("batch answered with a single \(response.typeName)")
        }
        var byID: [Int64: Result<JSONValue, RPCError>] = [:]
        for element in responses {
            guard case .integer(let id)? = element["id"], (0..<Int64(calls.count)).contains(id) else {
                if case .failure(let error) = try Self.result(of: element, expectedID: nil) { throw .rpc(error) }
                throw .badResponse("batch response with an unknown id: \(element["id"] ?? .null)")
            }
            byID[id] = try Self.result(of: element, expectedID: id)
        }
        return try (0..<Int64(calls.count)).map { id throws(RPCClientError) in
            guard let result = byID[id] else { throw .badResponse("no response for batch element \(id)") }
            return result
        }
    }

    // MARK: Internals

    private static func request(method: String, params: JSONValue?, id: Int64?) -> JSONValue {
        var object: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { object["params"] = params }
        if let id { object["id"] = .integer(id) }
        return .object(object)
    }

    private func unreachable(_ reason: String) -> RPCClientError {
        .transport("Cairn node is not reachable at \(url) (\(reason)). Check that the node is running and that --rpc-url points to its RPC address.")
    }

    /// POSTs a document; `nil` when the node answered 204 (notifications only).
    private func post(_ document: JSONValue, timeout: Duration) async throws(RPCClientError) -> JSONValue? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: JSONText.bytes(document)))
        let status: UInt
        let body: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: Self.timeAmount(timeout))
            status = response.status.code
            body = try await response.body.collect(upTo: maxResponseBytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw unreachable("no answer within \(timeout)")
        } catch let error as HTTPClientError where error == .invalidURL || error == .emptyHost || error == .emptyScheme {
            throw .transport("invalid RPC URL '\(url)': \(error)")
        } catch is NIOTooManyBytesError {
            throw .badResponse("response larger than \(maxResponseBytes) bytes")
        } catch {
            throw unreachable("\(error)")
        }
        if status == 204 { return nil }
        let parsed: JSONValue
        do {
            parsed = try JSONText.parse(body.readableBytesView)
        } catch {
            throw .badResponse("HTTP \(status) with a body that is not JSON (\(error))")
        }
        // Transport-level rejections (413, 415) still carry a JSON-RPC error object.
        if !(200..<300).contains(status) {
            if let error = parsed["error"].flatMap(RPCError.init(json:)) { throw .rpc(error) }
            throw .badResponse("HTTP \(status)")
        }
        return parsed
    }

    /// The outcome of one response object; `expectedID` nil accepts any id.
    private static func result(of response: JSONValue, expectedID: Int64?) throws(RPCClientError) -> Result<JSONValue, RPCError> {
        guard case .object(let members) = response, members["jsonrpc"] == "2.0" else {
            throw .badResponse("not a JSON-RPC 2.0 response object")
        }
        if let expectedID, members["id"] != .integer(expectedID), members["error"] == nil {
            throw .badResponse("response id \(members["id"] ?? .null) does not match request id \(expectedID)")
        }
        if let errorValue = members["error"] {
            guard let error = RPCError(json: errorValue) else { throw .badResponse("malformed error object \(errorValue)") }
            return .failure(error)
        }
        guard let result = members["result"] else { throw .badResponse("response has neither result nor error") }
        return .success(result)
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow else { return .nanoseconds(Int64.max) }
        return .nanoseconds(nanos.partialValue + attoseconds / 1_000_000_000)
    }
}
