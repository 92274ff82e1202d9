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
