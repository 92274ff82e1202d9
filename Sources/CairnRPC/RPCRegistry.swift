import CairnCore
/// Why a method could not be registered.
public enum RPCRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateMethod(String)
    case reservedName(String)
    case invalidName(String)
    case duplicateParam(method: String, param: String)
    case requiredAfterOptional(method: String, param: String)

    public var description: String {
        switch self {
        case .duplicateMethod(let name):
            return "RPC method '\(name)' is already registered"
        case .reservedName(let name):
            return "RPC method name '\(name)' is reserved (rpc_discover and names starting with 'rpc.')"
        case .invalidName(let name):
            return "RPC method name '\(name)' is invalid: use letters, digits and '_' only"
        case .duplicateParam(let method, let param):
            return "RPC method '\(method)' declares parameter '\(param)' twice"
        case .requiredAfterOptional(let method, let param):
            return "RPC method '\(method)': required parameter '\(param)' follows an optional one (positional calls could not omit the optional one)"
        }
    }
}

/// The set of methods the node serves, in registration order (which is also the order of the
/// OpenRPC document, so the document is stable).
public struct RPCRegistry: Sendable {
    /// Name of the built-in method returning the OpenRPC document.
    public static let discoverMethodName = "rpc_discover"

    /// `info.title` of the OpenRPC document.
    public var title: String
    /// `info.version` of the OpenRPC document: the API version, not the node build.
    public var version: String
    public private(set) var methods: [RPCMethod] = []
    private var indexByName: [String: Int] = [:]

    public init(title: String = "Cairn JSON-RPC", version: String = "0.1.0") {
        self.title = title
        self.version = version
    }

    public mutating func register(_ method: RPCMethod) throws(RPCRegistryError) {
        let name = method.name
        guard name != Self.discoverMethodName, !name.hasPrefix("rpc.") else { throw .reservedName(name) }
        guard !name.isEmpty, name.utf8.allSatisfy({ Self.isNameByte($0) }) else { throw .invalidName(name) }
        guard indexByName[name] == nil else { throw .duplicateMethod(name) }
        var seen: Set<String> = []
        var sawOptional = false
        for param in method.params {
            guard seen.insert(param.name).inserted else { throw .duplicateParam(method: name, param: param.name) }
            if param.required, sawOptional { throw .requiredAfterOptional(method: name, param: param.name) }
            if !param.required { sawOptional = true }
        }
        indexByName[name] = methods.count
        methods.append(method)
    }

    public func method(named name: String) -> RPCMethod? {
        indexByName[name].map { methods[$0] }
    }

    public var methodNames: [String] { methods.map(\.name) }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
