import ArgumentParser
import CairnCrypto
import CairnNode
import Foundation

struct DevnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet",
        abstract: "Run a single-validator development chain from genesis/devnet.json.",
        discussion: """
        The first run initialises --home from the genesis file and the public devnet validator key \
        (genesis/devnet-keys.json: well-known test keys, never for real funds); later runs resume \
        the chain where it stopped.
        """)

    @Option(name: .long, help: "Data directory of the devnet.")
    var home: String = "./devnet-data"

    @Option(name: .long, help: "Devnet genesis file.")
    var genesis: String = "genesis/devnet.json"

    @Option(name: .long, help: "Devnet key file holding the validator's public test key.")
    var keys: String = "genesis/devnet-keys.json"

    @OptionGroup var overrides: NodeOverrides

    func run() async throws {
        let nodeHome = NodeHome(home)
        if !FileManager.default.fileExists(atPath: nodeHome.genesisFile) {
            let validatorKey = try DevnetKeys.load(path: keys).validator
            let keyPath = NSTemporaryDirectory() + "cairn-devnet-validator-\(getpid()).json"
            try KeyFile.write(validatorKey, to: keyPath)
            defer { try? FileManager.default.removeItem(atPath: keyPath) }
            try NodeInitializer.initialize(home: nodeHome, genesisPath: genesis, chainID: nil,
                                           validatorKeyPath: keyPath)
            print("Initialised devnet in \(nodeHome.root) from \(genesis)")
        }
        // A devnet has no peers: its P2P port stays on loopback.
        try await runNode(home: nodeHome, overrides: overrides) { $0.p2pListenHost = "127.0.0.1" }
    }
}

/// genesis/devnet-keys.json: the devnet's public test keys.
struct DevnetKeys {
    let validator: PrivateKey
    let accounts: [PrivateKey]

    struct File: Decodable {
        struct Entry: Decodable { let address: String; let private_key: String }
        let validator: Entry
        let accounts: [Entry]
    }

    static func load(path: String) throws -> DevnetKeys {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserError("cannot read \(path); run from the repository root or pass --keys")
        }
        let file = try JSONDecoder().decode(File.self, from: data)
        func key(_ e: File.Entry) throws -> PrivateKey {
            let k = try PrivateKey(hex: e.private_key)
            guard k.address.checksummed.lowercased() == e.address.lowercased() else {
                throw UserError("\(path): address \(e.address) does not match its private key")
            }
            return k
        }
        return DevnetKeys(validator: try key(file.validator), accounts: try file.accounts.map(key))
    }
}

