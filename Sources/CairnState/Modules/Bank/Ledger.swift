import CairnCore
import CairnCrypto

/// Balances and the supply record: the ledger every module moves tokens through (bank's
/// namespaces 0x01 and 0x12, Specs/modules/bank.md). Nothing else writes an account's balance.
extension StateOverlay {
    public mutating func account(_ address: Address) throws -> Account {
        try get(Account.self, .account(address)) ?? .empty
    }

    public mutating func set(_ address: Address, _ account: Account) {
        set(.account(address), account)
    }

    /// Adds to a balance; a credit of zero writes nothing.
    public mutating func credit(_ address: Address, _ amount: Amount) throws {
        guard amount > 0 else { return }
        var account = try account(address)
        let (sum, overflow) = account.balance.addingReportingOverflow(amount)
        // Supply stays below 2^128 (genesis rule, bounded emission), so this cannot happen on a valid chain.
        guard !overflow else { throw BankRejection.balanceOverflow(address) }
        account.balance = sum
        set(address, account)
    }

    /// Takes from a balance; throws when it holds less.
    public mutating func debit(_ address: Address, _ amount: Amount) throws {
        guard amount > 0 else { return }
        var account = try account(address)
        guard account.balance >= amount else {
            throw BankRejection.insufficientBalance(address, needed: amount, available: account.balance)
        }
        account.balance -= amount
        set(address, account)
    }

    public mutating func move(_ amount: Amount, from: Address, to: Address) throws {
        try debit(from, amount)
        try credit(to, amount)
    }

    /// Creates `amount` new base units in `address`'s balance.
    public mutating func mint(_ amount: Amount, to address: Address) throws {
        guard amount > 0 else { return }
        var supply = try self.supply()
        let (total, o1) = supply.total.addingReportingOverflow(amount)
        let (minted, o2) = supply.minted.addingReportingOverflow(amount)
        guard !o1, !o2 else { throw BankRejection.supplyOverflow }
        supply.total = total
        supply.minted = minted
        set(SupplyRecord.key, supply)
        try credit(address, amount)
    }

    /// Records the destruction of `amount` base units a module held outside any balance (stake
    /// slashed away); `burn(_:from:)` destroys a balance's.
    public mutating func recordBurn(_ amount: Amount) throws {
        guard amount > 0 else { return }
        var supply = try self.supply()
        guard supply.total >= amount else { throw BankRejection.supplyUnderflow }
        supply.total -= amount
        supply.burned += amount
        set(SupplyRecord.key, supply)
    }

    /// Counts tokens a module created at genesis outside any balance (genesis stake) in the supply.
    public mutating func recordGenesisSupply(_ amount: Amount) throws {
        var supply = try self.supply()
        let (total, overflow) = supply.total.addingReportingOverflow(amount)
        guard !overflow else { throw BankRejection.supplyOverflow }
        supply.total = total
        set(SupplyRecord.key, supply)
    }

    public mutating func burn(_ amount: Amount, from address: Address) throws {
        try debit(address, amount)
        try recordBurn(amount)
    }

    public mutating func supply() throws -> SupplyRecord {
        try get(SupplyRecord.self, SupplyRecord.key) ?? SupplyRecord()
    }
}

extension StateView {
    public func supply() throws -> SupplyRecord {
        try get(SupplyRecord.self, SupplyRecord.key) ?? SupplyRecord()
    }
}
