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
        the chain where it stopped. Without --genesis/--keys the files are taken from ./genesis/ if \
        it has them, else from the repository this cairn was built in.
        """)

    @Option(name: .long, help: "Data directory of the devnet.")
    var home: String = "./devnet-data"

    @Option(name: .long, help: "Devnet genesis file (default: genesis/devnet.json here, else in the repository cairn was built in).")
    var genesis: String?

    @Option(name: .long, help: "Devnet key file holding the validator's public test key (default: genesis/devnet-keys.json, found like --genesis).")
    var keys: String?

    @OptionGroup var overrides: NodeOverrides

    func run() async throws {
        let nodeHome = NodeHome(home)
        if !FileManager.default.fileExists(atPath: nodeHome.genesisFile) {
            let files = try DevnetFiles.resolve(genesis: genesis, keys: keys)
            let validatorKey = try DevnetKeys.load(path: files.keys).validator
            let keyPath = NSTemporaryDirectory() + "cairn-devnet-validator-\(getpid()).json"
            try KeyFile.write(validatorKey, to: keyPath)
            defer { try? FileManager.default.removeItem(atPath: keyPath) }
            try NodeInitializer.initialize(home: nodeHome, genesisPath: files.genesis, chainID: nil,
                                           validatorKeyPath: keyPath)
            print("Initialised devnet in \(nodeHome.root) from \(files.genesis)")
            fflush(nil)  // the node runs on: a redirected stdout would hold the line back
        }
        // A devnet has no peers: its P2P port stays on loopback.
        try await runNode(home: nodeHome, overrides: overrides) { $0.p2pListenHost = "127.0.0.1" }
    }
}

/// Where the devnet's genesis and key files are: a flag names one exactly; otherwise both come
/// from the first of ./genesis/ and the genesis/ of the repository the executable was built in
/// (the nearest directory above its real path holding genesis/devnet.json) that has them.
enum DevnetFiles {
    static let genesisName = "devnet.json"
    static let keysName = "devnet-keys.json"

    static func resolve(genesis: String?, keys: String?,
                        workingDirectory: String = FileManager.default.currentDirectoryPath,
                        executable: String = executablePath()) throws -> (genesis: String, keys: String) {
        for (flag, path) in [("--genesis", genesis), ("--keys", keys)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw UserError("cannot read \(path) (given with \(flag) FILE)")
            }
        }
        if let genesis, let keys { return (genesis, keys) }
        let needed = [genesis == nil ? genesisName : nil, keys == nil ? keysName : nil].compactMap { $0 }
        let here = (workingDirectory as NSString).appendingPathComponent("genesis")
        let repository = builtIn(executable).map { $0 + "/genesis" }
        let directories = [here] + (repository.map { [$0] } ?? [])
        if let found = directories.first(where: { dir in
            needed.allSatisfy { FileManager.default.isReadableFile(atPath: dir + "/" + $0) }
        }) {
            return (genesis ?? found + "/" + genesisName, keys ?? found + "/" + keysName)
        }
        let lookedFor = directories.flatMap { dir in needed.map { dir + "/" + $0 } }
            + (repository == nil ? ["genesis/\(genesisName) in every directory above \(executable)"] : [])
        throw UserError("cannot find the devnet's files: looked for \(lookedFor.joined(separator: ", ")); "
            + "run from the repository root or pass --genesis FILE and --keys FILE")
    }

    /// The nearest directory above `executable` holding genesis/devnet.json (for
    /// .build/release/cairn, the repository root).
    static func builtIn(_ executable: String) -> String? {
        var directory = (executable as NSString).deletingLastPathComponent
        while !directory.isEmpty {
            if FileManager.default.fileExists(atPath: directory + "/genesis/" + genesisName) { return directory }
            let parent = (directory as NSString).deletingLastPathComponent
            if parent == directory { return nil }
            directory = parent
        }
        return nil
    }

    /// This process's executable with every symbolic link resolved.
    static func executablePath() -> String {
        for candidate in ["/proc/self/exe", CommandLine.arguments[0]] {
            if let resolved = realpath(candidate, nil) {
                defer { free(resolved) }
                return String(cString: resolved)
            }
        }
        return CommandLine.arguments[0]
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
            throw UserError("cannot read \(path)")
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

