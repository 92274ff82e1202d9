import CairnCore

/// A scheduled protocol upgrade: from `height` on, blocks run the rules of `version`.
public struct UpgradePlan: Sendable, Hashable, CanonicalCodable {
    public var name: String
    public var height: UInt64
    public var version: UInt64

    public static let maxNameBytes = 64

    public init(name: String, height: UInt64, version: UInt64) {
        self.name = name
        self.height = height
        self.version = version
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: name)
        writer.write(varint: height)
        writer.write(varint: version)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        name = try reader.readString("upgrade_plan.name", limit: Self.maxNameBytes)
        height = try reader.readVarint("upgrade_plan.height")
        version = try reader.readVarint("upgrade_plan.version")
    }

    public var json: JSONValue {
        ["name": .string(name), "height": .integer(Int64(clamping: height)), "version": .integer(Int64(clamping: version))]
    }
}

/// The chain-version record (Specs/runtime.md §5): the protocol version in force and the
/// pending upgrade, if one is scheduled. Every block's header carries the version in force at
/// its height; a block at a plan's height is the first under the plan's version.
public struct ChainVersion: Sendable, Hashable, CanonicalCodable {
    public var version: UInt64
    public var plan: UpgradePlan?

    public static let key = StateKey(namespace: RuntimeNamespace.chainVersion, key: [])

    public init(version: UInt64, plan: UpgradePlan? = nil) {
        self.version = version
        self.plan = plan
    }

    /// The version blocks at `height` run (the record read before that block executes).
    public func version(at height: UInt64) -> UInt64 {
        if let plan, height >= plan.height { return plan.version }
        return version
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: version)
        writer.write(optional: plan)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        version = try reader.readVarint("chain_version.version")
        plan = try reader.readOptional("chain_version.plan")
    }

    public var json: JSONValue {
        ["version": .integer(Int64(clamping: version)), "plan": plan?.json ?? .null]
    }
}

/// Namespaces the runtime itself owns (Specs/runtime.md §3 lists every namespace).
public enum RuntimeNamespace {
    /// Parameters records: key = the owner's name in UTF-8.
    public static let parameters: UInt8 = 0x10
    /// The chain-version record: key empty.
    public static let chainVersion: UInt8 = 0x11

    public static let all: [UInt8] = [parameters, chainVersion] + EpochRewards.namespaces

    public static func parametersKey(_ owner: String) -> StateKey {
        StateKey(namespace: parameters, key: Array(owner.utf8))
    }
}
