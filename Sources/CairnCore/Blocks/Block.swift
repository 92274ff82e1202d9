import CairnCrypto

/// A header and the transactions it commits to.
public struct Block: Sendable, Hashable, CanonicalCodable {
    public var header: BlockHeader
    public var transactions: [Transaction]

    /// Upper bound on the transaction count any decoder accepts; the chain parameter is lower.
    public static let maxTransactions = 100_000

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    public var id: Hash32 { header.id }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(header)
        writer.write(list: transactions)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        header = try reader.read(BlockHeader.self)
        transactions = try reader.readList("block.transactions", limit: Self.maxTransactions)
    }
}
