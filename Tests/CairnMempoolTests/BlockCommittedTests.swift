import CairnCore
import CairnCrypto
import CairnMempool
import CairnState
import Testing

@Suite struct BlockCommittedTests {
    let a = Fixture.key(1), b = Fixture.key(2), c = Fixture.key(3), d = Fixture.key(4)

    @Test func removesIncludedAndDropsWhatCanNoLongerApply() throws {
        var pool = Fixture.pool()
        let account = Account(balance: 10_000, nonce: 0)
        let a0 = Fixture.verified(a, nonce: 0, fee: 10), a1 = Fixture.verified(a, nonce: 1, fee: 10)
        let a2 = Fixture.verified(a, nonce: 2, fee: 10)
        let b0 = Fixture.verified(b, nonce: 0, fee: 10), b1 = Fixture.verified(b, nonce: 1, fee: 10)
        let c0 = Fixture.verified(c, nonce: 0, fee: 10, amount: 1000)
        let c1 = Fixture.verified(c, nonce: 1, fee: 10, amount: 1000)
        let d0 = Fixture.verified(d, nonce: 0, fee: 10)
        for vtx in [a0, a1, a2, b0, b1, c0, c1, d0] { try pool.add(vtx, senderAccount: account) }

        // The block holds a0 and a1 (from this pool), and b's nonce 0 from a transaction this pool
        // never saw; c spent most of its balance on a transaction this pool never saw either.
        let foreignB0 = Fixture.verified(b, nonce: 0, fee: 99)
        let foreignC0 = Fixture.verified(c, nonce: 0, fee: 99, amount: 9_000)
        let dropped = pool.blockCommitted(
            [a0.id, a1.id, foreignB0.id, foreignC0.id],
            senderAccounts: [
                (a.address, Account(balance: 10_000 - 220, nonce: 2)),
                (b.address, Account(balance: 10_000 - 209, nonce: 1)),
                (c.address, Account(balance: 10_000 - 9_099, nonce: 1)),
            ])
        #expect(dropped == [b0.id, c0.id, c1.id])
        #expect(pool.pending(for: a.address) == [a2])
        #expect(pool.pending(for: b.address) == [b1])
        #expect(pool.pending(for: c.address).isEmpty, "c0's nonce is used and c1 (1010) exceeds the 901 left")
        #expect(pool.pending(for: d.address) == [d0], "senders not in the block are untouched")
        #expect(pool.count == 3)
        #expect(pool.bytes == [a2, b1, d0].map(\.encodedSize).reduce(0, +))
    }

    @Test func dropsFromTheFirstUnaffordableToTheEnd() throws {
        var pool = Fixture.pool()
        let account = Account(balance: 1_000, nonce: 0)
        let txs = (0..<4).map { Fixture.verified(a, nonce: UInt64($0), fee: 10, amount: 100) }
        for vtx in txs { try pool.add(vtx, senderAccount: account) }
        // Balance falls to 250 with nonce unchanged (a transfer out is not possible without a nonce
        // bump, but a recheck must still hold if it were): two fit, the rest go.
        let dropped = pool.blockCommitted([], senderAccounts: [(a.address, Account(balance: 250, nonce: 0))])
        #expect(dropped == [txs[2].id, txs[3].id])
        #expect(pool.pending(for: a.address) == Array(txs[..<2]))
        // And a committed tx from elsewhere that skips past what is pending drops it all.
        #expect(pool.blockCommitted([], senderAccounts: [(a.address, Account(balance: 250, nonce: 5))]) ==
                [txs[0].id, txs[1].id])
        #expect(pool.count == 0 && pool.bytes == 0)
    }

    @Test func aCommittedTransactionUsesUpLowerNoncesOfItsSender() throws {
        var pool = Fixture.pool()
        let a0 = Fixture.verified(a, nonce: 0, fee: 10), a1 = Fixture.verified(a, nonce: 1, fee: 10)
        let a2 = Fixture.verified(a, nonce: 2, fee: 10)
        for vtx in [a0, a1, a2] { try pool.add(vtx, senderAccount: Fixture.rich) }
        // Only a1 is reported committed and no account is given: a0 cannot apply any more either.
        #expect(pool.blockCommitted([a1.id], senderAccounts: []) == [a0.id])
        #expect(pool.pending(for: a.address) == [a2])
        // Eviction still works afterwards (tail index consistent).
        #expect(pool.reap(maxTransactions: 5, maxBytes: 1 << 20) == [a2])
    }
}
