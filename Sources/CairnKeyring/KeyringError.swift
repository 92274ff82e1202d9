import CairnCrypto

/// Why the keyring could not do what was asked. The description is one line for the user; it
/// names the key or file to look at.
public enum KeyringError: Error, Equatable, CustomStringConvertible {
    /// Key names are 1-64 ASCII letters, digits, '-' or '_'.
    case invalidName(String)
    case nameTaken(name: String, path: String)
    case notFound(name: String, directory: String)
    case wrongPassphrase(name: String)
    /// A key file written before keys were encrypted (`{address, private_key}` in plaintext).
    case plaintextKeyFile(path: String)
    /// A keystore without the plaintext `address` field, so its address needs the passphrase.
    case noAddress(path: String)
    case unreadableKeystore(path: String, KeystoreError)
    /// `$CAIRN_KEYSTORE_SCRYPT_N` is not a power of two in range.
    case invalidScryptN(String)
    case encryption(KeystoreError)
    /// A file or directory could not be created, written or read.
    case io(String)

    public var description: String {
        switch self {
        case .invalidName(let name): "key names are 1-64 letters, digits, '-' or '_'; got '\(name)'"
        case .nameTaken(let name, let path): "a key named '\(name)' already exists (\(path)); choose another name"
        case .notFound(let name, let directory): "no key named '\(name)' in \(directory); see `cairn keys list`"
        case .wrongPassphrase(let name): "wrong passphrase for key '\(name)'"
        case .plaintextKeyFile(let path):
            "\(path) is an unencrypted key file from an older cairn: import its private_key under a new name " +
                "with `cairn keys import NAME`, then delete the file"
        case .noAddress(let path): "\(path) has no address field; re-import it with `cairn keys import --keystore`"
        case .unreadableKeystore(let path, let error): "\(path): \(error)"
        case .invalidScryptN(let text):
            "CAIRN_KEYSTORE_SCRYPT_N must be a power of two from 2 to \(Keystore.maxScryptN), got '\(text)'"
        case .encryption(let error): "\(error)"
        case .io(let message): message
        }
    }
}
