import CairnCore
import CairnCrypto
import CairnState
import Collections

/// A sender's next transaction to consider while filling a block.
private struct Head: Comparable {
    let priority: Priority
    let sender: Address
    let index: Int

    static func < (a: Head, b: Head) -> Bool { a.priority < b.priority }
    static func == (a: Head, b: Head) -> Bool { a.priority == b.priority }
}

extension TransactionPool {
    /// The transactions for a block: highest fee first across senders, each sender's in nonce
    /// order, at most `maxTransactions` and `maxBytes` encoded bytes. Removes nothing: the pool
    /// drops them when the block commits. Executed in order they apply, since each sender's
    /// queue is contiguous from its committed nonce and affordable.
    /// Costs O(senders) to heapify the heads plus O(k log senders) for k taken.
    public func reap(maxTransactions: Int, maxBytes: Int) -> [VerifiedTransaction] {
        guard maxTransactions > 0, maxBytes > 0 else { return [] }
        var heads = Heap(queues.map { sender, queue in
            Head(priority: queue.entries[queue.entries.startIndex].priority, sender: sender, index: 0)
        })
        var taken: [VerifiedTransaction] = []
        var budget = maxBytes
        while taken.count < maxTransactions, budget > 0, let head = heads.popMax() {
            guard let queue = queues[head.sender] else { continue }
            let entry = queue.entries[head.index]
            // A sender whose next transaction does not fit is done: its later ones need this one first.
            guard entry.vtx.encodedSize <= budget else { continue }
            taken.append(entry.vtx)
            budget -= entry.vtx.encodedSize
            let next = head.index + 1
            if next < queue.entries.count {
                heads.insert(Head(priority: queue.entries[next].priority, sender: head.sender, index: next))
            }
        }
        return taken
    }

    /// Updates the pool after a block commits: removes the block's transactions (`committedIDs`)
    /// and, for each sender given with its new committed account, every pending transaction that
    /// can no longer apply (nonce used, gap, or not affordable). The node passes the senders that
    /// appear in the block; no other sender's account changed by spending, so no other sender is
    /// looked at. Returns the dropped ids other than the committed ones.
    ///
    /// With `height`, the pool also moves to that height, takes the rules in force after the
    /// block (`rules`), and expires what waited `mempool_expiry_blocks`.
    @discardableResult
    public mutating func blockCommitted(_ committedIDs: [Hash32], senderAccounts: [(Address, Account)],
                                        height: UInt64? = nil, rules: AdmissionRules? = nil) -> [Hash32] {
        if let rules { self.rules = rules }
        if let height { self.height = height }
        let committed = Set(committedIDs)
        var dropped: [Hash32] = []
        for id in committedIDs {
            guard let locator = locators[id] else { continue }
            // The committed nonce is used, and so is every lower one of the same sender.
            while let first = queues[locator.sender]?.entries.first, first.nonce <= locator.nonce {
                let entry = removeFirst(of: locator.sender)
                if !committed.contains(entry.vtx.id) { dropped.append(entry.vtx.id) }
            }
        }
        var stale: [Hash32] = []
        for (sender, account) in senderAccounts {
            stale += recheck(sender, against: account)
        }
        for id in dropped + stale {
            remember(id, reason: "invalidated", "no longer applies after block \(self.height): its nonce was used or its sender can no longer pay")
        }
        var expired: [Hash32] = []
        if height != nil { expired = expire(height: self.height, expiryBlocks: self.rules.consensus.mempoolExpiryBlocks) }
        return dropped + stale + expired
    }
}
