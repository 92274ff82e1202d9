import CairnCrypto

/// A header, the transactions and attestations it commits to, the misbehaviour it reports, and
/// the commit that finalised its parent.
public struct Block: Sendable, Hashable, CanonicalCodable {
    public var header: BlockHeader
    public var transactions: [Transaction]
    public var attestations: [Attestation]
    public var evidence: [DuplicateVoteEvidence]
    /// Precommits of more than 2/3 of the parent's validators for the parent; nil at height 1.
    /// Being inside the block, it is the same on every node, so downtime and rewards can use it.
    public var lastCommit: Commit?

    /// Upper bound on the transaction count any decoder accepts; the chain parameter is lower.
    public static let maxTransactions = 100_000
    /// Upper bound on the evidence count any decoder accepts; the staking parameter is lower.
    public static let maxEvidence = 10_000
    /// Upper bound on the attestation count any decoder accepts; the chain parameter is lower.
    public static let maxAttestations = 100_000

    public init(header: BlockHeader, transactions: [Transaction], attestations: [Attestation] = [],
                evidence: [DuplicateVoteEvidence] = [], lastCommit: Commit? = nil) {
        self.header = header
        self.transactions = transactions
        self.attestations = attestations
        self.evidence = evidence
        self.lastCommit = lastCommit
    }

    public var id: Hash32 { header.id }

    /// What `header.lastCommitHash` must be for `lastCommit`.
    public static func lastCommitHash(_ lastCommit: Commit?) -> Hash32 {
        var writer = CanonicalWriter()
        writer.write(optional: lastCommit)
        return Hash32.sha256(writer.bytes)
    }

    /// What `header.evidenceRoot` must be for `evidence`.
    public static func evidenceRoot(_ evidence: [DuplicateVoteEvidence]) -> Hash32 {
        MerkleRoot.of(evidence.map(\.id))
    }

    /// The canonical encoding, written into a buffer sized for it up front: a block of storage
    /// proofs is megabytes, and growing the buffer by doubling copied it and faulted in fresh
    /// pages several times over.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter(capacity: encodedSizeHint)
        encode(to: &writer)
        return writer.bytes
    }

    /// At least the encoding's length in all but blocks of unusually large transactions.
    private var encodedSizeHint: Int {
        4_096 + transactions.count * 256 + attestations.reduce(0) { $0 + $1.encodedSize } + evidence.count * 512
            + (lastCommit?.signatures.count ?? 0) * 128
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(header)
        writer.write(list: transactions)
        writer.write(list: attestations)
        writer.write(list: evidence)
        writer.write(optional: lastCommit)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        header = try reader.read(BlockHeader.self)
        transactions = try reader.readList("block.transactions", limit: Self.maxTransactions)
        attestations = try reader.readList("block.attestations", limit: Self.maxAttestations)
        evidence = try reader.readList("block.evidence", limit: Self.maxEvidence)
        lastCommit = try reader.readOptional("block.last_commit")
    }
}
