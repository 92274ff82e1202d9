import CairnCore

/// Bounds that keep the mempool's memory and per-sender share finite whatever peers send.
public struct MempoolLimits: Sendable, Hashable {
    /// Most transactions held at once; beyond it the cheapest sender tail is evicted.
    public var maxTransactions: Int
    /// Most encoded bytes held at once; beyond it the cheapest sender tail is evicted.
    public var maxBytes: Int
    /// Largest single transaction admitted.
    public var maxTransactionBytes: Int
    /// Most pending transactions of one sender, so one account cannot fill the pool.
    public var maxPerSender: Int

    public init(maxTransactions: Int = 50_000, maxBytes: Int = 64 * 1024 * 1024,
                maxTransactionBytes: Int = Transaction.maxEncodedBytes, maxPerSender: Int = 1_000) {
        self.maxTransactions = maxTransactions
        self.maxBytes = maxBytes
        self.maxTransactionBytes = maxTransactionBytes
        self.maxPerSender = maxPerSender
    }
}
