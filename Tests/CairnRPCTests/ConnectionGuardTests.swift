import CairnCore
import CairnRPC
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Outside testing held 600 idle or slow sockets open on the RPC port, enough to run a node out
/// of file descriptors. These open raw TCP connections to a real server on 127.0.0.1. They wait
/// for events (a connection closed, an answer) with generous bounds, since the suite shares two
/// cores with multi-process tests; only the bounds, never spent when things work, are times.
@Suite struct ConnectionGuardTests {
    /// Far above any delay a guard should take, and far below the timeouts a test rules out.
    static let patience: Duration = .seconds(30)

    @Test func connectionsBeyondTheLimitAreClosed() async throws {
        try await withServer(idle: .seconds(120), read: .seconds(120), maxConnections: 5) { port in
            var held: [RawConnection] = []
            for index in 0..<5 {
                let connection = try await RawConnection(port: port)
                // An answer proves the connection was accepted and counted before the extras arrive.
                #expect(try await connection.exchange(Self.request(id: "\(index)")).contains(#"{"id":\#(index),"jsonrpc":"2.0","result":2}"#))
                held.append(connection)
            }
            var extras: [RawConnection] = []
            for _ in 0..<3 { extras.append(try await RawConnection(port: port)) }
            for extra in extras {
                #expect(try await extra.closedByServer(within: Self.patience), "a connection over the limit stays open")
            }
            #expect(held.allSatisfy { $0.isOpen }, "connections within the limit were closed")
            // A freed slot is usable again, once the server has seen the close.
            await held[0].close()
            #expect(try await Self.answered(port: port, id: "8"))
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        try await withServer(idle: .seconds(1), read: .seconds(120), maxConnections: 100) { port in
            let silent = try await RawConnection(port: port)
            // Retried: on a loaded machine a request may come later than the idle timeout.
            let used = try #require(try await Self.servedConnection(port: port, id: "1"))
            #expect(try await silent.closedByServer(within: Self.patience), "a connection that never sent a request stays open")
            #expect(try await used.closedByServer(within: Self.patience), "an idle keep-alive connection stays open")
            #expect(try await Self.answered(port: port, id: "18446744073709551616"))
        }
    }

    /// Slowloris: bytes keep coming, so the connection is never idle, but the request never completes.
    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: node\r\n", "X-Slow: "),
        ("POST / HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", " "),
    ])
    func slowRequestsAreClosed(_ start: String, _ drip: String) async throws {
        try await withServer(idle: .seconds(120), read: .seconds(1), maxConnections: 100) { port in
            let slow = try await RawConnection(port: port)
            try await slow.send(start)
            let dripping = Task {
                while !Task.isCancelled, slow.isOpen {
                    try? await slow.send(drip)
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { dripping.cancel() }
            #expect(try await slow.closedByServer(within: Self.patience), "a request that never completes keeps its connection")
            #expect(try await Self.answered(port: port, id: "2"))
        }
    }

    /// The read deadline ends with the request: a kept-alive connection is still usable well after it.
    @Test func completedRequestsStopTheReadDeadline() async throws {
        try await withServer(idle: .seconds(120), read: .seconds(1), maxConnections: 100) { port in
            let connection = try await RawConnection(port: port)
            #expect(try await connection.exchange(Self.request(id: "1")).contains(#""id":1"#))
            try await Task.sleep(for: .seconds(3))
            #expect(connection.isOpen)
            #expect(try await connection.exchange(Self.request(id: "2")).contains(#""id":2"#))
        }
    }

    /// Whether a new connection gets an answer (retried while the server closes new ones).
    static func answered(port: Int, id: String) async throws -> Bool {
        try await servedConnection(port: port, id: id) != nil
    }

    /// A new connection that got an answer to a request with `id`, retried with new connections.
    static func servedConnection(port: Int, id: String) async throws -> RawConnection? {
        let deadline = ContinuousClock.now.advanced(by: patience)
        while ContinuousClock.now < deadline {
            let connection = try await RawConnection(port: port)
            if try await connection.exchange(request(id: id)).contains(#"{"id":\#(id),"jsonrpc":"2.0","result":2}"#) { return connection }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    static func request(id: String) -> String {
        let body = #"{"jsonrpc":"2.0","method":"test_add","params":[1,1],"id":\#(id)}"#
        return "POST / HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    func withServer(idle: Duration, read: Duration, maxConnections: Int, _ body: @Sendable (Int) async throws -> Void) async throws {
        var logger = Logger(label: "cairn.rpc.test")
        logger.logLevel = .critical  // cancelling the server logs "Server shutdown error"
        let server = JSONRPCServer(
            registry: try makeTestRegistry(),
            configuration: JSONRPCServerConfiguration(
                port: 0, idleTimeout: idle, readTimeout: read, maxConnections: maxConnections
            ),
            logger: logger
        )
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication(onServerRunning: { continuation.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            try await body(try #require(await iterator.next()))
            group.cancelAll()
        }
    }
}

/// A plain TCP connection: what it has received, and whether the server has closed it.
final class RawConnection: Sendable {
    let channel: any Channel
    private let received: Received

    init(port: Int) async throws {
        let received = Received()
        self.received = received
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received.handler()) }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    /// Tests end with their connections, so a failing test cannot keep the server's shutdown waiting.
    deinit { channel.close(promise: nil) }

    var isOpen: Bool { channel.isActive }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Sends one request and returns what arrives until a whole response (the JSON body ends
    /// the bytes received) or the connection closes.
    func exchange(_ request: String) async throws -> String {
        let before = received.text.utf8.count
        try? await send(request)
        let deadline = ContinuousClock.now.advanced(by: ConnectionGuardTests.patience)
        while true {
            let open = isOpen
            let text = String(decoding: received.text.utf8.dropFirst(before), as: UTF8.self)
            if let split = text.range(of: "\r\n\r\n"), text[split.upperBound...].hasSuffix("}") { return text }
            if !open || ContinuousClock.now >= deadline { return text }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether the server closes the connection within `limit`.
    func closedByServer(within limit: Duration) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { [channel] in
                try? await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            let closed = try await group.next() ?? false
            if !closed { channel.close(promise: nil) }  // ends the task waiting for the close
            group.cancelAll()
            return closed
        }
    }

    func close() async {
        try? await channel.close()
    }

    /// The bytes a connection received, readable from any task.
    final class Received: Sendable {
        private let box = Mutex("")
        var text: String { box.withLock { $0 } }

        func handler() -> some ChannelInboundHandler { Handler(received: self) }

        private final class Handler: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            let received: Received
            init(received: Received) { self.received = received }

            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let text = String(buffer: unwrapInboundIn(data))
                received.box.withLock { $0 += text }
            }
        }
    }
}
