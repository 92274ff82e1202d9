import Foundation

/// The layout of a node's home directory.
public struct NodeHome: Sendable {
    public let root: String

    public init(_ root: String) {
        self.root = (root as NSString).expandingTildeInPath
    }

    public var configDirectory: String { root + "/config" }
    public var configFile: String { configDirectory + "/config.toml" }
    public var genesisFile: String { configDirectory + "/genesis.json" }
    public var validatorKeyFile: String { configDirectory + "/validator_key.json" }
    public var nodeKeyFile: String { configDirectory + "/node_key.json" }
    public var chainDirectory: String { root + "/data/chain" }
    public var keyringDirectory: String { root + "/keys" }

    public static let defaultRoot = "~/.cairn"
}
