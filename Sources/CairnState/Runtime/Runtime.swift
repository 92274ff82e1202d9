import CairnCore
import CairnCrypto

/// The module manager (Specs/runtime.md): the protocol versions this binary runs, each with its
/// ordered module list. The order is the begin-block and end-block order; an operation goes to
/// the one module that owns its tag.
public struct Runtime: Sendable {
    /// Sorted by version.
    public let ruleSets: [RuleSet]

    public init(_ ruleSets: [RuleSet]) {
        self.ruleSets = ruleSets.sorted { $0.version < $1.version }
    }

    public var supportedVersions: [UInt64] { ruleSets.map(\.version) }

    public func ruleSet(version: UInt64) -> RuleSet? {
        ruleSets.first { $0.version == version }
    }

    /// The rule set genesis and parameter parsing use: the newest, whose modules include every
    /// earlier one's.
    public var latest: RuleSet { ruleSets[ruleSets.count - 1] }
}

/// Why the runtime cannot run a block at all (not the block's fault).
public enum RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The chain has moved to a protocol version this binary does not run.
    case unsupportedVersion(UInt64, supported: [UInt64], plan: UpgradePlan?)

    public var description: String {
        switch self {
        case .unsupportedVersion(let v, let supported, let plan):
            let upgrade = plan.map { " (upgrade '\($0.name)' at height \($0.height))" } ?? ""
            return "the chain runs protocol version \(v)\(upgrade); this binary supports \(supported.map(String.init).joined(separator: ", "))"
        }
    }
}

/// The modules of one protocol version, in order, with the tables derived from them.
public struct RuleSet: Sendable {
    public let version: UInt64
    let modules: [any RegisteredModule]
    let moduleByTag: [UInt64: Int]
    let moduleByAttestationTag: [UInt64: Int]
    /// The runtime's own records first ("consensus", "emission"), then each module's, in order.
    let parameterSchemas: [ParameterSchema]
    /// Every emission pool, in module order.
    public let pools: [String]

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case duplicateName(String)
        case sharedNamespace(UInt8, String, String)
        case sharedTag(UInt64, String, String)
        case sharedAttestationTag(UInt64, String, String)
        case sharedPool(String)

        public var description: String {
            switch self {
            case .duplicateName(let n): "two modules are named '\(n)'"
            case .sharedNamespace(let ns, let a, let b): "namespace \(ns) is claimed by \(a) and \(b)"
            case .sharedTag(let t, let a, let b): "operation tag \(t) is claimed by \(a) and \(b)"
            case .sharedAttestationTag(let t, let a, let b): "attestation tag \(t) is claimed by \(a) and \(b)"
            case .sharedPool(let p): "emission pool '\(p)' is registered twice"
            }
        }
    }

    /// Builds a rule set; throws when two modules share a name, namespace, tag or pool (a
    /// programming error the registry test catches before any binary ships).
    public init(version: UInt64, modules: [any ChainModule]) throws(Problem) {
        self.version = version
        var boxed: [any RegisteredModule] = []
        for module in modules { boxed.append(Self.box(module)) }
        self.modules = boxed
        var names: [String: String] = [ConsensusParameters.name: "runtime", EmissionParameters.name: "runtime"]
        var namespaces: [UInt8: String] = [:]
        for ns in RuntimeNamespace.all { namespaces[ns] = "runtime" }
        var tags: [UInt64: Int] = [:]
        var attestationTags: [UInt64: Int] = [:]
        var pools: [String] = []
        for (index, module) in boxed.enumerated() {
            guard names[module.name] == nil else { throw .duplicateName(module.name) }
            names[module.name] = module.name
            for ns in module.namespaces {
                if let owner = namespaces[ns] { throw .sharedNamespace(ns, owner, module.name) }
                namespaces[ns] = module.name
            }
            for tag in module.operationTags {
                if let other = tags[tag] { throw .sharedTag(tag, boxed[other].name, module.name) }
                tags[tag] = index
            }
            for tag in module.attestationTags {
                if let other = attestationTags[tag] { throw .sharedAttestationTag(tag, boxed[other].name, module.name) }
                attestationTags[tag] = index
            }
            for pool in module.emissionPools {
                guard !pools.contains(pool), pool != ModuleAccount.feeCollectorName else { throw .sharedPool(pool) }
                pools.append(pool)
            }
        }
        moduleByTag = tags
        moduleByAttestationTag = attestationTags
        self.pools = pools
        let registered = pools
        parameterSchemas = [
            ParameterSchema(owner: ConsensusParameters.name, ConsensusParameters.self),
            ParameterSchema(owner: EmissionParameters.name, EmissionParameters.self,
                            extraCheck: { $0.problem(pools: registered) }),
        ] + boxed.map(\.parameters)
    }

    private static func box<M: ChainModule>(_ module: M) -> any RegisteredModule { ModuleBox(module: module) }

    public var moduleNames: [String] { modules.map(\.name) }

    /// Every module's operation JSON Schemas, in module order.
    public var operationSchemas: [JSONValue] { modules.flatMap(\.operationSchemas) }

    /// Owners of parameters records, in order: "consensus", "emission", then the modules.
    public var parameterOwners: [String] { parameterSchemas.map(\.owner) }

    /// A JSON Schema of each owner's parameters in JSON, by owner.
    public var parameterJSONSchemas: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: parameterSchemas.map { ($0.owner, $0.jsonSchema) })
    }

    /// Every (namespace, owner) pair, sorted by namespace.
    public var namespaceOwners: [(namespace: UInt8, owner: String)] {
        (RuntimeNamespace.all.map { ($0, "runtime") } + modules.flatMap { m in m.namespaces.map { ($0, m.name) } })
            .sorted { $0.0 < $1.0 }
    }

    /// Every (tag, owner) pair, sorted by tag.
    public var operationOwners: [(tag: UInt64, owner: String)] {
        moduleByTag.map { ($0.key, modules[$0.value].name) }.sorted { $0.tag < $1.tag }
    }

    /// Every (attestation tag, owner) pair, sorted by tag.
    public var attestationOwners: [(tag: UInt64, owner: String)] {
        moduleByAttestationTag.map { ($0.key, modules[$0.value].name) }.sorted { $0.tag < $1.tag }
    }

    /// Module accounts: the fee collector, then every pool.
    public var moduleAccounts: [String] { [ModuleAccount.feeCollectorName] + pools }

    func schema(_ owner: String) -> ParameterSchema? { parameterSchemas.first { $0.owner == owner } }

    public func queries() -> [(module: String, query: ModuleQuery)] {
        modules.flatMap { m in m.queries().map { (m.name, $0) } }
    }
}
