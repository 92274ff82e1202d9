import CairnCore
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The RPC's HTTP/1.1 connections, guarded so that clients cannot hold the node's file
/// descriptors: at most `maxConnections` open at once (any more are closed as soon as they are
/// accepted), an idle connection is closed after `idleTimeout` (Hummingbird's
/// `HTTPConnectionStateHandler`), and a request whose first byte has arrived must be read in full,
/// headers and body, within `readTimeout` (slow-header and slow-body clients).
struct GuardedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// `nil` for a connection over the limit, closed in `setup`.
        let http: HTTP1Channel.Value?
    }

    let http1: HTTP1Channel
    let readTimeout: TimeAmount
    let connections: ConnectionCount

    static func builder(idleTimeout: Duration, readTimeout: Duration, maxConnections: Int) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(
                http1: HTTP1Channel(
                    responder: responder,
                    configuration: .init(additionalChannelHandlers: [RequestEndHandler()], idleTimeout: TimeAmount(idleTimeout))
                ),
                readTimeout: TimeAmount(readTimeout),
                connections: ConnectionCount(limit: maxConnections)
            )
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        switch connections.open() {
        case .accepted:
            break
        case .refused(let first):
            // Once per episode at warning level: a flood of refusals must not flood the log.
            logger.log(level: first ? .warning : .debug, "JSON-RPC connection limit reached; closing new connections",
                       metadata: ["limit": "\(connections.limit)"])
            channel.close(promise: nil)
            return channel.eventLoop.makeSucceededFuture(Value(channel: channel, http: nil))
        }
        let connections = self.connections
        channel.closeFuture.whenComplete { _ in connections.closed() }
        do {
            // First in the pipeline: it must see the request's bytes before the HTTP decoder.
            try channel.pipeline.syncOperations.addHandler(RequestStartHandler(timeout: readTimeout, logger: logger), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).map { Value(channel: channel, http: $0) }
    }

    func handle(value: Value, logger: Logger) async {
        guard let http = value.http else { return }
        await http1.handle(value: http, logger: logger)
    }
}

/// Open connections of one server, shared by its event loops.
final class ConnectionCount: Sendable {
    enum Outcome: Equatable {
        case accepted
        /// `first` is true for the first refusal since a connection was last accepted.
        case refused(first: Bool)
    }

    let limit: Int
    private let state = Mutex<(open: Int, refusing: Bool)>((0, false))

    init(limit: Int) {
        self.limit = limit
    }

    func open() -> Outcome {
        state.withLock { state in
            guard state.open < limit else {
                defer { state.refusing = true }
                return .refused(first: !state.refusing)
            }
            state.open += 1
            state.refusing = false
            return .accepted
        }
    }

    func closed() {
        state.withLock { $0.open -= 1 }
    }
}

/// Sees a connection's raw bytes: the first byte of a request starts its read deadline, and the
/// connection is closed if the request has not been read in full (`RequestEndHandler`) by then.
/// Bytes of a next, pipelined request that arrive in the same read as the end of the previous
/// one start no deadline; the idle timeout still bounds that connection.
final class RequestStartHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let timeout: TimeAmount
    let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadline == nil {
            let channel = context.channel
            let logger = self.logger
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                logger.debug("JSON-RPC request not read in time; closing the connection",
                             metadata: ["remote": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
                channel.close(promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    /// The request being read has been read in full.
    func requestEnded() {
        deadline?.cancel()
        deadline = nil
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        requestEnded()
    }

    func channelInactive(context: ChannelHandlerContext) {
        requestEnded()
        context.fireChannelInactive()
    }
}

/// Placed after the HTTP decoder: tells the connection's `RequestStartHandler` when a request has
/// been read in full.
final class RequestEndHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private var start: RequestStartHandler?

    func handlerAdded(context: ChannelHandlerContext) {
        start = try? context.pipeline.syncOperations.handler(type: RequestStartHandler.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            start?.requestEnded()
        }
        context.fireChannelRead(data)
    }
}
