/// Consensus parameters fixed at genesis (governance will change them later).
public struct ChainParameters: Sendable, Hashable, CanonicalCodable {
    /// Most transactions one block may carry.
    public var maxBlockTransactions: UInt64
    /// Most bytes of encoded transactions one block may carry.
    public var maxBlockBytes: UInt64
    /// Smallest fee, in base units, a transaction must pay.
    public var minTransactionFee: Amount
    /// Validators, delegation, rewards and slashing (Specs/staking.md §8).
    public var staking: StakingParameters

    public init(maxBlockTransactions: UInt64 = 10_000, maxBlockBytes: UInt64 = 4 * 1024 * 1024,
                minTransactionFee: Amount = 0, staking: StakingParameters = StakingParameters()) {
        self.maxBlockTransactions = maxBlockTransactions
        self.maxBlockBytes = maxBlockBytes
        self.minTransactionFee = minTransactionFee
        self.staking = staking
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: maxBlockTransactions)
        writer.write(varint: maxBlockBytes)
        writer.write(varint: minTransactionFee)
        writer.write(staking)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        maxBlockTransactions = try reader.readVarint("params.max_block_transactions")
        maxBlockBytes = try reader.readVarint("params.max_block_bytes")
        minTransactionFee = try reader.readVarint128("params.min_transaction_fee")
        staking = try reader.read(StakingParameters.self)
    }
}
