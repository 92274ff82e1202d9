import ArgumentParser
import CairnCore
import CairnCrypto
import CairnNode
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node home: config.toml, genesis, validator key and node key.",
        discussion: """
        With --genesis, the node joins that chain. Without it, a new single-validator chain is \
        created whose validator is this node's new key, funded with 1,000,000 CAIRN.
        """)

    @OptionGroup var home: HomeOption

    @Option(name: .long, help: "Genesis file to use (copied into the home).")
    var genesis: String?

    @Option(name: .long, help: "Chain id for a new chain (ignored with --genesis).")
    var chainId: String = "cairn-local"

    @Option(name: .long, help: "Import the validator key from this key file instead of generating one.")
    var validatorKey: String?

    func run() throws {
        let home = home.nodeHome
        try NodeInitializer.initialize(home: home, genesisPath: genesis, chainID: chainId,
                                       validatorKeyPath: validatorKey)
        let key = try KeyFile.read(home.validatorKeyFile)
        print("Initialised \(home.root)")
        print("  config:    \(home.configFile)")
        print("  genesis:   \(home.genesisFile)")
        print("  validator: \(key.address)")
        print("Start it with: cairn start --home \(home.root)")
    }
}
