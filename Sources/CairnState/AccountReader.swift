import CairnCore
import CairnCrypto
import CairnStorage

/// Read access to committed account state. Accounts never written read as `Account.empty`.
public protocol AccountReader: Sendable {
    func account(_ address: Address) throws -> Account
}

/// Read access to every committed state entry, for executing blocks.
public protocol StateReader: AccountReader {
    /// The committed encoding of `key`'s entry; nil when absent.
    func value(at key: StateKey) throws -> [UInt8]?
}

extension ChainDatabase: StateReader {
    public func value(at key: StateKey) throws -> [UInt8]? { try entry(key) }
}

/// Committed state in key order, for paginated queries. Only the latest committed state can be
/// listed: historical state is reached through the tree, one proven key at a time.
public protocol StateScanner: Sendable {
    /// Entries of `namespace` whose key (without the namespace byte) starts with `prefix` and is
    /// at least `from` (none: from the first), in key order, at most `limit`.
    func entries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])]
    /// The same over the node index (`StateOverlay.index`), which only the latest state has.
    func indexEntries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])]
}
