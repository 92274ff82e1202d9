import CairnCore
import CairnRPC
import CairnState

/// Serves every module's queries as JSON-RPC methods `<module>_<query>`, each answered from one
/// snapshot of committed state, with the height read added to the result.
struct ModuleRPC: Sendable {
    let chain: NodeChain

    func register(in registry: inout RPCRegistry) throws {
        for (module, query) in chain.executor.runtime.latest.queries() {
            try registry.register(RPCMethod(
                name: "\(module)_\(query.name)", summary: query.summary,
                params: query.parameters.map {
                    RPCParamSpec(name: $0.name, required: $0.required, schema: $0.schema, description: $0.description)
                },
                result: RPCResultSpec(name: query.resultName, schema: Self.withHeight(query.resultSchema)),
                errors: query.notFound.map { [RPCErrorSpec(.notFound, $0)] } ?? [],
                handler: { params in try answer(query, params) }))
        }
    }

    private func answer(_ query: ModuleQuery, _ params: RPCParams) throws -> JSONValue {
        var values: [String: JSONValue] = [:]
        for (i, parameter) in query.parameters.enumerated() {
            values[parameter.name] = params.value(parameter.name, at: i)
        }
        let snapshot = try chain.database.snapshot()
        guard let tip = try chain.database.tip(snapshot: snapshot) else { throw RPCError.unavailable("no chain yet") }
        var view = chain.view(snapshot: snapshot)
        let result: JSONValue
        do { result = try query.handler(QueryArguments(values), &view) } catch let error as QueryError {
            switch error {
            case .notFound(let message): throw RPCError.notFound(message)
            case .invalidArgument(let message): throw RPCError.invalidParams(message)
            }
        }
        guard case .object(var o) = result else { return result }
        o["height"] = .integer(Int64(clamping: tip.height))
        return .object(o)
    }

    /// The result schema with the `height` member every module query result carries.
    static func withHeight(_ schema: JSONValue) -> JSONValue {
        guard case .object(var o) = schema, case .object(var properties)? = o["properties"] else { return schema }
        properties["height"] = ["type": "integer", "minimum": 0]
        o["properties"] = .object(properties)
        if case .array(var required)? = o["required"] {
            required.append("height")
            o["required"] = .array(required)
        }
        return .object(o)
    }
}
