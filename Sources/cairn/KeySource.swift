import ArgumentParser
import CairnCrypto
import CairnKeyring
import CairnNode

extension Keyring {
    /// Opens a named key with the passphrase. The name is looked up first, so a typo fails
    /// before the passphrase prompt rather than after it.
    func unlock(name: String, passphrase: PassphraseOptions) throws -> PrivateKey {
        _ = try address(name: name)
        return try load(name: name, passphrase: passphrase.read(for: "key '\(name)'", confirm: false))
    }
}

/// A private key named on the command line either way a key can be kept: a keyring entry
/// (encrypted, for people) or a plaintext key file (for machines that sign unattended, like a
/// validator or a hotspot). Each role has its own pair of flags, so messages name the flag.
struct KeyChoice {
    let name: String?
    let file: String?
    let nameFlag: String
    let fileFlag: String

    func check() throws {
        guard (name == nil) != (file == nil) else {
            throw ValidationError("give exactly one of \(nameFlag) NAME (a keyring key) and \(fileFlag) FILE (a key file)")
        }
    }

    func load(home: HomeOption, passphrase: PassphraseOptions) throws -> PrivateKey {
        try check()
        if let name { return try Keyring(home: home.nodeHome).unlock(name: name, passphrase: passphrase) }
        do { return try KeyFile.read(file ?? "") } catch { throw UserError("\(fileFlag): \(error)") }
    }
}
