import CairnState
import CairnCore
import CairnCrypto
import CairnNode
import CairnP2P
import Foundation

extension Localnet {
    /// A funded account whose key is written to `accounts.json` for sending test transactions.
    public struct TestAccount: Codable, Sendable, Equatable {
        public var name: String
        public var address: String
        public var private_key: String
        /// Base units.
        public var balance: String
    }

    public struct AccountsFile: Codable, Sendable, Equatable {
        public var warning: String
        public var chain_id: String
        public var accounts: [TestAccount]
        /// The localnet's device maker (genesis `state.devices.makers`), so devices can be
        /// onboarded (`cairn maker sign-device`, `cairn simulate coverage --maker-key`); absent
        /// in localnets generated before it existed.
        public var maker: TestAccount?
    }

    /// The one device maker a localnet's genesis lists.
    public static let makerName = "localnet-maker"

    /// 1,000,000 CAIRN for every validator and every test account.
    public static let fundedBalance: Amount = 1_000_000 * AmountFormat.unit
    /// Equal voting power for every validator.
    public static let validatorPower: UInt64 = 10
    /// The chain's minimum fee, 0.001 CAIRN, the default fee of `cairn tx transfer`.
    public static let minimumFee: Amount = 1_000_000_000_000_000

    /// Writes a new localnet into `directory`: keys, one genesis naming every validator, a home per
    /// node whose config points at every other node, `accounts.json`, then the manifest.
    ///
    /// `directory` must not exist, be empty, or hold an interrupted generation. On failure
    /// everything written is removed, so the same command can simply be run again.
    public static func generate(spec: LocalnetSpec, directory: String, now: Date = Date()) throws(LocalnetError) -> Localnet {
        try spec.validate()
        let root = absolute(directory)
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let existed = fm.fileExists(atPath: root, isDirectory: &isDirectory)
        if existed {
            guard isDirectory.boolValue else { throw LocalnetError("\(root) exists and is not a directory") }
            guard !fm.fileExists(atPath: root + "/" + manifestName) else {
                throw LocalnetError("\(root) already holds a localnet; start it as it is, or pass --reset to regenerate it")
            }
            let contents: [String]
            do { contents = try fm.contentsOfDirectory(atPath: root) } catch {
                throw LocalnetError("cannot read \(root): \(error.localizedDescription)")
            }
            if contents.contains(generatingMarker) {
                try clear(root)
            } else if !contents.isEmpty {
                throw LocalnetError("\(root) exists, is not empty and holds no localnet (no \(manifestName)); choose another --dir or empty it")
            }
        }
        try makeDirectories(root)
        guard fm.createFile(atPath: root + "/" + generatingMarker, contents: Data()) else {
            if !existed { try? fm.removeItem(atPath: root) }
            throw LocalnetError("cannot write to \(root): permission denied or read-only file system")
        }
        do {
            let localnet = try write(spec: spec, root: root, now: now)
            try? fm.removeItem(atPath: root + "/" + generatingMarker)
            return localnet
        } catch {
            if existed { try? clear(root) } else { try? fm.removeItem(atPath: root) }
            throw error
        }
    }

    /// Removes a localnet directory (for `--reset`). Refuses a directory that is neither a
    /// localnet nor an interrupted generation, so a wrong `--dir` cannot delete someone's files.
    public static func remove(directory: String) throws(LocalnetError) {
        let root = absolute(directory)
        let fm = FileManager.default
        guard fm.fileExists(atPath: root) else { return }
        if let contents = try? fm.contentsOfDirectory(atPath: root), contents.isEmpty { return }
        guard fm.fileExists(atPath: root + "/" + manifestName) || fm.fileExists(atPath: root + "/" + generatingMarker) else {
            throw LocalnetError("\(root) is not a localnet directory (no \(manifestName)); not deleting it")
        }
        do { try fm.removeItem(atPath: root) } catch {
            throw LocalnetError("cannot remove \(root): \(error.localizedDescription)")
        }
    }

    /// `mkdir -p` that names the component that could not be made and why (Foundation's error
    /// here is an opaque "error 512").
    static func makeDirectories(_ path: String) throws(LocalnetError) {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw LocalnetError("cannot create \(path): \(prefix) is a file, not a directory")
                }
                continue
            }
            guard mkdir(prefix, 0o755) == 0 || errno == EEXIST else {
                throw LocalnetError("cannot create \(path): \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func clear(_ root: String) throws(LocalnetError) {
        let fm = FileManager.default
        do {
            for entry in try fm.contentsOfDirectory(atPath: root) where entry != generatingMarker {
                try fm.removeItem(atPath: root + "/" + entry)
            }
        } catch {
            throw LocalnetError("cannot clear the interrupted localnet in \(root): \(error.localizedDescription)")
        }
    }

    private static func write(spec: LocalnetSpec, root: String, now: Date) throws(LocalnetError) -> Localnet {
        let validatorKeys = (0..<spec.validators).map { _ in PrivateKey.generate() }
        let identities = (0..<spec.validators).map { _ in NodeIdentity.generate() }
        let accountKeys = (0..<spec.testAccounts).map { _ in PrivateKey.generate() }
        let makerKey = PrivateKey.generate()
        let nodes = (0..<spec.validators).map { i in
            Node(name: "node\(i)", home: "node\(i)", rpc_port: spec.rpcPort(i), p2p_port: spec.p2pPort(i),
                 node_id: identities[i].nodeID.description, validator: validatorKeys[i].address.checksummed)
        }
        let genesis = genesisText(chainID: spec.chainID, time: now, nodes: nodes,
                                  accounts: accountKeys.map(\.address), maker: makerKey.publicKey)
        do { _ = try GenesisFile.parse(genesis) } catch {
            throw LocalnetError("generated an invalid genesis (a bug): \(error)")
        }
        let manifest = Manifest(version: 1, chain_id: spec.chainID, base_port: spec.basePort,
                                block_interval_ms: spec.blockIntervalMilliseconds, nodes: nodes)
        let localnet = Localnet(directory: root, manifest: manifest)

        for (i, node) in nodes.enumerated() {
            let home = localnet.home(node)
            try makeDirectories(home.configDirectory)
            let peers = nodes.filter { $0.name != node.name }.map { localnet.p2pAddress($0) }
            try writeFile(Data(configText(node: node, spec: spec, peers: peers).utf8), to: home.configFile)
            do { try KeyFile.write(validatorKeys[i], to: home.validatorKeyFile) } catch {
                throw LocalnetError("\(error)")
            }
            do { try identities[i].save(path: home.nodeKeyFile) } catch {
                throw LocalnetError("\(error)")
            }
            // The genesis goes last in each home: its presence marks the home as initialised.
            try writeFile(Data(genesis), to: home.genesisFile)
        }
        try writeFile(Data(genesis), to: localnet.genesisFile)
        let accounts = AccountsFile(
            warning: "Test keys of a local network, stored unencrypted. Never send real funds to them.",
            chain_id: spec.chainID,
            accounts: accountKeys.enumerated().map { i, key in
                TestAccount(name: "account\(i)", address: key.address.checksummed,
                            private_key: Hex.prefixed(key.bytes), balance: String(fundedBalance))
            },
            maker: TestAccount(name: makerName, address: makerKey.address.checksummed, private_key: Hex.prefixed(makerKey.bytes), balance: "0"))
        try writeJSON(accounts, to: localnet.accountsFile, permissions: 0o600)
        try writeJSON(manifest, to: root + "/" + manifestName)
        return localnet
    }

    /// Specs/genesis.md §1: every validator with equal power and a funded account, plus the test
    /// accounts, and one device maker (as the devnet has) so hotspots can be onboarded.
    static func genesisText(chainID: String, time: Date, nodes: [Node], accounts: [Address], maker: PublicKey) -> [UInt8] {
        // Whole seconds, as Specs/genesis.md requires one of two exact forms.
        let seconds = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
        let genesisTime = seconds.formatted(Date.ISO8601FormatStyle())
        let funded = nodes.map(\.validator) + accounts.map(\.checksummed)
        let accountLines = funded.map { "    { \"address\": \"\($0)\", \"balance\": \"\(fundedBalance)\" }" }
        let validatorLines = nodes.map {
            "    { \"address\": \"\($0.validator)\", \"power\": \(validatorPower), \"name\": \"\($0.name)\" }"
        }
        return Array("""
        {
          "chain_id": "\(chainID)",
          "genesis_time": "\(genesisTime)",
          "protocol_version": 1,
          "params": {
            "max_block_transactions": 10000,
            "max_block_bytes": 4194304,
            "min_transaction_fee": "\(minimumFee)"
          },
          "accounts": [
        \(accountLines.joined(separator: ",\n"))
          ],
          "validators": [
        \(validatorLines.joined(separator: ",\n"))
          ],
          "state": {
            "devices": { "makers": [ { "name": "\(makerName)", "public_key": "\(maker.hex)" } ] }
          }
        }

        """.utf8)
    }

    /// A node's config.toml: loopback only, its two ports, every other node as a persistent peer.
    static func configText(node: Node, spec: LocalnetSpec, peers: [String]) -> String {
        let peerLines = peers.map { "  \"\($0)\",\n" }.joined()
        return """
        # Cairn localnet node \(node.name), written by `cairn localnet start`.
        # Flags of `cairn start` override these values; other settings keep their defaults.

        [rpc]
        host = "127.0.0.1"
        port = \(node.rpc_port)

        [block]
        interval_ms = \(spec.blockIntervalMilliseconds)
        create_empty = true

        [p2p]
        listen_host = "127.0.0.1"
        listen_port = \(node.p2p_port)
        external_address = "127.0.0.1:\(node.p2p_port)"
        persistent_peers = [
        \(peerLines)]
        max_inbound_peers = \(max(40, spec.validators))
        max_outbound_peers = \(max(10, spec.validators))
        pex = true

        [log]
        level = "info"

        """
    }
}
