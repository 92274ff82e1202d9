import CairnNode
import Foundation

/// A localnet directory: `localnet.json` (this manifest), `genesis.json`, `accounts.json`,
/// `pids.json` while nodes run, and one node home per validator (`node0`, `node1`, …).
/// The manifest is written last, so its presence means the generation finished.
public struct Localnet: Sendable {
    /// One validator node as generated.
    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        /// The home directory, relative to the localnet directory.
        public var home: String
        public var rpc_port: Int
        public var p2p_port: Int
        public var node_id: String
        public var validator: String
    }

    public struct Manifest: Codable, Sendable, Equatable {
        public var version: Int
        public var chain_id: String
        public var base_port: Int
        public var block_interval_ms: Int
        public var nodes: [Node]
    }

    /// Absolute path of the localnet directory.
    public let directory: String
    public let manifest: Manifest

    public init(directory: String, manifest: Manifest) {
        self.directory = directory
        self.manifest = manifest
    }

    public static let manifestName = "localnet.json"
    public static let pidsName = "pids.json"
    public static let accountsName = "accounts.json"
    public static let genesisName = "genesis.json"
    /// Present while `generate` writes; a directory with it and no manifest is a generation that
    /// was interrupted, safe to wipe and redo.
    public static let generatingMarker = ".localnet-generating"

    public var nodes: [Node] { manifest.nodes }
    public var pidsFile: String { directory + "/" + Self.pidsName }
    public var accountsFile: String { directory + "/" + Self.accountsName }
    public var genesisFile: String { directory + "/" + Self.genesisName }

    public func home(_ node: Node) -> NodeHome { NodeHome(directory + "/" + node.home) }
    public func logFile(_ node: Node) -> String { home(node).root + "/node.log" }
    public func rpcURL(_ node: Node) -> String { "http://127.0.0.1:\(node.rpc_port)" }
    public func p2pAddress(_ node: Node) -> String { "\(node.node_id)@127.0.0.1:\(node.p2p_port)" }

    /// `path` made absolute (relative to the working directory), `~` expanded, `..` resolved.
    public static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded)
            : URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var result = url.standardizedFileURL.path
        while result.count > 1, result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// The localnet in `directory`, or nil if it holds none (no manifest).
    public static func open(directory: String) throws(LocalnetError) -> Localnet? {
        let root = absolute(directory)
        let path = root + "/" + manifestName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw LocalnetError("\(path) is not a localnet manifest (\(error)); remove \(root) or start with --reset")
        }
        guard manifest.version == 1 else {
            throw LocalnetError("\(path) has version \(manifest.version); this cairn knows version 1")
        }
        return Localnet(directory: root, manifest: manifest)
    }

    func writeJSON<T: Encodable>(_ value: T, to path: String, permissions: Int = 0o644) throws(LocalnetError) {
        try Self.writeJSON(value, to: path, permissions: permissions)
    }

    /// Writes via a temporary file and a rename, so a reader never sees half a file.
    static func writeJSON<T: Encodable>(_ value: T, to path: String, permissions: Int = 0o644) throws(LocalnetError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(value) } catch { throw LocalnetError("cannot encode \(path): \(error)") }
        try writeFile(data + Data("\n".utf8), to: path, permissions: permissions)
    }

    static func writeFile(_ data: Data, to path: String, permissions: Int = 0o644) throws(LocalnetError) {
        let temporary = path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw LocalnetError("cannot write \(path) (is the directory writable?)")
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw LocalnetError("cannot write \(path): rename failed (errno \(errno))")
        }
    }
}
