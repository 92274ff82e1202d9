import CairnCore
import CairnRPC

/// Records which methods ran, so notification tests can see a handler ran without a response.
actor CallLog {
    private(set) var calls: [String] = []
    func record(_ call: String) { calls.append(call) }
}

struct SecretFailure: Error, CustomStringConvertible {
    var description: String { "disk /var/secret/key.db is corrupt" }
}

func makeTestRegistry(log: CallLog = CallLog()) throws -> RPCRegistry {
    var registry = RPCRegistry(version: "9.9.9")
    try registry.register(RPCMethod(
        name: "test_add",
        summary: "Adds two unsigned integers.",
        params: [
            RPCParamSpec(name: "a", required: true, schema: ["type": "integer", "minimum": 0], description: "first"),
            RPCParamSpec(name: "b", required: true, schema: ["type": "integer", "minimum": 0], description: "second"),
        ],
        result: RPCResultSpec(name: "sum", schema: ["type": "integer"]),
        handler: { params in
            let a = try params.uint64("a", at: 0)
            let b = try params.uint64("b", at: 1)
            return .integer(Int64(a + b))
        }
    ))
    try registry.register(RPCMethod(
        name: "test_greet",
        summary: "Greets someone.",
        params: [
            RPCParamSpec(name: "name", required: true, schema: ["type": "string"], description: "who"),
            RPCParamSpec(name: "greeting", required: false, schema: ["type": "string"], description: "how"),
        ],
        result: RPCResultSpec(name: "text", schema: ["type": "string"]),
        handler: { params in
            let name = try params.string("name", at: 0)
            let greeting = try params.optionalString("greeting", at: 1) ?? "hello"
            return .string("\(greeting) \(name)")
        }
    ))
    try registry.register(RPCMethod(
        name: "test_record",
        summary: "Records a call.",
        params: [RPCParamSpec(name: "tag", required: true, schema: ["type": "string"], description: "tag")],
        result: RPCResultSpec(name: "ok", schema: ["type": "boolean"]),
        handler: { params in
            await log.record(try params.string("tag", at: 0))
            return true
        }
    ))
    try registry.register(RPCMethod(
        name: "test_crash",
        summary: "Fails with a non-RPC error.",
        result: RPCResultSpec(name: "never", schema: ["type": "null"]),
        handler: { _ in throw SecretFailure() }
    ))
    try registry.register(RPCMethod(
        name: "test_missing",
        summary: "Fails with an application error.",
        result: RPCResultSpec(name: "never", schema: ["type": "null"]),
        errors: [RPCErrorSpec(.notFound, "block not found")],
        handler: { _ in throw RPCError.notFound("block 7 not found", data: ["height": 7]) }
    ))
    return registry
}
