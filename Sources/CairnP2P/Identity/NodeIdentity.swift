import CairnCrypto
import Crypto
import Foundation

/// The long-lived Ed25519 key that authenticates this node in every handshake. It is distinct
/// from any validator key: losing it only changes the node's `NodeID`.
public struct NodeIdentity: Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey

    public init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// A fresh random identity.
    public static func generate() -> NodeIdentity {
        NodeIdentity(privateKey: Curve25519.Signing.PrivateKey())
    }

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }
    public var nodeID: NodeID { NodeID(publicKey: privateKey.publicKey) }

    /// The key file: `{"type":"ed25519","private_key":"<64 hex digits>"}` (the 32-byte seed).
    private struct KeyFile: Codable {
        var type: String
        var private_key: String
    }

    /// Reads a key file written by `save(path:)`.
    public static func load(path: String) throws(NodeIdentityError) -> NodeIdentity {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        let file: KeyFile
        do { file = try JSONDecoder().decode(KeyFile.self, from: data) } catch {
            throw .malformed(path: path, reason: "not a JSON object with string fields \"type\" and \"private_key\"")
        }
        guard file.type == "ed25519" else {
            throw .malformed(path: path, reason: "type is \"\(file.type)\", expected \"ed25519\"")
        }
        let seed: [UInt8]
        do { seed = try Hex.decode(file.private_key, count: 32) } catch {
            throw .malformed(path: path, reason: "private_key: \(error)")
        }
        do { return NodeIdentity(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: seed)) } catch {
            throw .malformed(path: path, reason: "private_key is not a valid Ed25519 seed")
        }
    }

    /// Writes the key file with permissions 0600 (via a temporary file, then a rename, so a
    /// crash never leaves a half-written key).
    public func save(path: String) throws(NodeIdentityError) {
        let file = KeyFile(type: "ed25519", private_key: Hex.encode(privateKey.rawRepresentation))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(file) else { throw .unwritable(path: path, reason: "encoding failed") }
        let fm = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !fm.fileExists(atPath: directory) {
            do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw .unwritable(path: path, reason: "cannot create \(directory): \(error)")
            }
        }
        let temporary = path + ".tmp"
        try? fm.removeItem(atPath: temporary)
        guard fm.createFile(atPath: temporary, contents: data + Data("\n".utf8),
                            attributes: [.posixPermissions: 0o600]) else {
            throw .unwritable(path: path, reason: "cannot create \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            try? fm.removeItem(atPath: temporary)
            throw .unwritable(path: path, reason: "cannot rename \(temporary) (errno \(errno))")
        }
    }

    /// Loads the key file at `path`, or creates one with a fresh identity if there is none. A file
    /// that exists but is malformed is an error, never silently replaced.
    public static func loadOrCreate(path: String) throws(NodeIdentityError) -> NodeIdentity {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let identity = generate()
        try identity.save(path: path)
        return identity
    }
}

public enum NodeIdentityError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String)
    case malformed(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read the node key file \(path)"
        case .malformed(let path, let reason): "node key file \(path) is malformed: \(reason)"
        case .unwritable(let path, let reason): "cannot write the node key file \(path): \(reason)"
        }
    }
}
