import CairnCore
import CairnRPC
import Hummingbird
import Logging
import Testing

@Suite struct LiveClientTests {
    /// Cancelling the server task makes Hummingbird log "Server shutdown error: Already closed";
    /// that noise is expected here.
    static let quietLogger: Logger = {
        var logger = Logger(label: "cairn.rpc.test")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs a server on an ephemeral port for the duration of `body`.
    func withLiveServer(_ body: @Sendable (JSONRPCClient) async throws -> Void) async throws {
        let server = JSONRPCServer(
            registry: try makeTestRegistry(),
            configuration: JSONRPCServerConfiguration(port: 0, maxBatchLength: 5),
            logger: Self.quietLogger
        )
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication(onServerRunning: { port in continuation.yield(port) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(port > 0)
            try await body(JSONRPCClient(url: "http://127.0.0.1:\(port)/"))
            group.cancelAll()
        }
    }

    @Test func callsReturnResultsAndErrors() async throws {
        try await withLiveServer { client in
            #expect(try await client.call("test_add", [2, 40]) == 42)
            #expect(try await client.call("test_greet", ["name": "eve"]) == "hello eve")
            await #expect(throws: RPCClientError.rpc(.notFound("block 7 not found", data: ["height": 7]))) {
                try await client.call("test_missing")
            }
            await #expect(throws: RPCClientError.rpc(.methodNotFound("nope"))) {
                try await client.call("nope")
            }
            do {
                _ = try await client.call("test_add", ["a": 1])
                Issue.record("expected invalid params")
            } catch {
                guard case .rpc(let rpcError)? = error as? RPCClientError else { Issue.record("unexpected \(error)"); return }
                #expect(rpcError.code == RPCErrorCode.invalidParams.rawValue)
            }
            try await client.notify("test_record", ["n"])
        }
    }

    @Test func batchReturnsResultsInOrder() async throws {
        try await withLiveServer { client in
            let results = try await client.batch([
                (method: "test_add", params: [1, 1]),
                (method: "nope", params: nil),
                (method: "test_greet", params: ["ann"]),
            ])
            #expect(results.count == 3)
            #expect(try results[0].get() == 2)
            #expect(throws: RPCError.methodNotFound("nope")) { try results[1].get() }
            #expect(try results[2].get() == "hello ann")

            // Over the server's limit of 5: the whole batch is refused with one error.
            let tooMany = Array(repeating: (method: "test_add", params: [1, 1] as JSONValue?), count: 6)
            await #expect {
                try await client.batch(tooMany)
            } throws: { error in
                guard case .rpc(let rpcError)? = error as? RPCClientError else { return false }
                return rpcError.code == -32600 && rpcError.message.contains("limit of 5")
            }
        }
    }

    @Test func discoverListsRegisteredMethods() async throws {
        try await withLiveServer { client in
            let document = try await client.call("rpc_discover")
            let names = document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names == ["rpc_discover", "test_add", "test_greet", "test_record", "test_crash", "test_missing"])
            #expect(document == (try makeTestRegistry()).openRPCDocument())
        }
    }

    @Test func oversizeBodyReachesClientAsRPCError() async throws {
        let server = JSONRPCServer(registry: try makeTestRegistry(), configuration: JSONRPCServerConfiguration(port: 0, maxBodyBytes: 200), logger: Self.quietLogger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication(onServerRunning: { continuation.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let client = JSONRPCClient(url: "http://127.0.0.1:\(port)/")
            await #expect {
                try await client.call("test_greet", [.string(String(repeating: "x", count: 500))])
            } throws: { error in
                guard case .rpc(let rpcError)? = error as? RPCClientError else { return false }
                return rpcError.code == -32600 && rpcError.message.contains("exceeds 200 bytes")
            }
            // The refused body was discarded: the next request is answered normally.
            #expect(try await client.call("test_add", [3, 4]) == 7)
            group.cancelAll()
        }
    }

    @Test func unreachableNodeGivesAHelpfulMessage() async throws {
        // Port 1 (tcpmux) is privileged and unused: nothing listens there in a test environment.
        let client = JSONRPCClient(url: "http://127.0.0.1:1/")
        do {
            _ = try await client.call("test_add", [1, 2], timeout: .seconds(10))
            Issue.record("expected a transport error")
        } catch {
            guard case .transport(let message) = error else { Issue.record("unexpected \(error)"); return }
            #expect(message.contains("not reachable at http://127.0.0.1:1/"))
            #expect(message.contains("--rpc-url"))
            #expect(message.contains("running"))
        }
    }
}
