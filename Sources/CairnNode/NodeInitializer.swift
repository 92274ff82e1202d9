import CairnState
import CairnCore
import CairnCrypto
import CairnP2P
import Foundation

/// Creates a node home (what `cairn init` and the first `cairn devnet` do).
public enum NodeInitializer {
    public struct Error: Swift.Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// - Parameters:
    ///   - genesisPath: a genesis to join; nil creates a new chain whose only validator is this node.
    ///   - chainID: the id of a new chain (used only when `genesisPath` is nil).
    ///   - validatorKeyPath: a key file to import as the validator key; nil generates a key.
    public static func initialize(home: NodeHome, genesisPath: String?, chainID: String?,
                                  validatorKeyPath: String?) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: home.genesisFile) else {
            throw Error(message: "\(home.root) is already initialised (\(home.genesisFile) exists)")
        }
        // A key left by an earlier init that failed before writing the genesis is reused, so the
        // genesis written now names the key actually on disk.
        let validatorKey: PrivateKey
        if let validatorKeyPath {
            validatorKey = try KeyFile.read(validatorKeyPath)
            if fm.fileExists(atPath: home.validatorKeyFile), try KeyFile.read(home.validatorKeyFile) != validatorKey {
                throw Error(message: "\(home.validatorKeyFile) already holds another key; remove it or import that one")
            }
        } else if fm.fileExists(atPath: home.validatorKeyFile) {
            validatorKey = try KeyFile.read(home.validatorKeyFile)
        } else {
            validatorKey = PrivateKey.generate()
        }

        let genesisBytes: [UInt8]
        if let genesisPath {
            guard let data = fm.contents(atPath: genesisPath) else {
                throw Error(message: "cannot read genesis file \(genesisPath)")
            }
            genesisBytes = Array(data)
            _ = try GenesisFile.parse(genesisBytes)  // refuse a bad genesis before writing anything
        } else {
            let id = chainID ?? "cairn-local"
            if let problem = ChainID.validate(id) { throw Error(message: problem) }
            genesisBytes = newChainGenesis(chainID: id, validator: validatorKey.address)
            _ = try GenesisFile.parse(genesisBytes)
        }

        try fm.createDirectory(atPath: home.configDirectory, withIntermediateDirectories: true)
        if !fm.fileExists(atPath: home.configFile) {
            fm.createFile(atPath: home.configFile, contents: Data(NodeConfig.defaultFile.utf8))
        }
        if !fm.fileExists(atPath: home.validatorKeyFile) {
            try KeyFile.write(validatorKey, to: home.validatorKeyFile)
        }
        if !fm.fileExists(atPath: home.nodeKeyFile) {
            do { try NodeIdentity.generate().save(path: home.nodeKeyFile) } catch { throw Error(message: "\(error)") }
        }
        // The genesis goes last: its presence marks the home as initialised.
        guard fm.createFile(atPath: home.genesisFile, contents: Data(genesisBytes)) else {
            throw Error(message: "cannot write \(home.genesisFile)")
        }
    }

    static func newChainGenesis(chainID: String, validator: Address) -> [UInt8] {
        let now = Date().formatted(Date.ISO8601FormatStyle())
        let text = """
        {
          "chain_id": "\(chainID)",
          "genesis_time": "\(now)",
          "protocol_version": 1,
          "params": {
            "max_block_transactions": 10000,
            "max_block_bytes": 4194304,
            "min_transaction_fee": "1000000000000000"
          },
          "accounts": [
            { "address": "\(validator.checksummed)", "balance": "1000000000000000000000000" }
          ],
          "validators": [
            { "address": "\(validator.checksummed)", "power": 10, "name": "validator-0" }
          ]
        }

        """
        return Array(text.utf8)
    }
}
