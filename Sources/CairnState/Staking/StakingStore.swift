import CairnCore
import CairnCrypto

/// What the staking rules need of state: typed entries and accounts. `StateOverlay` provides it
/// for block execution; tests use a dictionary.
public protocol StakingStore {
    mutating func get<T: CanonicalDecodable>(_ type: T.Type, _ key: StateKey) throws -> T?
    mutating func set(_ key: StateKey, _ value: some CanonicalEncodable)
    mutating func delete(_ key: StateKey)
    mutating func account(_ address: Address) throws -> Account
    mutating func set(_ address: Address, _ account: Account)
}

extension StakingStore {
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

    /// Adds to a balance; a credit of zero writes nothing (as transfers do).
    mutating func credit(_ address: Address, _ amount: Amount) throws {
        guard amount > 0 else { return }
        var account = try account(address)
        let (sum, overflow) = account.balance.addingReportingOverflow(amount)
        // Supply stays below 2^128 (genesis rule and bounded emission), so this cannot happen.
        guard !overflow else { throw StakingRejection.balanceOverflow(address) }
        account.balance = sum
        set(address, account)
    }
}
