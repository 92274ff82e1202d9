import ArgumentParser
import CairnCrypto
import CairnNode
import Foundation

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the local keyring (<home>/keys, one file per key, readable by you only).",
        subcommands: [Create.self, Import.self, List.self, Show.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key from a new BIP-39 mnemonic.")
        @OptionGroup var home: HomeOption
        @Argument(help: "Name of the key.") var name: String
        @Option(help: "Mnemonic length: 12, 15, 18, 21 or 24 words.") var words: Int = 24
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let keyring = Keyring(home: home.nodeHome)
            let mnemonic = try Mnemonic.generate(wordCount: words)
            let key = try HDKey(seed: try Mnemonic.seed(words: mnemonic))
                .derive(path: HDKey.ethereumPath(index: 0)).privateKey
            try keyring.save(key, name: name)
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
            abstract: "Import a key from a hex private key or a BIP-39 mnemonic (m/44'/60'/0'/0/INDEX).",
            discussion: "The secret is read from standard input so it stays out of shell history.")
        @OptionGroup var home: HomeOption
        @Argument(help: "Name of the key.") var name: String
        @Flag(help: "Standard input holds a BIP-39 mnemonic instead of a hex private key.") var mnemonic = false
        @Option(help: "Account index in the derivation path m/44'/60'/0'/0/INDEX.") var index: UInt32 = 0
        @Option(help: "BIP-39 passphrase, if the mnemonic has one.") var passphrase: String = ""

        func run() throws {
            var lines: [String] = []
            while let line = readLine() { lines.append(line) }
            let secret = lines.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard !secret.isEmpty else { throw UserError("nothing on standard input: pipe the private key or mnemonic in") }
            let key: PrivateKey
            if mnemonic {
                let words = secret.lowercased().split(separator: " ").map(String.init)
                try Mnemonic.validate(words)
                key = try HDKey(seed: try Mnemonic.seed(words: words, passphrase: passphrase))
                    .derive(path: HDKey.ethereumPath(index: index)).privateKey
            } else {
                key = try PrivateKey(hex: secret)
            }
            try Keyring(home: home.nodeHome).save(key, name: name)
            print("Imported key '\(name)': \(key.address)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys and their addresses.")
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
        static let configuration = CommandConfiguration(abstract: "Show the address of a key.")
        @OptionGroup var home: HomeOption
        @Argument(help: "Name of the key.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let key = try Keyring(home: home.nodeHome).load(name: name)
            if json { printJSON(["name": name, "address": key.address.checksummed]) } else { print(key.address) }
        }
    }
}

/// Named keys under `<home>/keys`.
struct Keyring {
    let directory: String

    init(home: NodeHome) { directory = home.keyringDirectory }

    func path(_ name: String) throws -> String {
        let ok = !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard ok else { throw UserError("key names are 1-64 letters, digits, '-' or '_'; got '\(name)'") }
        return directory + "/" + name + ".json"
    }

    func save(_ key: PrivateKey, name: String) throws {
        let p = try path(name)
        guard !FileManager.default.fileExists(atPath: p) else {
            throw UserError("a key named '\(name)' already exists (\(p)); choose another name")
        }
        try KeyFile.write(key, to: p)
    }

    func load(name: String) throws -> PrivateKey {
        let p = try path(name)
        guard FileManager.default.fileExists(atPath: p) else {
            throw UserError("no key named '\(name)' in \(directory); see `cairn keys list`")
        }
        return try KeyFile.read(p)
    }

    func list() throws -> [(name: String, address: Address)] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try files.filter { $0.hasSuffix(".json") }.sorted().map { file in
            let name = String(file.dropLast(5))
            return (name, try KeyFile.read(directory + "/" + file).address)
        }
    }
}
