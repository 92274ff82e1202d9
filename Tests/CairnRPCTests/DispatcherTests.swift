import CairnCore
import CairnRPC
import Testing

@Suite struct DispatcherTests {
    let log = CallLog()
    let dispatcher: JSONRPCDispatcher

    init() throws {
        dispatcher = JSONRPCDispatcher(registry: try makeTestRegistry(log: log), maxBatchLength: 3)
    }

    /// Sends raw text and parses the answer (nil when nothing is sent).
    func send(_ text: String) async throws -> JSONValue? {
        guard let output = await dispatcher.handle(body: Array(text.utf8)) else { return nil }
        return try JSONText.parse(output)
    }

    func expectError(_ response: JSONValue?, code: RPCErrorCode, id: JSONValue = .null, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response?["jsonrpc"] == "2.0", sourceLocation: sourceLocation)
        #expect(response?["id"] == id, sourceLocation: sourceLocation)
        #expect(response?["error"]?["code"] == .integer(Int64(code.rawValue)), sourceLocation: sourceLocation)
        #expect(response?["error"]?["message"]?.stringValue != nil, sourceLocation: sourceLocation)
        #expect(response?["result"] == nil, sourceLocation: sourceLocation)
    }

    @Test func successResponseHasExactlyTheSpecMembers() async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"test_add","params":[2,3],"id":1}"#)
        #expect(response == ["jsonrpc": "2.0", "id": 1, "result": 5])
    }

    @Test func namedParamsWork() async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"test_greet","params":{"name":"ann","greeting":"hi"},"id":"g"}"#)
        #expect(response == ["jsonrpc": "2.0", "id": "g", "result": "hi ann"])
        let defaulted = try await send(#"{"jsonrpc":"2.0","method":"test_greet","params":["bob"],"id":2}"#)
        #expect(defaulted?["result"] == "hello bob")
    }

    @Test func outputIsByteStable() async throws {
        let output = await dispatcher.handle(body: Array(#"{"id":7,"method":"test_add","jsonrpc":"2.0","params":{"b":1,"a":2}}"#.utf8))
        #expect(output.map { String(decoding: $0, as: UTF8.self) } == #"{"id":7,"jsonrpc":"2.0","result":3}"#)
    }

    @Test(arguments: [
        (JSONValue.string("abc"), "string"), (JSONValue.integer(-4), "integer"), (JSONValue.number("2.5"), "number"), (JSONValue.null, "null"),
    ])
    func echoesTheID(_ id: JSONValue, _ label: String) async throws {
        let request: JSONValue = ["jsonrpc": "2.0", "method": "test_add", "params": [1, 1], "id": id]
        let response = try await send(JSONText.string(request))
        #expect(response == ["jsonrpc": "2.0", "id": id, "result": 2], "id kind \(label)")
    }

    /// Outside testing found ids above 2^53 answered as floats (`1.8446744073709552e+19`): the id
    /// comes back as the exact text of the request's id token, alone and in batches.
    static let idTokens = [
        "18446744073709551616", "-1", "1.5", "1e400", "12345678901234567890123", "-0", "1.50", "0",
        #""abc""#, #""""#, #""18446744073709551616""#,
    ]

    @Test(arguments: idTokens)
    func echoesTheIDTokenExactly(_ token: String) async throws {
        let result = await dispatcher.handle(body: Array(#"{"jsonrpc":"2.0","method":"test_add","params":[1,1],"id":\#(token)}"#.utf8))
        #expect(result.map { String(decoding: $0, as: UTF8.self) } == #"{"id":\#(token),"jsonrpc":"2.0","result":2}"#)
        let error = await dispatcher.handle(body: Array(#"{"jsonrpc":"2.0","method":"nope","id":\#(token)}"#.utf8))
        #expect(error.map { String(decoding: $0, as: UTF8.self) }?.hasSuffix(#"},"id":\#(token),"jsonrpc":"2.0"}"#) == true)
    }

    @Test func echoesIDTokensExactlyInBatches() async throws {
        let tokens = Self.idTokens
        let dispatcher = JSONRPCDispatcher(registry: try makeTestRegistry(), maxBatchLength: tokens.count)
        let batch = "[" + tokens.map { #"{"jsonrpc":"2.0","method":"test_add","params":[2,3],"id":\#($0)}"# }.joined(separator: ",") + "]"
        let output = await dispatcher.handle(body: Array(batch.utf8)).map { String(decoding: $0, as: UTF8.self) }
        #expect(output == "[" + tokens.map { #"{"id":\#($0),"jsonrpc":"2.0","result":5}"# }.joined(separator: ",") + "]")
    }

    @Test(arguments: ["{\"jsonrpc\":\"2.0\",", "[1,2", "not json", "", "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"method\":\"b\",\"id\":1}"])
    func parseErrorHasNullID(_ text: String) async throws {
        expectError(try await send(text), code: .parseError)
    }

    @Test(arguments: [
        (#"1"#, JSONValue.null),
        (#""request""#, JSONValue.null),
        (#"{"method":"test_add","id":1}"#, JSONValue.integer(1)),  // missing jsonrpc
        (#"{"jsonrpc":"1.0","method":"test_add","id":1}"#, JSONValue.integer(1)),
        (#"{"jsonrpc":2.0,"method":"test_add","id":1}"#, JSONValue.integer(1)),
        (#"{"jsonrpc":"2.0","id":1}"#, JSONValue.integer(1)),  // missing method
        (#"{"jsonrpc":"2.0","method":5,"id":"x"}"#, JSONValue.string("x")),
        (#"{"jsonrpc":"2.0","method":"test_add","id":true}"#, JSONValue.null),
        (#"{"jsonrpc":"2.0","method":"test_add","id":{"a":1}}"#, JSONValue.null),
        (#"{"jsonrpc":"2.0","method":"test_add","id":[1]}"#, JSONValue.null),
        (#"{"jsonrpc":"2.0","method":"test_add","params":"bar","id":3}"#, JSONValue.integer(3)),
        (#"{"jsonrpc":"2.0","method":"test_add","params":5,"id":3}"#, JSONValue.integer(3)),
    ])
    func invalidRequests(_ text: String, _ id: JSONValue) async throws {
        expectError(try await send(text), code: .invalidRequest, id: id)
    }

    @Test func invalidRequestWithoutIDIsStillAnswered() async throws {
        expectError(try await send(#"{"jsonrpc":"2.0","method":1,"params":"bar"}"#), code: .invalidRequest)
    }

    @Test func unknownMethod() async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"nope","id":1}"#)
        expectError(response, code: .methodNotFound, id: 1)
        #expect(response?["error"]?["message"]?.stringValue?.contains("nope") == true)
    }

    @Test(arguments: [
        (#"[1]"#, "missing required parameter 'b'"),
        (#"[]"#, "missing required parameter 'a'"),
        (#"[1,2,3]"#, "too many parameters"),
        (#"{"a":1}"#, "missing required parameter 'b'"),
        (#"{"a":1,"b":2,"c":3,"d":4}"#, "unknown parameters: 'c', 'd'"),
        (#"{"a":1,"b":2,"zz":3}"#, "unknown parameter: 'zz'"),
        (#"[1,"2"]"#, "parameter 'b': expected unsigned integer, got string"),
        (#"[-1,2]"#, "parameter 'a': expected unsigned integer, got -1"),
        (#"[1.5,2]"#, "parameter 'a': expected unsigned integer, got number"),
        (#"[null,2]"#, "missing required parameter 'a'"),
    ])
    func invalidParams(_ params: String, _ message: String) async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"test_add","params":\#(params),"id":9}"#)
        expectError(response, code: .invalidParams, id: 9)
        let text = response?["error"]?["message"]?.stringValue ?? ""
        #expect(text.contains(message), "got: \(text)")
    }

    @Test func absentParamsWithRequiredParamIsInvalid() async throws {
        expectError(try await send(#"{"jsonrpc":"2.0","method":"test_greet","id":1}"#), code: .invalidParams, id: 1)
    }

    @Test func notificationRunsButReturnsNothing() async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"test_record","params":["n1"]}"#)
        #expect(response == nil)
        #expect(await log.calls == ["n1"])
        // Errors from notifications are not reported either.
        #expect(try await send(#"{"jsonrpc":"2.0","method":"nope"}"#) == nil)
        #expect(try await send(#"{"jsonrpc":"2.0","method":"test_crash"}"#) == nil)
    }

    @Test func batchKeepsRequestOrderAndSkipsNotifications() async throws {
        let response = try await send("""
        [{"jsonrpc":"2.0","method":"test_greet","params":["z"],"id":"first"},
         {"jsonrpc":"2.0","method":"test_record","params":["b1"]},
         {"jsonrpc":"2.0","method":"test_add","params":[1,2],"id":2}]
        """)
        #expect(response == [
            ["jsonrpc": "2.0", "id": "first", "result": "hello z"],
            ["jsonrpc": "2.0", "id": 2, "result": 3],
        ])
        #expect(await log.calls == ["b1"])
    }

    @Test func batchMixesErrorsAndResults() async throws {
        let response = try await send(#"[1, {"jsonrpc":"2.0","method":"nope","id":5}, {"jsonrpc":"2.0","method":"test_add","params":[0,0],"id":6}]"#)
        let elements = try #require(response?.arrayValue)
        #expect(elements.count == 3)
        expectError(elements[0], code: .invalidRequest)
        expectError(elements[1], code: .methodNotFound, id: 5)
        #expect(elements[2] == ["jsonrpc": "2.0", "id": 6, "result": 0])
    }

    @Test func batchOfOnlyNotificationsReturnsNothing() async throws {
        let response = try await send(#"[{"jsonrpc":"2.0","method":"test_record","params":["x"]},{"jsonrpc":"2.0","method":"test_record","params":["y"]}]"#)
        #expect(response == nil)
        #expect(await log.calls == ["x", "y"])
    }

    @Test func emptyBatchIsOneInvalidRequest() async throws {
        let response = try await send("[]")
        expectError(response, code: .invalidRequest)
        #expect(response?.arrayValue == nil)
    }

    @Test func oversizeBatchIsRejectedWhole() async throws {
        let element = #"{"jsonrpc":"2.0","method":"test_record","params":["over"],"id":1}"#
        let response = try await send("[" + Array(repeating: element, count: 4).joined(separator: ",") + "]")
        expectError(response, code: .invalidRequest)
        #expect(response?["error"]?["message"]?.stringValue?.contains("limit of 3") == true)
        #expect(await log.calls.isEmpty)
    }

    @Test func nonRPCErrorBecomesGenericInternalError() async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"test_crash","id":1}"#)
        expectError(response, code: .internalError, id: 1)
        let text = JSONText.string(response ?? .null)
        #expect(!text.contains("secret"))
        #expect(!text.contains("corrupt"))
    }

    @Test func applicationErrorsPassThrough() async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"test_missing","id":1}"#)
        #expect(response?["error"] == ["code": -32001, "message": "block 7 not found", "data": ["height": 7]])
    }

    @Test func discoverDescribesTheRegistry() async throws {
        let response = try await send(#"{"jsonrpc":"2.0","method":"rpc_discover","id":1}"#)
        let document = try #require(response?["result"])
        #expect(document == dispatcher.registry.openRPCDocument())
        #expect(document["openrpc"] == "1.2.6")
        #expect(document["info"] == ["title": "Cairn JSON-RPC", "version": "9.9.9"])
        let names = document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["rpc_discover", "test_add", "test_greet", "test_record", "test_crash", "test_missing"])
        let add = try #require(document["methods"]?[1])
        #expect(add["params"]?[0] == ["name": "a", "required": true, "schema": ["type": "integer", "minimum": 0], "description": "first"])
        #expect(add["result"] == ["name": "sum", "schema": ["type": "integer"]])
        #expect(add["errors"] == nil)
        #expect(document["methods"]?[5]?["errors"] == [["code": -32001, "message": "block not found"]])
        // rpc_discover takes no parameters.
        expectError(try await send(#"{"jsonrpc":"2.0","method":"rpc_discover","params":[1],"id":1}"#), code: .invalidParams, id: 1)
    }
}
