import ArgumentParser
import CairnCrypto
import CairnNode
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the local keyring (<home>/keys: one encrypted Web3 Secret Storage v3 keystore per key).",
        discussion: """
            Keys are encrypted under a passphrase (scrypt + AES-128-CTR, the format geth and MetaMask \
            use). The passphrase comes from --passphrase-file, else $CAIRN_PASSPHRASE, else a prompt.
            """,
        subcommands: [Create.self, Import.self, Export.self, List.self, Show.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key from a new BIP-39 mnemonic.")
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "Name of the key.") var name: String
        @Option(help: "Mnemonic length: 12, 15, 18, 21 or 24 words.") var words: Int = 24
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let keyring = Keyring(home: home.nodeHome)
            try keyring.checkFree(name)
            let secret = try passphrase.read(for: "the new key '\(name)'", confirm: true)
            let mnemonic = try Mnemonic.generate(wordCount: words)
            let key = try HDKey(seed: try Mnemonic.seed(words: mnemonic))
                .derive(path: HDKey.ethereumPath(index: 0)).privateKey
            try keyring.save(key, name: name, passphrase: secret)
            if json {
                printJSON(["name": name, "address": key.address.checksummed, "mnemonic": mnemonic.joined(separator: " ")])
            } else {
                print("Created key '\(name)': \(key.address)")
                print("Mnemonic (write it down; it is the only way to recover this key):")
                print("  \(mnemonic.joined(separator: " "))")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a hex private key, a BIP-39 mnemonic (m/44'/60'/0'/0/INDEX) or a v3 keystore file.",
            discussion: """
                A hex key or mnemonic is read from standard input so it stays out of shell history. \
                A keystore (--keystore FILE, e.g. from geth or MetaMask) must open with the passphrase; \
                it is then stored re-encrypted under the same passphrase with the keyring's scrypt cost.
                """)
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "Name of the key.") var name: String
        @Flag(help: "Standard input holds a BIP-39 mnemonic instead of a hex private key.") var mnemonic = false
        @Option(help: "Account index in the derivation path m/44'/60'/0'/0/INDEX.") var index: UInt32 = 0
        @Option(help: "BIP-39 passphrase of the mnemonic (its '25th word'), if it has one; not the keyring passphrase.")
        var mnemonicPassphrase: String = ""
        @Option(help: "Import this Web3 Secret Storage v3 keystore file instead of reading standard input.")
        var keystore: String?

        func validate() throws {
            if keystore != nil && mnemonic { throw ValidationError("--keystore and --mnemonic cannot be combined") }
        }

        func run() throws {
            let keyring = Keyring(home: home.nodeHome)
            try keyring.checkFree(name)
            let key: PrivateKey
            let secret: String
            if let keystore {
                guard let data = FileManager.default.contents(atPath: keystore) else {
                    throw UserError("cannot read the keystore file \(keystore)")
                }
                secret = try passphrase.read(for: "the keystore \(keystore)", confirm: false)
                do { key = try Keystore.decrypt(Array(data), passphrase: secret) } catch {
                    throw UserError("\(keystore): \(error)")
                }
            } else {
                var lines: [String] = []
                while let line = readLine() { lines.append(line) }
                let text = lines.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
                guard !text.isEmpty else { throw UserError("nothing on standard input: pipe the private key or mnemonic in") }
                if mnemonic {
                    let words = text.lowercased().split(separator: " ").map(String.init)
                    try Mnemonic.validate(words)
                    key = try HDKey(seed: try Mnemonic.seed(words: words, passphrase: mnemonicPassphrase))
                        .derive(path: HDKey.ethereumPath(index: index)).privateKey
                } else {
                    key = try PrivateKey(hex: text)
                }
                secret = try passphrase.read(for: "the key '\(name)'", confirm: true)
            }
            try keyring.save(key, name: name, passphrase: secret)
            print("Imported key '\(name)': \(key.address)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a key's encrypted keystore (for geth, MetaMask, …), or its plaintext private key.")
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "Name of the key.") var name: String
        @Flag(help: "Print the raw hex private key instead (after the passphrase). Anyone who sees it owns the funds.")
        var unsafePrintPrivateKey = false

        func run() throws {
            let keyring = Keyring(home: home.nodeHome)
            if unsafePrintPrivateKey {
                let key = try keyring.load(name: name, passphrase: passphrase.read(for: "key '\(name)'", confirm: false))
                print(Hex.prefixed(key.bytes))
            } else {
                print(String(decoding: try keyring.keystore(name: name), as: UTF8.self))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys and their addresses (no passphrase needed).")
        @OptionGroup var home: HomeOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let entries = try Keyring(home: home.nodeHome).list()
            if json {
                printJSON(entries.map { ["name": $0.name, "address": $0.address.checksummed] })
            } else if entries.isEmpty {
                print("No keys in \(home.nodeHome.keyringDirectory). Create one with `cairn keys create NAME`.")
            } else {
                for e in entries { print("\(e.name)\t\(e.address)") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the address of a key (no passphrase needed).")
        @OptionGroup var home: HomeOption
        @Argument(help: "Name of the key.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let address = try Keyring(home: home.nodeHome).address(name: name)
            if json { printJSON(["name": name, "address": address.checksummed]) } else { print(address) }
        }
    }
}

/// Named keys under `<home>/keys`, each a v3 keystore (mode 0600) whose plaintext `address` field
/// lets `list` and `show` work without the passphrase.
struct Keyring {
    let directory: String

    init(home: NodeHome) { directory = home.keyringDirectory }

    /// scrypt N for new keystores: geth's standard 262,144 unless $CAIRN_KEYSTORE_SCRYPT_N says
    /// otherwise (tests use a small N so each key takes milliseconds, not a second).
    static var scryptN: Int {
        get throws {
            guard let text = ProcessInfo.processInfo.environment["CAIRN_KEYSTORE_SCRYPT_N"] else {
                return Keystore.defaultScryptN
            }
            guard let n = Int(text), n >= 2, n <= Keystore.maxScryptN, n & (n - 1) == 0 else {
                throw UserError("CAIRN_KEYSTORE_SCRYPT_N must be a power of two from 2 to \(Keystore.maxScryptN), got '\(text)'")
            }
            return n
        }
    }

    func path(_ name: String) throws -> String {
        let ok = !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard ok else { throw UserError("key names are 1-64 letters, digits, '-' or '_'; got '\(name)'") }
        return directory + "/" + name + ".json"
    }

    /// Fails early, before asking for a passphrase, if the name is bad or taken.
    func checkFree(_ name: String) throws {
        let p = try path(name)
        guard !FileManager.default.fileExists(atPath: p) else {
            throw UserError("a key named '\(name)' already exists (\(p)); choose another name")
        }
    }

    func save(_ key: PrivateKey, name: String, passphrase: String) throws {
        try checkFree(name)
        let p = try path(name)
        let file = try Keystore.encrypt(key, passphrase: passphrase, scryptN: try Self.scryptN)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw UserError("cannot create the keyring directory \(directory): \(error)")
        }
        // O_EXCL: never overwrite a key, even if one appeared since checkFree.
        let fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw UserError("a key named '\(name)' already exists (\(p)); choose another name") }
            throw UserError("cannot create \(p): \(String(cString: strerror(errno)))")
        }
        let written = file.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == file.count, synced else {
            unlink(p)
            throw UserError("cannot write \(p)")
        }
    }

    /// The stored keystore bytes, still encrypted.
    func keystore(name: String) throws -> [UInt8] {
        let p = try path(name)
        guard let data = FileManager.default.contents(atPath: p) else {
            throw UserError("no key named '\(name)' in \(directory); see `cairn keys list`")
        }
        return Array(data)
    }

    func load(name: String, passphrase: String) throws -> PrivateKey {
        let file = try keystore(name: name)
        do { return try Keystore.decrypt(file, passphrase: passphrase) } catch .wrongPassphrase {
            throw UserError("wrong passphrase for key '\(name)'")
        } catch {
            throw UserError(Self.explain(file, path: try path(name), error))
        }
    }

    /// Read from the keystore's `address` field; no passphrase needed.
    func address(name: String) throws -> Address {
        try Self.address(in: try keystore(name: name), path: try path(name))
    }

    func list() throws -> [(name: String, address: Address)] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try files.filter { $0.hasSuffix(".json") }.sorted().map { file in
            let p = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: p) else { throw UserError("cannot read \(p)") }
            return (String(file.dropLast(5)), try Self.address(in: Array(data), path: p))
        }
    }

    private static func address(in file: [UInt8], path: String) throws -> Address {
        let address: Address?
        do { address = try Keystore.address(in: file) } catch { throw UserError(explain(file, path: path, error)) }
        guard let address else { throw UserError("\(path) has no address field; re-import it with `cairn keys import --keystore`") }
        return address
    }

    /// Keyrings written before keys were encrypted hold `{address, private_key}` in plaintext; say
    /// how to move such a key rather than just "not a keystore".
    private static func explain(_ file: [UInt8], path: String, _ error: KeystoreError) -> String {
        if case .missingField("version") = error, String(decoding: file, as: UTF8.self).contains("\"private_key\"") {
            return "\(path) is an unencrypted key file from an older cairn: import its private_key under a new name " +
                "with `cairn keys import NAME`, then delete the file"
        }
        return "\(path): \(error)"
    }
}
