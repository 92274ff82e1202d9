import CairnCrypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Named keys under `<home>/keys`, each a v3 keystore (mode 0600) whose plaintext `address` field
/// lets `list` and `show` work without the passphrase.
public struct Keyring: Sendable {
    public let directory: String
    /// scrypt N for new keystores when given; otherwise `Keyring.scryptN`.
    private let fixedScryptN: Int?

    /// - Parameters:
    ///   - directory: where the keystores are (a node home's `keys`); created on the first save.
    ///   - scryptN: scrypt N for new keystores instead of `Keyring.scryptN`.
    public init(directory: String, scryptN: Int? = nil) {
        self.directory = directory
        self.fixedScryptN = scryptN
    }

    /// scrypt N for new keystores: geth's standard 262,144 unless $CAIRN_KEYSTORE_SCRYPT_N says
    /// otherwise (tests use a small N so each key takes milliseconds, not a second).
    public static var scryptN: Int {
        get throws(KeyringError) {
            guard let text = ProcessInfo.processInfo.environment["CAIRN_KEYSTORE_SCRYPT_N"] else {
                return Keystore.defaultScryptN
            }
            guard let n = Int(text), n >= 2, n <= Keystore.maxScryptN, n & (n - 1) == 0 else {
                throw .invalidScryptN(text)
            }
            return n
        }
    }

    public func path(_ name: String) throws(KeyringError) -> String {
        let ok = !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard ok else { throw .invalidName(name) }
        return directory + "/" + name + ".json"
    }

    /// Fails early, before asking for a passphrase, if the name is bad or taken.
    public func checkFree(_ name: String) throws(KeyringError) {
        let p = try path(name)
        guard !FileManager.default.fileExists(atPath: p) else {
            throw .nameTaken(name: name, path: p)
        }
    }

    public func save(_ key: PrivateKey, name: String, passphrase: String) throws(KeyringError) {
        try checkFree(name)
        let p = try path(name)
        let scryptN: Int
        if let fixedScryptN { scryptN = fixedScryptN } else { scryptN = try Self.scryptN }
        let file: [UInt8]
        do { file = try Keystore.encrypt(key, passphrase: passphrase, scryptN: scryptN) } catch { throw .encryption(error) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io("cannot create the keyring directory \(directory): \(error)")
        }
        // O_EXCL: never overwrite a key, even if one appeared since checkFree.
        let fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .nameTaken(name: name, path: p) }
            throw .io("cannot create \(p): \(String(cString: strerror(errno)))")
        }
        let written = file.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == file.count, synced else {
            unlink(p)
            throw .io("cannot write \(p)")
        }
    }

    /// The stored keystore bytes, still encrypted.
    public func keystore(name: String) throws(KeyringError) -> [UInt8] {
        let p = try path(name)
        guard let data = FileManager.default.contents(atPath: p) else {
            throw .notFound(name: name, directory: directory)
        }
        return Array(data)
    }

    public func load(name: String, passphrase: String) throws(KeyringError) -> PrivateKey {
        let file = try keystore(name: name)
        do { return try Keystore.decrypt(file, passphrase: passphrase) } catch .wrongPassphrase {
            throw .wrongPassphrase(name: name)
        } catch {
            throw Self.explain(file, path: try path(name), error)
        }
    }

    /// Read from the keystore's `address` field; no passphrase needed.
    public func address(name: String) throws(KeyringError) -> Address {
        try Self.address(in: try keystore(name: name), path: try path(name))
    }

    public func list() throws(KeyringError) -> [(name: String, address: Address)] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try files.filter { $0.hasSuffix(".json") }.sorted().map { (file) throws(KeyringError) in
            let p = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: p) else { throw .io("cannot read \(p)") }
            return (String(file.dropLast(5)), try Self.address(in: Array(data), path: p))
        }
    }

    private static func address(in file: [UInt8], path: String) throws(KeyringError) -> Address {
        let address: Address?
        do { address = try Keystore.address(in: file) } catch { throw explain(file, path: path, error) }
        guard let address else { throw .noAddress(path: path) }
        return address
    }

    /// Keyrings written before keys were encrypted hold `{address, private_key}` in plaintext; say
    /// how to move such a key rather than just "not a keystore".
    private static func explain(_ file: [UInt8], path: String, _ error: KeystoreError) -> KeyringError {
        if case .missingField("version") = error, String(decoding: file, as: UTF8.self).contains("\"private_key\"") {
            return .plaintextKeyFile(path: path)
        }
        return .unreadableKeystore(path: path, error)
    }
}
