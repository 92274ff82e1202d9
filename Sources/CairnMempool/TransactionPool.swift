import CairnCore
import CairnCrypto
import CairnState
import Collections

/// Pending transactions, ordered by fee, bounded in count and bytes, with each sender's
/// transactions kept contiguous in nonce order from the sender's committed nonce.
///
/// A plain value with no clock and no I/O: the caller passes the sender's committed account,
/// so the same calls always give the same pool. Specs/mempool.md has the rules.
public struct TransactionPool: Sendable {
    public var limits: MempoolLimits
    /// The stateless rules; refreshed after each commit (`blockCommitted`).
    public var rules: AdmissionRules
    /// The height of the last block the pool was told about.
    public internal(set) var height: UInt64 = 0

    var queues: [Address: SenderQueue] = [:]
    var locators: [Hash32: Locator] = [:]
    /// Eviction candidates: the tail of each sender, cheapest first, with stale keys left in place
    /// until they surface (see `cheapestTail`).
    var tails = Heap<TailKey>()
    var nextArrival: UInt64 = 0
    /// (admission height, id) in admission order, for expiry; entries that left the pool stay
    /// until they surface.
    var admissions = Deque<(height: UInt64, id: Hash32)>()
    /// The most recent transactions that left without being committed, and why (bounded).
    var dropped: [Hash32: DroppedTransaction] = [:]
    var droppedOrder = Deque<Hash32>()
    /// How many dropped transactions the pool remembers.
    public static let droppedMemory = 10_000

    /// Encoded bytes of all pending transactions.
    public internal(set) var bytes: Int = 0

    public init(limits: MempoolLimits = MempoolLimits(), rules: AdmissionRules) {
        self.limits = limits
        self.rules = rules
    }

    // MARK: Queries

    public var count: Int { locators.count }
    /// Senders with at least one pending transaction.
    public var senderCount: Int { queues.count }

    public func contains(_ id: Hash32) -> Bool { locators[id] != nil }

    /// Why `id` left the pool uncommitted, while the pool remembers it.
    public func droppedReason(_ id: Hash32) -> DroppedTransaction? { dropped[id] }

    public func transaction(_ id: Hash32) -> VerifiedTransaction? {
        guard let locator = locators[id], let queue = queues[locator.sender],
              let index = queue.index(ofNonce: locator.nonce) else { return nil }
        return queue.entries[index].vtx
    }

    /// The nonce the sender's next new transaction should carry, counting what is pending.
    public func nextNonce(for sender: Address, accountNonce: UInt64) -> UInt64 {
        guard let queue = queues[sender] else { return accountNonce }
        return max(accountNonce, queue.firstNonce + UInt64(queue.entries.count))
    }

    /// The sender's pending transactions in nonce order.
    public func pending(for sender: Address) -> [VerifiedTransaction] {
        queues[sender].map { $0.entries.map(\.vtx) } ?? []
    }

    // MARK: Admission

    /// What `add` changed, so a transaction that turns out to be the first to evict can be taken back.
    enum Admission {
        case appended
        case replaced(old: PoolEntry, index: Int)
    }

    /// Admits `vtx` given its sender's committed account. Returns the ids evicted to make room
    /// and any of the sender's pending transactions that `senderAccount` shows are stale (a block
    /// the pool was not told about used their nonces or funds).
    /// On a thrown error the new transaction is not in the pool and nothing was evicted.
    @discardableResult
    public mutating func add(_ vtx: VerifiedTransaction, senderAccount account: Account,
                             cost known: Amount? = nil) throws(MempoolError) -> [Hash32] {
        guard vtx.encodedSize <= limits.maxTransactionBytes else {
            throw .tooLarge(size: vtx.encodedSize, limit: limits.maxTransactionBytes)
        }
        guard locators[vtx.id] == nil else { throw .alreadyPending(vtx.id) }
        let tx = vtx.transaction
        let cost: Amount
        if let known {
            // The runtime's admission check computed it (and the stateless rules with it).
            cost = known
        } else {
            do throws(TransactionRejection) {
                cost = try rules.cost(of: tx)
            } catch {
                throw .rejected(error)
            }
        }
        let sender = vtx.sender
        let removed = recheck(sender, against: account)
        guard tx.nonce >= account.nonce else {
            throw .rejected(.nonceAlreadyUsed(accountNonce: account.nonce, got: tx.nonce))
        }
        // After the recheck the sender's queue, if any, starts at the account nonce.
        let pendingCount = queues[sender]?.entries.count ?? 0
        let pendingCost = queues[sender]?.totalCost ?? 0
        let expected = account.nonce + UInt64(pendingCount)
        let entry = PoolEntry(vtx: vtx, arrival: nextArrival, cost: cost, admittedAt: height)
        let admission: Admission
        if tx.nonce < expected {
            let index = Int(tx.nonce - account.nonce)
            let old = queues[sender]!.entries[index]
            let minimum = Self.replacementMinimum(for: old.vtx.transaction.fee)
            guard tx.fee >= minimum else { throw .replacementUnderpriced(minimumFee: minimum) }
            try Self.checkFunds(pendingCost - old.cost, plus: cost, balance: account.balance)
            replaceEntry(at: index, of: sender, with: entry)
            admission = .replaced(old: old, index: index)
        } else if tx.nonce == expected {
            guard pendingCount < limits.maxPerSender else { throw .senderLimit(limit: limits.maxPerSender) }
            try Self.checkFunds(pendingCost, plus: cost, balance: account.balance)
            appendEntry(entry, to: sender)
            admission = .appended
        } else {
            throw .rejected(.nonceGap(expected: expected, got: tx.nonce))
        }
        nextArrival += 1
        let evicted = try enforceBounds(newcomer: entry, sender: sender, admission: admission)
        admissions.append((height, vtx.id))
        if case .replaced(let old, _) = admission {
            remember(old.vtx.id, reason: "replaced", "replaced by \(vtx.id.hex), which pays a higher fee")
        }
        for id in removed { remember(id, reason: "invalidated", "no longer applies on the sender's committed account") }
        for id in evicted { remember(id, reason: "evicted", "evicted from a full mempool by transactions paying higher fees") }
        return removed + evicted
    }

    /// Smallest fee that replaces a pending transaction paying `fee`: fee × 11/10 rounded up,
    /// i.e. the exact rule "new fee ≥ 1.1 × old fee" in integers. Saturates instead of overflowing.
    public static func replacementMinimum(for fee: Amount) -> Amount {
        let bump = fee / 10 + (fee % 10 == 0 ? 0 : 1)
        let (sum, overflow) = fee.addingReportingOverflow(bump)
        return overflow ? .max : sum
    }

    private static func checkFunds(_ pending: Amount, plus cost: Amount, balance: Amount) throws(MempoolError) {
        let (needed, overflow) = pending.addingReportingOverflow(cost)
        guard !overflow, needed <= balance else {
            throw .rejected(.insufficientFunds(needed: overflow ? .max : needed, available: balance))
        }
    }

    /// Evicts the cheapest sender tails until the pool is within its bounds. If the newcomer
    /// itself comes up first, restores everything evicted so far, takes the newcomer back out and throws.
    private mutating func enforceBounds(newcomer: PoolEntry, sender: Address,
                                        admission: Admission) throws(MempoolError) -> [Hash32] {
        var evicted: [(sender: Address, entry: PoolEntry)] = []
        while count > limits.maxTransactions || bytes > limits.maxBytes, let key = cheapestTail() {
            if key.id == newcomer.vtx.id {
                for (owner, entry) in evicted.reversed() { appendEntry(entry, to: owner) }
                switch admission {
                case .appended: _ = removeLast(of: sender)
                case .replaced(let old, let index): replaceEntry(at: index, of: sender, with: old)
                }
                let floor = cheapestTail()?.priority.fee ?? newcomer.vtx.transaction.fee
                throw .poolFull(minimumFee: floor == .max ? .max : floor + 1)
            }
            tails.removeMin()
            evicted.append((key.sender, removeLast(of: key.sender)))
        }
        return evicted.map(\.entry.vtx.id)
    }

    // MARK: Recheck against committed state

    /// Makes `sender`'s queue consistent with its committed `account`: drops pending transactions
    /// whose nonce is used, then everything from the first one that is not contiguous from the
    /// account nonce or not affordable (cumulative cost above the balance). Returns the dropped
    /// ids in nonce order. Costs O(1) when nothing changed, else O(the sender's pending).
    mutating func recheck(_ sender: Address, against account: Account) -> [Hash32] {
        guard let queue = queues[sender] else { return [] }
        if queue.firstNonce == account.nonce && queue.totalCost <= account.balance { return [] }
        var dropped: [Hash32] = []
        while let first = queues[sender]?.entries.first, first.nonce < account.nonce {
            dropped.append(removeFirst(of: sender).vtx.id)
        }
        guard let remaining = queues[sender] else { return dropped }
        var expected = account.nonce
        var cumulative: Amount = 0
        var keep = 0
        for entry in remaining.entries {
            let (sum, overflow) = cumulative.addingReportingOverflow(entry.cost)
            guard entry.nonce == expected, !overflow, sum <= account.balance else { break }
            cumulative = sum
            expected += 1
            keep += 1
        }
        var cut: [Hash32] = []
        while let last = queues[sender]?.entries.last, queues[sender]!.entries.count > keep {
            _ = removeLast(of: sender, updateTail: false)
            cut.append(last.vtx.id)
        }
        if keep > 0 && !cut.isEmpty { pushTail(of: sender) }
        return dropped + cut.reversed()
    }

    // MARK: Index maintenance (the only code that touches queues, locators, bytes and tails)

    mutating func appendEntry(_ entry: PoolEntry, to sender: Address) {
        queues[sender, default: SenderQueue()].entries.append(entry)
        queues[sender]!.totalCost += entry.cost
        locators[entry.vtx.id] = Locator(sender: sender, nonce: entry.nonce)
        bytes += entry.vtx.encodedSize
        pushTail(of: sender)
    }

    mutating func replaceEntry(at index: Int, of sender: Address, with entry: PoolEntry) {
        let old = queues[sender]!.entries[index]
        queues[sender]!.entries[index] = entry
        queues[sender]!.totalCost = queues[sender]!.totalCost - old.cost + entry.cost
        locators[old.vtx.id] = nil
        locators[entry.vtx.id] = Locator(sender: sender, nonce: entry.nonce)
        bytes += entry.vtx.encodedSize - old.vtx.encodedSize
        if index == queues[sender]!.entries.count - 1 { pushTail(of: sender) }
    }

    mutating func removeLast(of sender: Address, updateTail: Bool = true) -> PoolEntry {
        let entry = queues[sender]!.entries.removeLast()
        forget(entry, of: sender)
        if updateTail && queues[sender] != nil { pushTail(of: sender) }
        return entry
    }

    mutating func removeFirst(of sender: Address) -> PoolEntry {
        let entry = queues[sender]!.entries.removeFirst()
        forget(entry, of: sender)
        return entry
    }

    private mutating func forget(_ entry: PoolEntry, of sender: Address) {
        locators[entry.vtx.id] = nil
        bytes -= entry.vtx.encodedSize
        if queues[sender]!.entries.isEmpty {
            queues[sender] = nil
        } else {
            queues[sender]!.totalCost -= entry.cost
        }
    }

    mutating func pushTail(of sender: Address) {
        guard let last = queues[sender]?.entries.last else { return }
        tails.insert(TailKey(priority: last.priority, sender: sender, id: last.vtx.id))
        // Stale keys pile up as tails change; rebuild once they outnumber the live ones, so the
        // heap stays O(senders) and the rebuild's cost is spread over the pushes that caused it.
        if tails.count > 2 * queues.count + 64 {
            tails = Heap(queues.map { sender, queue in
                let last = queue.entries[queue.entries.count - 1]
                return TailKey(priority: last.priority, sender: sender, id: last.vtx.id)
            })
        }
    }

    /// The current cheapest tail (lowest fee, latest arrival), discarding stale keys on the way.
    mutating func cheapestTail() -> TailKey? {
        while let key = tails.min {
            if queues[key.sender]?.entries.last?.arrival == key.priority.arrival { return key }
            tails.removeMin()
        }
        return nil
    }
}

extension TransactionPool {
    /// Records why `id` left the pool, forgetting the oldest record beyond `droppedMemory`.
    mutating func remember(_ id: Hash32, reason: String, _ message: String) {
        if dropped.updateValue(DroppedTransaction(reason: reason, message: message, height: height), forKey: id) == nil {
            droppedOrder.append(id)
        }
        while droppedOrder.count > Self.droppedMemory, let oldest = droppedOrder.popFirst() {
            dropped[oldest] = nil
        }
    }

    /// Removes `id` and every later transaction of its sender (they need it first), recording
    /// `reason` for it and for them. Returns the removed ids in nonce order.
    @discardableResult
    public mutating func drop(_ id: Hash32, reason: String, _ message: String) -> [Hash32] {
        guard let locator = locators[id], let queue = queues[locator.sender],
              let index = queue.index(ofNonce: locator.nonce) else { return [] }
        var removed: [Hash32] = []
        let keep = index
        while let last = queues[locator.sender]?.entries.last, queues[locator.sender]!.entries.count > keep {
            _ = removeLast(of: locator.sender, updateTail: false)
            removed.append(last.vtx.id)
        }
        if keep > 0 { pushTail(of: locator.sender) }
        removed.reverse()
        remember(id, reason: reason, message)
        for later in removed.dropFirst() {
            remember(later, reason: reason, "an earlier transaction of the same sender (\(id.hex)) was dropped: \(message)")
        }
        return removed
    }

    /// Drops every transaction admitted `expiryBlocks` or more blocks before `height`.
    mutating func expire(height: UInt64, expiryBlocks: UInt64) -> [Hash32] {
        var removed: [Hash32] = []
        while let first = admissions.first, case (let due, false) = first.height.addingReportingOverflow(expiryBlocks), due <= height {
            admissions.removeFirst()
            guard let locator = locators[first.id], let queue = queues[locator.sender],
                  let index = queue.index(ofNonce: locator.nonce), queue.entries[index].admittedAt == first.height else { continue }
            removed += drop(first.id, reason: "expired",
                            "waited \(height - first.height) blocks without being included (mempool_expiry_blocks is \(expiryBlocks))")
        }
        return removed
    }
}
