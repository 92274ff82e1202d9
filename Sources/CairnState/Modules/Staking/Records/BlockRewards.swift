import CairnCore

/// What one block paid from the staking reward pool, and the power of the signers it paid
/// (Specs/staking.md §7.1): a node index entry.
public struct BlockRewards: Sendable, Hashable, CanonicalCodable {
    public var paid: Amount
    public var signedPower: UInt128

    public init(paid: Amount, signedPower: UInt128) {
        self.paid = paid
        self.signedPower = signedPower
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: paid)
        writer.write(varint: signedPower)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        paid = try reader.readVarint128("block_rewards.paid")
        signedPower = try reader.readVarint128("block_rewards.signed_power")
    }
}
