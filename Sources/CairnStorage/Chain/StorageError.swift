import CairnCore
import CairnCrypto

/// Failures of the chain database above LevelDB itself.
public enum StorageError: Error, CustomStringConvertible {
    case leveldb(LevelDBError)
    /// A stored record does not decode: the data dir is damaged.
    case corrupt(what: String, reason: String)
    case genesisMismatch(stored: Hash32, given: Hash32)
    case notInitialized(path: String)
    case alreadyInitialized(path: String)
    case notNextHeight(tip: UInt64, got: UInt64)
    /// A block handed to `commit` does not fit the chain or its own state changes.
    case inconsistentBlock(String)
    /// The directory holds a chain written by an earlier build with blocks keyed by id.
    case olderLayout(path: String)

    public var description: String {
        switch self {
        case .leveldb(let e): "\(e)"
        case .corrupt(let what, let reason): "the data directory is damaged: \(what) does not decode (\(reason))"
        case .genesisMismatch(let stored, let given):
            "this data directory belongs to the chain with genesis \(stored), but the genesis given hashes to \(given); use the genesis file it was created with, or another --home"
        case .notInitialized(let path): "no chain data in \(path): run `cairn init` first"
        case .alreadyInitialized(let path): "\(path) already holds a chain"
        case .notNextHeight(let tip, let got): "cannot commit height \(got) on top of height \(tip)"
        case .inconsistentBlock(let reason): "refusing to commit the block: \(reason)"
        case .olderLayout(let path):
            "\(path) holds a chain in an older storage layout (blocks keyed by id, Specs/storage.md §1 now keys them by height); sync the chain again into a new --home"
        }
    }
}
