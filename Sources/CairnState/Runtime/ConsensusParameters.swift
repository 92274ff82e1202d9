import CairnCore

/// The runtime's own parameters record "consensus" (Specs/runtime.md §4.1): block limits, the
/// minimum fee and mempool expiry. Read from state at every block; the mempool and the
/// proposer's reap limits refresh from it after each commit.
public struct ConsensusParameters: TabularParameters {
    /// Most transactions one block may carry.
    public var maxBlockTransactions: UInt64
    /// Most bytes of encoded transactions one block may carry.
    public var maxBlockBytes: UInt64
    /// Smallest fee, in base units, a transaction must pay.
    public var minTransactionFee: Amount
    /// Blocks a transaction may wait in a mempool before it is dropped as expired.
    public var mempoolExpiryBlocks: UInt64
    /// Most attestations one block may carry (they pay no fee: this bounds their share of a block).
    public var maxBlockAttestations: UInt64
    /// Most bytes of encoded attestations one block may carry.
    public var maxBlockAttestationBytes: UInt64

    public static let name = "consensus"

    public init(maxBlockTransactions: UInt64 = 10_000, maxBlockBytes: UInt64 = 4 * 1024 * 1024,
                minTransactionFee: Amount = 0, mempoolExpiryBlocks: UInt64 = 600,
                maxBlockAttestations: UInt64 = 2_000, maxBlockAttestationBytes: UInt64 = 4 * 1024 * 1024) {
        self.maxBlockTransactions = maxBlockTransactions
        self.maxBlockBytes = maxBlockBytes
        self.minTransactionFee = minTransactionFee
        self.mempoolExpiryBlocks = mempoolExpiryBlocks
        self.maxBlockAttestations = maxBlockAttestations
        self.maxBlockAttestationBytes = maxBlockAttestationBytes
    }

    public static var defaults: ConsensusParameters { ConsensusParameters() }

    public static var fields: [ParameterField<ConsensusParameters>] {
        [.integer("max_block_transactions", \.maxBlockTransactions), .integer("max_block_bytes", \.maxBlockBytes),
         .amount("min_transaction_fee", \.minTransactionFee), .integer("mempool_expiry_blocks", \.mempoolExpiryBlocks),
         .integer("max_block_attestations", \.maxBlockAttestations),
         .integer("max_block_attestation_bytes", \.maxBlockAttestationBytes)]
    }

    public var problem: ParameterProblem? {
        if maxBlockTransactions < 1 || maxBlockTransactions > UInt64(Block.maxTransactions) {
            return ParameterProblem(field: "max_block_transactions", "must be 1 to \(Block.maxTransactions)")
        }
        if maxBlockBytes < UInt64(Transaction.maxEncodedBytes) || maxBlockBytes > 64 << 20 {
            return ParameterProblem(field: "max_block_bytes", "must be \(Transaction.maxEncodedBytes) to \(64 << 20)")
        }
        if mempoolExpiryBlocks < 1 { return ParameterProblem(field: "mempool_expiry_blocks", "must be at least 1") }
        if maxBlockAttestations > UInt64(Block.maxAttestations) {
            return ParameterProblem(field: "max_block_attestations", "must be 0 to \(Block.maxAttestations)")
        }
        if maxBlockAttestationBytes < UInt64(Attestation.maxEncodedBytes) || maxBlockAttestationBytes > 64 << 20 {
            return ParameterProblem(field: "max_block_attestation_bytes", "must be \(Attestation.maxEncodedBytes) to \(64 << 20)")
        }
        return nil
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: maxBlockTransactions)
        writer.write(varint: maxBlockBytes)
        writer.write(varint: minTransactionFee)
        writer.write(varint: mempoolExpiryBlocks)
        writer.write(varint: maxBlockAttestations)
        writer.write(varint: maxBlockAttestationBytes)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        maxBlockTransactions = try reader.readVarint("consensus.max_block_transactions")
        maxBlockBytes = try reader.readVarint("consensus.max_block_bytes")
        minTransactionFee = try reader.readVarint128("consensus.min_transaction_fee")
        mempoolExpiryBlocks = try reader.readVarint("consensus.mempool_expiry_blocks")
        maxBlockAttestations = try reader.readVarint("consensus.max_block_attestations")
        maxBlockAttestationBytes = try reader.readVarint("consensus.max_block_attestation_bytes")
    }
}
