import CairnCore
import Hummingbird
import Logging
import NIOCore

/// Where and how the RPC endpoint listens.
public struct JSONRPCServerConfiguration: Sendable, Equatable {
    public static let defaultMaxBodyBytes = 1 << 20
    /// Longer than the 60 s for which AsyncHTTPClient (and so `cairn`) keeps an idle pooled
    /// connection, so such a client drops it first and never reuses one the node is closing.
    public static let defaultIdleTimeout: Duration = .seconds(75)
    /// Reading the largest body (1 MiB) in that time takes about 100 KiB/s.
    public static let defaultReadTimeout: Duration = .seconds(10)
    /// Leaves room under the common 1024 open-file limit for peers, the database and the journal
    /// (CometBFT's `max_open_connections` is 900 for the same reason).
    public static let defaultMaxConnections = 900

    /// Loopback by default: the RPC can submit transactions and reveal node state, so exposing
    /// it is an explicit operator decision.
    public var host: String
    /// 0 asks the OS for a free port; the bound port is reported through `onServerRunning`.
    public var port: Int
    public var maxBodyBytes: Int
    public var maxBatchLength: Int
    /// A connection is closed once no request has arrived on it for this long: before its first
    /// request, or since the last response. Not while a request is being answered.
    public var idleTimeout: Duration
    /// A connection is closed when a request has begun to arrive but its headers and body are not
    /// all read this long after its first byte (slow or stalled clients).
    public var readTimeout: Duration
    /// Connections open at once; one more is closed as soon as it is accepted.
    public var maxConnections: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8545,
        maxBodyBytes: Int = defaultMaxBodyBytes,
        maxBatchLength: Int = JSONRPCDispatcher.defaultMaxBatchLength,
        idleTimeout: Duration = defaultIdleTimeout,
        readTimeout: Duration = defaultReadTimeout,
        maxConnections: Int = defaultMaxConnections
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchLength = maxBatchLength
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
        self.maxConnections = maxConnections
    }
}

/// The HTTP transport for JSON-RPC: `POST /` with a JSON body.
///
/// The HTTP layer only enforces transport rules (method, content type, body size, connection
/// count and timeouts, see `GuardedHTTP1Channel`) and hands the body to `JSONRPCDispatcher`. The application it builds is a swift-service-lifecycle
/// `Service`, so the node runs it in its `ServiceGroup` and it shuts down gracefully with it.
public struct JSONRPCServer: Sendable {
    public typealias Context = BasicRequestContext

    public let configuration: JSONRPCServerConfiguration
    public let dispatcher: JSONRPCDispatcher
    public let logger: Logger

    public init(registry: RPCRegistry, configuration: JSONRPCServerConfiguration = .init(), logger: Logger = Logger(label: "cairn.rpc")) {
        self.configuration = configuration
        self.logger = logger
        self.dispatcher = JSONRPCDispatcher(registry: registry, maxBatchLength: configuration.maxBatchLength, logger: logger)
    }

    /// The router serving `/`; `extraRoutes` may add more (e.g. `GET /health`).
    public func makeRouter(extraRoutes: (Router<Context>) -> Void = { _ in }) -> Router<Context> {
        let router = Router(context: Context.self)
        let dispatcher = self.dispatcher
        let maxBodyBytes = configuration.maxBodyBytes
        router.post("/") { request, _ in
            try await Self.respond(to: request, dispatcher: dispatcher, maxBodyBytes: maxBodyBytes)
        }
        for method in [HTTPRequest.Method.get, .put, .delete, .patch, .head, .options] {
            router.on("/", method: method) { _, _ in
                Response(status: .methodNotAllowed, headers: [.allow: "POST"])
            }
        }
        extraRoutes(router)
        return router
    }

    /// The Hummingbird application to run (directly with `runService()` or in a `ServiceGroup`).
    ///
    /// - Parameter onServerRunning: called once listening, with the bound port (useful when
    ///   the configured port is 0).
    public func makeApplication(
        extraRoutes: (Router<Context>) -> Void = { _ in },
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<Context>> {
        let logger = self.logger
        return Application(
            router: makeRouter(extraRoutes: extraRoutes),
            server: GuardedHTTP1Channel.builder(
                idleTimeout: configuration.idleTimeout, readTimeout: configuration.readTimeout,
                maxConnections: configuration.maxConnections
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "cairn"
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("JSON-RPC server listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                await onServerRunning(port)
            },
            logger: logger
        )
    }

    static func respond(to request: Request, dispatcher: JSONRPCDispatcher, maxBodyBytes: Int) async throws -> Response {
        // Browsers can only send application/json cross-origin after a CORS preflight, which we
        // never grant: requiring it keeps web pages from driving a local node (CSRF).
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType) else {
            return jsonResponse(
                status: .unsupportedMediaType,
                RPCError.invalidRequest("Invalid Request: Content-Type must be application/json")
            )
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            return tooLarge(maxBodyBytes)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            return tooLarge(maxBodyBytes)
        }
        guard let output = await dispatcher.handle(body: body) else {
            return Response(status: .noContent)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: output))
        )
    }

    private static func tooLarge(_ maxBodyBytes: Int) -> Response {
        jsonResponse(
            status: .contentTooLarge,
            RPCError.invalidRequest("Invalid Request: request body exceeds \(maxBodyBytes) bytes")
        )
    }

    /// Hummingbird discards any unread rest of the body after responding, so an early answer
    /// leaves the connection usable.
    private static func jsonResponse(status: HTTPResponse.Status, _ error: RPCError) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONText.bytes(JSONRPCDispatcher.errorResponse(error, id: .null))))
        )
    }

    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.filter { $0 != " " && $0 != "\t" }.lowercased() == "application/json"
    }
}
