import CairnCrypto
import Foundation

/// A secp256k1 key kept as a JSON file readable by its owner only
/// (`{"address": "0x…", "private_key": "0x…"}`). Used for the validator key and the keyring.
public struct KeyFile: Codable, Sendable {
    public var address: String
    public var private_key: String

    public struct Error: Swift.Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public init(key: PrivateKey) {
        address = key.address.checksummed
        private_key = Hex.prefixed(key.bytes)
    }

    public static func read(_ path: String) throws(Error) -> PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Error(message: "cannot read key file \(path)")
        }
        let file: KeyFile
        do { file = try JSONDecoder().decode(KeyFile.self, from: data) } catch {
            throw Error(message: "\(path) is not a Cairn key file: \(error)")
        }
        let key: PrivateKey
        do { key = try PrivateKey(hex: file.private_key) } catch {
            throw Error(message: "\(path): \(error)")
        }
        guard key.address.checksummed.lowercased() == file.address.lowercased() else {
            throw Error(message: "\(path): the address does not belong to the private key")
        }
        return key
    }

    /// Writes the key with mode 0600, refusing to overwrite an existing file.
    public static func write(_ key: PrivateKey, to path: String) throws(Error) {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: path) else { throw Error(message: "\(path) already exists; not overwriting a key") }
        do {
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(KeyFile(key: key))
            guard fm.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw Error(message: "cannot create \(path)")
            }
        } catch let e as Error {
            throw e
        } catch {
            throw Error(message: "cannot write \(path): \(error)")
        }
    }
}
