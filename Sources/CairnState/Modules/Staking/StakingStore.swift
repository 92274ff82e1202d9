import CairnCore
import CairnCrypto

/// What the staking queries need of state: typed entries, read only. `StateView` provides it
/// for RPC, `StateOverlay` for block execution.
public protocol StakingReader {
    mutating func get<T: CanonicalDecodable>(_ type: T.Type, _ key: StateKey) throws -> T?
}

/// What the staking rules need of state: typed entries and the ledger.
public protocol StakingStore: StakingReader {
    mutating func set(_ key: StateKey, _ value: some CanonicalEncodable)
    mutating func delete(_ key: StateKey)
    mutating func credit(_ address: Address, _ amount: Amount) throws
    mutating func debit(_ address: Address, _ amount: Amount) throws
    mutating func account(_ address: Address) throws -> Account
    /// Stake destroyed by slashing leaves the supply.
    mutating func recordBurn(_ amount: Amount) throws
}

extension StakingReader {
    mutating func validatorRecord(_ consensus: Address) throws -> ValidatorRecord? {
        try get(ValidatorRecord.self, .validator(consensus))
    }

    mutating func globals() throws -> StakingGlobals {
        try get(StakingGlobals.self, .stakingGlobals) ?? StakingGlobals()
    }

    mutating func addressList(_ key: StateKey) throws -> AddressList {
        try get(AddressList.self, key) ?? AddressList()
    }

    mutating func pairList(_ key: StateKey) throws -> AddressPairList {
        try get(AddressPairList.self, key) ?? AddressPairList()
    }

    mutating func pending(_ key: StateKey) throws -> [PendingEntry] {
        try get(PendingEntries.self, key)?.entries ?? []
    }
}

extension StakingStore {
    /// Writes a list record, or deletes it when empty, so no empty index stays in the state.
    mutating func put(_ key: StateKey, _ list: AddressList) {
        if list.count == 0 { delete(key) } else { set(key, list) }
    }

    mutating func put(_ key: StateKey, _ list: AddressPairList) {
        if list.count == 0 { delete(key) } else { set(key, list) }
    }

    mutating func put(_ key: StateKey, _ entries: [PendingEntry]) {
        if entries.isEmpty { delete(key) } else { set(key, PendingEntries(entries)) }
    }
}
