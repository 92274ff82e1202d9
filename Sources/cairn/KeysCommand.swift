import ArgumentParser
import CairnCrypto
import CairnKeyring
import CairnNode
import Foundation

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
                let key = try keyring.unlock(name: name, passphrase: passphrase)
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

extension Keyring {
    /// The keyring of a node home: `<home>/keys`.
    init(home: NodeHome) { self.init(directory: home.keyringDirectory) }
}
