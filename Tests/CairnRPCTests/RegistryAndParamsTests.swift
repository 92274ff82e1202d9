import CairnCore
import CairnRPC
import Testing

@Suite struct RegistryAndParamsTests {
    func method(_ name: String, params: [RPCParamSpec] = []) -> RPCMethod {
        RPCMethod(name: name, summary: "s", params: params, result: RPCResultSpec(name: "r", schema: [:]), handler: { _ in nil })
    }

    func param(_ name: String, required: Bool = true) -> RPCParamSpec {
        RPCParamSpec(name: name, required: required, schema: [:], description: "")
    }

    @Test func keepsRegistrationOrderAndRejectsDuplicates() throws {
        var registry = RPCRegistry()
        try registry.register(method("b_one"))
        try registry.register(method("a_two"))
        #expect(registry.methodNames == ["b_one", "a_two"])
        #expect(throws: RPCRegistryError.duplicateMethod("b_one")) { try registry.register(method("b_one")) }
        #expect(registry.method(named: "a_two")?.name == "a_two")
        #expect(registry.method(named: "zzz") == nil)
    }

    @Test func rejectsBadDeclarations() {
        var registry = RPCRegistry()
        #expect(throws: RPCRegistryError.reservedName("rpc_discover")) { try registry.register(method("rpc_discover")) }
        #expect(throws: RPCRegistryError.reservedName("rpc.x")) { try registry.register(method("rpc.x")) }
        #expect(throws: RPCRegistryError.invalidName("a b")) { try registry.register(method("a b")) }
        #expect(throws: RPCRegistryError.invalidName("")) { try registry.register(method("")) }
        #expect(throws: RPCRegistryError.duplicateParam(method: "m", param: "p")) {
            try registry.register(method("m", params: [param("p"), param("p")]))
        }
        #expect(throws: RPCRegistryError.requiredAfterOptional(method: "m", param: "q")) {
            try registry.register(method("m", params: [param("p", required: false), param("q")]))
        }
        #expect(registry.methods.isEmpty)
    }

    @Test func typedAccessorsReadByNameOrPosition() throws {
        let named = try RPCParams(json: ["s": "x", "u": 7, "b": true, "o": ["k": 1], "l": [1], "n": nil])
        let positional = try RPCParams(json: ["x", 7, true, ["k": 1], [1], nil])
        for params in [named, positional] {
            #expect(try params.string("s", at: 0) == "x")
            #expect(try params.uint64("u", at: 1) == 7)
            #expect(try params.bool("b", at: 2) == true)
            #expect(try params.object("o", at: 3) == ["k": 1])
            #expect(try params.array("l", at: 4) == [1])
            #expect(try params.optionalString("n", at: 5) == nil)
            #expect(try params.optionalUInt64("absent", at: 9) == nil)
            #expect(try params.optionalBool("absent", at: 9) == nil)
            #expect(throws: RPCError.invalidParams("parameter 's': expected boolean, got string")) {
                try params.bool("s", at: 0)
            }
            #expect(throws: RPCError.invalidParams("missing required parameter 'n'")) { try params.string("n", at: 5) }
        }
        #expect(try RPCParams.none.optionalObject("o", at: 0) == nil)
    }

    struct Transfer: Decodable, Equatable {
        var to: String
        var amount: String
    }

    @Test func decodesStructuredParams() throws {
        let params = try RPCParams(json: [["to": "0xab", "amount": "10"]])
        #expect(try params.decode(Transfer.self, "tx", at: 0) == Transfer(to: "0xab", amount: "10"))
        let bad = try RPCParams(json: [["to": "0xab"]])
        #expect {
            try bad.decode(Transfer.self, "tx", at: 0)
        } throws: { error in
            let error = error as? RPCError
            return error?.code == -32602 && error?.message.contains("'tx'") == true && error?.message.contains("amount") == true
        }
    }

    @Test func errorCodesAreTheDocumentedOnes() {
        #expect(RPCError.parseError().code == -32700)
        #expect(RPCError.invalidRequest().code == -32600)
        #expect(RPCError.methodNotFound("x").code == -32601)
        #expect(RPCError.invalidParams("x").code == -32602)
        #expect(RPCError.internalError().code == -32603)
        #expect(RPCError.transactionRejected("x").code == -32000)
        #expect(RPCError.notFound("x").code == -32001)
        #expect(RPCError.unavailable("x").code == -32002)
        #expect(RPCError(json: RPCError.notFound("x", data: [1]).jsonValue) == .notFound("x", data: [1]))
        #expect(RPCError.unavailable("pruned").knownCode == .unavailable)
    }
}
