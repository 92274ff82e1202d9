import CairnCore
import CairnCrypto
import Collections

/// Fee first, then arrival: the higher fee wins and, at equal fees, the earlier arrival wins.
/// Arrival numbers are unique, so this is a total order and every choice the pool makes is
/// deterministic. `max` is the best to put in a block, `min` the first to evict.
struct Priority: Comparable, Sendable {
    let fee: Amount
    let arrival: UInt64

    static func < (a: Priority, b: Priority) -> Bool {
        a.fee != b.fee ? a.fee < b.fee : a.arrival > b.arrival
    }
}

/// One pending transaction with what admission computed about it.
struct PoolEntry: Sendable {
    let vtx: VerifiedTransaction
    /// Position in the pool's arrival sequence, for tie-breaks without a clock.
    let arrival: UInt64
    /// What the operation spends plus the fee, computed once by `AdmissionRules.cost`.
    let cost: Amount
    /// The pool's height (its last committed block) when the transaction was admitted.
    let admittedAt: UInt64

    var nonce: UInt64 { vtx.transaction.nonce }
    var priority: Priority { Priority(fee: vtx.transaction.fee, arrival: arrival) }
}

/// A sender's pending transactions, in nonce order with no gap. Never empty while stored.
struct SenderQueue: Sendable {
    var entries: Deque<PoolEntry> = []
    /// Sum of `cost` over `entries`; at most the sender's balance when last checked.
    var totalCost: Amount = 0

    var firstNonce: UInt64 { entries[entries.startIndex].nonce }

    func index(ofNonce nonce: UInt64) -> Int? {
        guard let first = entries.first, nonce >= first.nonce, nonce - first.nonce < UInt64(entries.count) else {
            return nil
        }
        return Int(nonce - first.nonce)
    }
}

/// Where a pending transaction sits.
struct Locator: Sendable {
    let sender: Address
    let nonce: UInt64
}

/// A sender's last pending transaction as it was when it became the last: an eviction candidate.
/// Kept in a heap with lazy deletion; a key is current only while its entry is still the tail.
struct TailKey: Comparable, Sendable {
    let priority: Priority
    let sender: Address
    let id: Hash32

    static func < (a: TailKey, b: TailKey) -> Bool { a.priority < b.priority }
    static func == (a: TailKey, b: TailKey) -> Bool { a.priority == b.priority }
}

/// Why a transaction left the pool without being committed, for `chain_getTransaction`.
public struct DroppedTransaction: Sendable, Hashable {
    /// Stable reason code: a transaction rule's (`nonce_used`, …) or the pool's (`expired`,
    /// `evicted`, `replaced`).
    public let reason: String
    public let message: String
    /// The pool's height when it was dropped.
    public let height: UInt64
}
