import CairnCore

/// The chain's token supply (bank, namespace 0x12, key empty). Invariant, checked by the tests
/// after every block: total = every balance + what modules hold outside balances (staking's
/// bonded and unbonding tokens and its delegators' pending rewards).
public struct SupplyRecord: Sendable, Hashable, CanonicalCodable {
    public var total: Amount
    /// Created since genesis by emission (genesis allocations and stake not included).
    public var minted: Amount
    /// Destroyed since genesis (slashing, burns).
    public var burned: Amount

    public static let namespace: UInt8 = 0x12
    public static let key = StateKey(namespace: namespace, key: [])

    public init(total: Amount = 0, minted: Amount = 0, burned: Amount = 0) {
        self.total = total
        self.minted = minted
        self.burned = burned
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: total)
        writer.write(varint: minted)
        writer.write(varint: burned)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        total = try reader.readVarint128("supply.total")
        minted = try reader.readVarint128("supply.minted")
        burned = try reader.readVarint128("supply.burned")
    }
}
