import CairnCore
/// The OpenRPC 1.2.6 description of the registry, served by `rpc_discover` and written to
/// Specs/openrpc.json, so the published description is generated from the same declarations
/// that validate requests.
extension RPCRegistry {
    public static let openRPCVersion = "1.2.6"

    /// The declaration of the built-in `rpc_discover`, listed first in the document.
    public static let discoverMethodSpec = RPCMethod(
        name: discoverMethodName,
        summary: "Returns the OpenRPC document describing every method of this endpoint.",
        params: [],
        result: RPCResultSpec(
            name: "openrpcDocument",
            schema: ["$ref": "https://raw.githubusercontent.com/open-rpc/meta-schema/1.14.2/schema.json"]
        ),
        handler: { _ in .null }
    )

    public func openRPCDocument() -> JSONValue {
        let described = [Self.discoverMethodSpec] + methods
        return [
            "openrpc": .string(Self.openRPCVersion),
            "info": ["title": .string(title), "version": .string(version)],
            "methods": .array(described.map(Self.describe)),
        ]
    }

    private static func describe(_ method: RPCMethod) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(method.name),
            "summary": .string(method.summary),
            "params": .array(method.params.map { param in
                [
                    "name": .string(param.name),
                    "required": .bool(param.required),
                    "schema": param.schema,
                    "description": .string(param.description),
                ]
            }),
            "result": ["name": .string(method.result.name), "schema": method.result.schema],
        ]
        if !method.errors.isEmpty {
            object["errors"] = .array(method.errors.map { error in
                ["code": .integer(Int64(error.code)), "message": .string(error.message)]
            })
        }
        return .object(object)
    }
}
