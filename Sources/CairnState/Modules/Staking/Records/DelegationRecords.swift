import CairnCore
import CairnCrypto

/// A delegator's shares of one validator, and the validator's reward-per-share value when its
/// rewards were last settled.
public struct DelegationRecord: Sendable, Hashable, CanonicalCodable {
    public var shares: UInt128
    public var rewardStart: UInt128

    public init(shares: UInt128, rewardStart: UInt128) {
        self.shares = shares
        self.rewardStart = rewardStart
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: shares)
        writer.write(varint: rewardStart)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        shares = try reader.readVarint128("delegation.shares")
        rewardStart = try reader.readVarint128("delegation.reward_start")
    }
}

/// Tokens on their way out of a validator (undelegated) or moved to another one (redelegated),
/// still answerable for the validator's misbehaviour until `completionHeight`.
public struct PendingEntry: Sendable, Hashable, CanonicalCodable {
    public var creationHeight: UInt64
    public var completionHeight: UInt64
    /// Amount when created: slashing takes its fraction of this.
    public var initialAmount: Amount
    /// For an unbonding entry, what is left to pay out; for a redelegation, what is left to slash.
    public var balance: Amount

    public init(creationHeight: UInt64, completionHeight: UInt64, initialAmount: Amount, balance: Amount) {
        self.creationHeight = creationHeight
        self.completionHeight = completionHeight
        self.initialAmount = initialAmount
        self.balance = balance
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: creationHeight)
        writer.write(varint: completionHeight)
        writer.write(varint: initialAmount)
        writer.write(varint: balance)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        creationHeight = try reader.readVarint("entry.creation_height")
        completionHeight = try reader.readVarint("entry.completion_height")
        initialAmount = try reader.readVarint128("entry.initial_amount")
        balance = try reader.readVarint128("entry.balance")
    }
}

/// The entries of one (delegator, validator) unbonding or (delegator, source, destination)
/// redelegation, oldest first.
public struct PendingEntries: Sendable, Hashable, CanonicalCodable {
    public var entries: [PendingEntry]

    public static let maxEntries = 64

    public init(_ entries: [PendingEntry]) { self.entries = entries }

    public func encode(to writer: inout CanonicalWriter) { writer.write(list: entries) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        entries = try reader.readList("pending.entries", limit: Self.maxEntries)
    }
}

/// A sorted list of addresses without duplicates: an index record.
public struct AddressList: Sendable, Hashable, CanonicalCodable {
    public private(set) var addresses: [Address]

    public init(_ addresses: [Address] = []) { self.addresses = Array(Set(addresses)).sorted() }

    public var count: Int { addresses.count }
    public func contains(_ a: Address) -> Bool { position(a).found }

    /// Returns false when already present.
    @discardableResult
    public mutating func insert(_ a: Address) -> Bool {
        let (index, found) = position(a)
        if found { return false }
        addresses.insert(a, at: index)
        return true
    }

    public mutating func remove(_ a: Address) {
        let (index, found) = position(a)
        if found { addresses.remove(at: index) }
    }

    private func position(_ a: Address) -> (index: Int, found: Bool) {
        var low = 0, high = addresses.count
        while low < high {
            let mid = (low + high) / 2
            if addresses[mid] < a { low = mid + 1 } else { high = mid }
        }
        return (low, low < addresses.count && addresses[low] == a)
    }

    public func encode(to writer: inout CanonicalWriter) { writer.write(list: addresses) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let list: [Address] = try reader.readList("address_list", limit: StakingParameters.maxListLength)
        for (a, b) in zip(list, list.dropFirst()) where !(a < b) {
            throw .invalidValue(field: "address_list", reason: "addresses must be strictly increasing")
        }
        addresses = list
    }
}

/// Two addresses, as an index element: (delegator, destination) or (source, destination).
public struct AddressPair: Sendable, Hashable, Comparable, CanonicalCodable {
    public var first: Address
    public var second: Address

    public init(_ first: Address, _ second: Address) {
        self.first = first
        self.second = second
    }

    public static func < (a: AddressPair, b: AddressPair) -> Bool {
        a.first != b.first ? a.first < b.first : a.second < b.second
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: first)
        writer.write(address: second)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        first = try reader.readAddress("pair.first")
        second = try reader.readAddress("pair.second")
    }
}

/// A sorted list of address pairs without duplicates: an index record.
public struct AddressPairList: Sendable, Hashable, CanonicalCodable {
    public private(set) var pairs: [AddressPair]

    public init(_ pairs: [AddressPair] = []) { self.pairs = Array(Set(pairs)).sorted() }

    public var count: Int { pairs.count }
    public func contains(_ p: AddressPair) -> Bool { pairs.contains(p) }

    @discardableResult
    public mutating func insert(_ p: AddressPair) -> Bool {
        guard !pairs.contains(p) else { return false }
        pairs.insert(p, at: pairs.firstIndex(where: { p < $0 }) ?? pairs.count)
        return true
    }

    public mutating func remove(_ p: AddressPair) { pairs.removeAll { $0 == p } }

    public func encode(to writer: inout CanonicalWriter) { writer.write(list: pairs) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let list: [AddressPair] = try reader.readList("pair_list", limit: StakingParameters.maxListLength)
        for (a, b) in zip(list, list.dropFirst()) where !(a < b) {
            throw .invalidValue(field: "pair_list", reason: "pairs must be strictly increasing")
        }
        pairs = list
    }
}
