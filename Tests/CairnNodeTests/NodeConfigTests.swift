import CairnCore
import CairnCrypto
@testable import CairnNode
import CairnState
import Foundation
import Testing

@Suite("Node configuration and key files")
struct NodeConfigTests {
    @Test func defaultFileParsesToDefaults() throws {
        #expect(try NodeConfig.parse(NodeConfig.defaultFile) == NodeConfig())
    }

    @Test func valuesOverrideDefaults() throws {
        let c = try NodeConfig.parse("""
        [rpc]
        port = 9000
        [block]
        interval_ms = 250
        create_empty = false
        """)
        #expect(c.rpcPort == 9000)
        #expect(c.blockIntervalMilliseconds == 250)
        #expect(c.createEmptyBlocks == false)
        #expect(c.rpcHost == "127.0.0.1")
    }

    @Test(arguments: [
        ("[rpc]\nprot = 1", "unknown key 'prot' in [rpc]"),
        ("[rcp]\nport = 1", "unknown section [rcp]"),
        ("[rpc]\nport = 70000", "rpc.port must be between 0 and 65535"),
        ("[rpc]\nport = \"x\"", "rpc.port must be an integer"),
        ("[block]\ncreate_empty = 1", "block.create_empty must be true or false"),
        ("[log]\nlevel = \"loud\"", "log.level must be one of"),
        ("[rpc\nport = 1", "line 1"),
    ])
    func badConfigSaysWhatIsWrong(text: String, message: String) {
        #expect {
            _ = try NodeConfig.parse(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func keyFilesRoundTripWithOwnerOnlyPermissions() throws {
        let path = NSTemporaryDirectory() + "cairn-key-\(UInt64.random(in: 0...UInt64.max)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = PrivateKey.generate()
        try KeyFile.write(key, to: path)
        #expect(try KeyFile.read(path) == key)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: KeyFile.Error.self) { try KeyFile.write(PrivateKey.generate(), to: path) }
        // A file whose address does not match its key is refused.
        let forged = "{\"address\": \"\(PrivateKey.generate().address.checksummed)\", \"private_key\": \"\(Hex.prefixed(key.bytes))\"}"
        try forged.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: KeyFile.Error.self) { try KeyFile.read(path) }
    }

    @Test func initCreatesAHomeOnceAndANewChainGenesisThatParses() throws {
        let home = NodeHome(NSTemporaryDirectory() + "cairn-home-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        try NodeInitializer.initialize(home: home, genesisPath: nil, chainID: "my-chain", validatorKeyPath: nil)
        let genesis = try GenesisFile.load(path: home.genesisFile)
        let validator = try KeyFile.read(home.validatorKeyFile)
        #expect(genesis.chainID == "my-chain")
        #expect(genesis.validators.power(of: validator.address) == 10)
        #expect(FileManager.default.fileExists(atPath: home.nodeKeyFile))
        #expect(throws: NodeInitializer.Error.self) {
            try NodeInitializer.initialize(home: home, genesisPath: nil, chainID: "my-chain", validatorKeyPath: nil)
        }
        #expect(throws: (any Error).self) {
            try NodeInitializer.initialize(home: NodeHome(home.root + "-2"), genesisPath: nil, chainID: "Bad Chain", validatorKeyPath: nil)
        }
    }

    /// An init that stopped after writing the validator key (before the genesis) is finished by the
    /// next one with that same key, not a genesis naming a key that was never saved.
    @Test func initAfterAnInterruptedInitKeepsTheKeyOnDisk() throws {
        let home = NodeHome(NSTemporaryDirectory() + "cairn-home-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let leftover = PrivateKey.generate()
        try KeyFile.write(leftover, to: home.validatorKeyFile)
        try NodeInitializer.initialize(home: home, genesisPath: nil, chainID: "my-chain", validatorKeyPath: nil)
        let genesis = try GenesisFile.load(path: home.genesisFile)
        #expect(genesis.validators.power(of: leftover.address) == 10)
        #expect(try KeyFile.read(home.validatorKeyFile) == leftover)

        // Importing a different key over a leftover one is refused, and writes no genesis.
        let other = NodeHome(home.root + "-b")
        defer { try? FileManager.default.removeItem(atPath: other.root) }
        try KeyFile.write(PrivateKey.generate(), to: other.validatorKeyFile)
        let importPath = other.root + "/import.json"
        try KeyFile.write(PrivateKey.generate(), to: importPath)
        #expect(throws: NodeInitializer.Error.self) {
            try NodeInitializer.initialize(home: other, genesisPath: nil, chainID: "my-chain", validatorKeyPath: importPath)
        }
        #expect(!FileManager.default.fileExists(atPath: other.genesisFile))
    }
}
