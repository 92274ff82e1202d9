/// When each pre-signed transaction of `cairn bench network` is due, and which node gets it.
///
/// An open-loop load: transaction `i` is due `i / rate` seconds after the clock starts, whatever
/// the nodes do, so a slow node shows up as latency instead of as a lower offered rate.
/// Transaction `i` is sent by account `i % accounts` with nonce `i / accounts`, so every account's
/// transactions are due in nonce order; an account always goes to the same node
/// (`account % nodes`), because a node refuses a nonce above the next usable one and a
/// transaction sent to another node could arrive before its predecessor was gossiped there.
public struct FixedRateSchedule: Sendable, Equatable {
    /// Transactions per second.
    public let rate: Int
    public let total: Int
    public let accounts: Int
    public let nodes: Int

    public init(rate: Int, total: Int, accounts: Int, nodes: Int) {
        precondition(rate > 0 && total >= 0 && accounts > 0 && nodes > 0)
        self.rate = rate
        self.total = total
        self.accounts = accounts
        self.nodes = nodes
    }

    /// Microseconds after the start at which transaction `index` is due (rounded down).
    public func dueMicroseconds(_ index: Int) -> Int64 {
        Int64(index) * 1_000_000 / Int64(rate)
    }

    /// How many transactions are due at `microseconds` after the start (all with a due time ≤ it).
    public func dueCount(atMicroseconds microseconds: Int64) -> Int {
        guard microseconds >= 0 else { return 0 }
        // Smallest i with i * 1e6 / rate > t, i.e. i * 1e6 ≥ (t + 1) * rate: ceil((t+1)·rate / 1e6).
        let (product, overflow) = (microseconds + 1).multipliedReportingOverflow(by: Int64(rate))
        guard !overflow else { return total }
        let count = (product + 999_999) / 1_000_000
        return Int(min(count, Int64(total)))
    }

    public func account(of index: Int) -> Int { index % accounts }
    public func nonce(of index: Int) -> UInt64 { UInt64(index / accounts) }
    public func node(of index: Int) -> Int { account(of: index) % nodes }

    /// The transactions `node` sends, in due order (hence each account's in nonce order).
    public func indices(forNode node: Int) -> [Int] {
        (0..<total).filter { self.node(of: $0) == node }
    }

    /// Transactions due in `[from, to)` microseconds after the start: the measured window.
    public func indices(dueFromMicroseconds from: Int64, toMicroseconds to: Int64) -> Range<Int> {
        dueCount(atMicroseconds: from - 1)..<dueCount(atMicroseconds: to - 1)
    }
}
