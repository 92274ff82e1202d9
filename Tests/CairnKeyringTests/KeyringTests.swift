import CairnCrypto
import CairnKeyring
import Foundation
import Testing

/// The keyring library on its own: named v3 keystores in a directory, without the CLI around it.
@Suite struct KeyringTests {
    /// A small scrypt N, so each key takes milliseconds.
    static let fastN = 16
    static let alice = try! PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
    static let bob = try! PrivateKey(hex: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a")

    /// A keyring in a fresh directory that does not exist yet; removed by `body`'s end.
    func withKeyring(_ body: (Keyring) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "cairn-keyring-\(UInt64.random(in: 0...UInt64.max))/keys"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        try body(Keyring(directory: directory, scryptN: Self.fastN))
    }

    @Test func createdKeyIsAnEncryptedOwnerOnlyKeystore() throws {
        try withKeyring { keyring in
            let key = PrivateKey.generate()
            try keyring.save(key, name: "alice", passphrase: "correct horse")
            let path = try keyring.path("alice")
            #expect(path == keyring.directory + "/alice.json")
            let fm = FileManager.default
            #expect(try fm.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
            #expect(try fm.attributesOfItem(atPath: keyring.directory)[.posixPermissions] as? Int == 0o700)
            let text = String(decoding: try keyring.keystore(name: "alice"), as: UTF8.self)
            #expect(!text.contains(Hex.encode(key.bytes)), "no plaintext key on disk")
            #expect(try Keystore.address(in: Array(text.utf8)) == key.address)
            #expect(try keyring.load(name: "alice", passphrase: "correct horse") == key)
        }
    }

    @Test func importedKeyComesBackAndIsNeverOverwritten() throws {
        try withKeyring { keyring in
            try keyring.save(Self.alice, name: "alice", passphrase: "pw")
            let taken = KeyringError.nameTaken(name: "alice", path: try keyring.path("alice"))
            #expect(throws: taken) { try keyring.checkFree("alice") }
            #expect(throws: taken) { try keyring.save(Self.bob, name: "alice", passphrase: "pw") }
            #expect(try keyring.load(name: "alice", passphrase: "pw") == Self.alice)
        }
    }

    @Test func exportedKeystoreOpensElsewhereWithThePassphrase() throws {
        try withKeyring { keyring in
            try keyring.save(Self.bob, name: "bob", passphrase: "pw")
            let exported = try keyring.keystore(name: "bob")
            #expect(try Keystore.decrypt(exported, passphrase: "pw") == Self.bob)
        }
    }

    @Test func listAndShowNeedNoPassphrase() throws {
        try withKeyring { keyring in
            #expect(try keyring.list().isEmpty, "a keyring whose directory does not exist yet is empty")
            try keyring.save(Self.bob, name: "bob", passphrase: "one")
            try keyring.save(Self.alice, name: "alice", passphrase: "two")
            let entries = try keyring.list()
            #expect(entries.map(\.name) == ["alice", "bob"])
            #expect(entries.map(\.address) == [Self.alice.address, Self.bob.address])
            #expect(try keyring.address(name: "bob") == Self.bob.address)
        }
    }

    @Test func wrongPassphraseNamesTheKey() throws {
        try withKeyring { keyring in
            try keyring.save(Self.alice, name: "alice", passphrase: "right")
            #expect(throws: KeyringError.wrongPassphrase(name: "alice")) {
                try keyring.load(name: "alice", passphrase: "wrong")
            }
            #expect("\(KeyringError.wrongPassphrase(name: "alice"))" == "wrong passphrase for key 'alice'")
        }
    }

    @Test func plaintextKeyFileOfAnOlderCairnSaysHowToMoveIt() throws {
        try withKeyring { keyring in
            try FileManager.default.createDirectory(atPath: keyring.directory, withIntermediateDirectories: true)
            let path = try keyring.path("old")
            let legacy = #"{"address": "\#(Self.alice.address.checksummed)", "private_key": "\#(Hex.prefixed(Self.alice.bytes))"}"#
            #expect(FileManager.default.createFile(atPath: path, contents: Data(legacy.utf8)))
            #expect(throws: KeyringError.plaintextKeyFile(path: path)) { try keyring.address(name: "old") }
            #expect(throws: KeyringError.plaintextKeyFile(path: path)) { try keyring.load(name: "old", passphrase: "pw") }
            #expect(throws: KeyringError.plaintextKeyFile(path: path)) { try keyring.list() }
            #expect("\(KeyringError.plaintextKeyFile(path: path))" ==
                "\(path) is an unencrypted key file from an older cairn: import its private_key under a new name " +
                "with `cairn keys import NAME`, then delete the file")
        }
    }

    @Test func otherBadFilesAreNamed() throws {
        try withKeyring { keyring in
            try FileManager.default.createDirectory(atPath: keyring.directory, withIntermediateDirectories: true)
            let path = try keyring.path("junk")
            #expect(FileManager.default.createFile(atPath: path, contents: Data("not json".utf8)))
            #expect {
                try keyring.address(name: "junk")
            } throws: { error in
                guard case .unreadableKeystore(let p, _)? = error as? KeyringError else { return false }
                return p == path && "\(error)".hasPrefix(path + ": ")
            }
        }
    }

    @Test(arguments: ["", "a b", "../escape", "dot.name", "ünï", String(repeating: "k", count: 65)])
    func badNamesAreRefusedBeforeAnyFileIsTouched(name: String) throws {
        try withKeyring { keyring in
            #expect(throws: KeyringError.invalidName(name)) { try keyring.save(Self.alice, name: name, passphrase: "pw") }
            #expect(!FileManager.default.fileExists(atPath: keyring.directory))
        }
    }

    @Test func goodNamesAreAccepted() throws {
        try withKeyring { keyring in
            for name in ["a", "Key-1_b", String(repeating: "k", count: 64)] {
                try keyring.checkFree(name)
            }
        }
    }

    @Test func aMissingKeyPointsAtTheList() throws {
        try withKeyring { keyring in
            #expect(throws: KeyringError.notFound(name: "nobody", directory: keyring.directory)) {
                try keyring.address(name: "nobody")
            }
            #expect("\(KeyringError.notFound(name: "nobody", directory: "/k"))" == "no key named 'nobody' in /k; see `cairn keys list`")
        }
    }
}
