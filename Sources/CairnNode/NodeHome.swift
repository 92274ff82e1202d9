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
    /// The double-sign guard's last signed height/round/step (Specs/validator-signing.md).
    public var signStateFile: String { root + "/data/sign_state.json" }
    /// The consensus journal of the current height.
    public var consensusJournalFile: String { root + "/data/consensus.journal" }
    public var keyringDirectory: String { root + "/keys" }

    public static let defaultRoot = "~/.cairn"
}
