import CairnCore
import CairnRPC
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite struct HTTPServerTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    func makeApp(maxBodyBytes: Int = 1024) throws -> some ApplicationProtocol {
        let server = JSONRPCServer(
            registry: try makeTestRegistry(),
            configuration: JSONRPCServerConfiguration(host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes)
        )
        return server.makeApplication(extraRoutes: { router in
            router.get("/health") { _, _ in "ok" }
        })
    }

    @Test(arguments: [TestingSetup.router, .live])
    func postAnswersWithJSON(_ setup: TestingSetup) async throws {
        try await makeApp().test(setup) { client in
            try await client.execute(
                uri: "/", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"test_add","params":[20,22],"id":1}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let body = try JSONText.parse(response.body.readableBytesView)
                #expect(body == ["jsonrpc": "2.0", "id": 1, "result": 42])
            }
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func oversizeBodyIs413WithJSONRPCError(_ setup: TestingSetup) async throws {
        let padding = String(repeating: " ", count: 2000)
        try await makeApp().test(setup) { client in
            try await client.execute(
                uri: "/", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"test_add","params":[1,2],"id":1}"# + padding)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/json")
                let body = try JSONText.parse(response.body.readableBytesView)
                #expect(body["id"] == .null)
                #expect(body["error"]?["code"] == -32600)
                #expect(body["error"]?["message"]?.stringValue?.contains("exceeds 1024 bytes") == true)
            }
        }
    }

    @Test func bodyAtTheLimitIsAccepted() async throws {
        let request = #"{"jsonrpc":"2.0","method":"test_add","params":[1,2],"id":1}"#
        let body = request + String(repeating: " ", count: 1024 - request.utf8.count)
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test(arguments: [HTTPRequest.Method.get, .put, .delete])
    func otherMethodsAre405(_ method: HTTPRequest.Method) async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/", method: method) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
    }

    @Test func notificationIs204() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"test_record","params":["n"]}"#)
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func parseErrorIsStillHTTP200() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/", method: .post, headers: Self.json, body: ByteBuffer(string: "{oops")) { response in
                #expect(response.status == .ok)
                let body = try JSONText.parse(response.body.readableBytesView)
                #expect(body["error"]?["code"] == -32700)
            }
        }
    }

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded"])
    func nonJSONContentTypeIs415(_ contentType: String?) async throws {
        var fields: HTTPFields = [:]
        if let contentType { fields[.contentType] = contentType }
        let headers = fields
        try await makeApp().test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"test_add","params":[1,2],"id":1}"#)
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                let body = try JSONText.parse(response.body.readableBytesView)
                #expect(body["error"]?["code"] == -32600)
            }
        }
    }

    @Test func contentTypeWithCharsetIsAccepted() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "Application/JSON; charset=utf-8"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"test_add","params":[1,2],"id":1}"#)
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func extraRoutesAreServed() async throws {
        try await makeApp().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok")
            }
            try await client.execute(uri: "/other", method: .post, headers: Self.json) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
