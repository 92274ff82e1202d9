import CairnCore
import CairnCrypto
import CairnMempool
import CairnState
import Testing

@Suite struct OrderingTests {
    let a = Fixture.key(1), b = Fixture.key(2), c = Fixture.key(3), d = Fixture.key(4), e = Fixture.key(5)

    @Test func reapOrdersByFeeAcrossSendersAndByNonceWithinOne() throws {
        var pool = Fixture.pool()
        let a0 = Fixture.verified(a, nonce: 0, fee: 10)
        let a1 = Fixture.verified(a, nonce: 1, fee: 1000)
        let b0 = Fixture.verified(b, nonce: 0, fee: 500)
        let c0 = Fixture.verified(c, nonce: 0, fee: 50)
        for vtx in [a0, a1, b0, c0] { try pool.add(vtx, senderAccount: Fixture.rich) }
        let block = pool.reap(maxTransactions: 100, maxBytes: 1 << 20)
        #expect(block.map(\.id) == [b0.id, c0.id, a0.id, a1.id])
        #expect(pool.count == 4, "reap removes nothing")
    }

    @Test func equalFeesGoInArrivalOrder() throws {
        var pool = Fixture.pool()
        let first = Fixture.verified(c, nonce: 0, fee: 30)
        let second = Fixture.verified(a, nonce: 0, fee: 30)
        let third = Fixture.verified(b, nonce: 0, fee: 30)
        for vtx in [first, second, third] { try pool.add(vtx, senderAccount: Fixture.rich) }
        #expect(pool.reap(maxTransactions: 10, maxBytes: 1 << 20).map(\.id) == [first.id, second.id, third.id])
    }

    @Test func reapRespectsCountAndByteBudgets() throws {
        var pool = Fixture.pool()
        let a0 = Fixture.verified(a, nonce: 0, fee: 300)
        let b0 = Fixture.verified(b, nonce: 0, fee: 200)
        let c0 = Fixture.verified(c, nonce: 0, fee: 150)
        for vtx in [a0, b0, c0] { try pool.add(vtx, senderAccount: Fixture.rich) }
        #expect(pool.reap(maxTransactions: 2, maxBytes: 1 << 20).map(\.id) == [a0.id, b0.id])
        #expect(pool.reap(maxTransactions: 0, maxBytes: 1 << 20).isEmpty)
        #expect(pool.reap(maxTransactions: 10, maxBytes: a0.encodedSize).map(\.id) == [a0.id])
        #expect(pool.reap(maxTransactions: 10, maxBytes: a0.encodedSize + b0.encodedSize - 1).map(\.id) == [a0.id])
        #expect(pool.reap(maxTransactions: 10, maxBytes: a0.encodedSize - 1).isEmpty)
    }

    @Test func aSenderThatDoesNotFitIsSkippedNotReordered() throws {
        var pool = Fixture.pool()
        // A big transaction (long chain id is not possible, so a bigger amount varint) heads sender a.
        let a0 = Fixture.verified(a, nonce: 0, fee: 1000, amount: Amount.max >> 8)
        let a1 = Fixture.verified(a, nonce: 1, fee: 1000, amount: 1)
        let b0 = Fixture.verified(b, nonce: 0, fee: 100, amount: 1)
        let account = Account(balance: .max, nonce: 0)
        for vtx in [a0, a1, b0] { try pool.add(vtx, senderAccount: account) }
        #expect(a0.encodedSize > b0.encodedSize)
        // a1 alone would fit in this budget, but it cannot apply without a0, which does not fit.
        #expect(a1.encodedSize <= a0.encodedSize - 1)
        var onlyA = Fixture.pool()
        for vtx in [a0, a1] { try onlyA.add(vtx, senderAccount: account) }
        #expect(onlyA.reap(maxTransactions: 10, maxBytes: a0.encodedSize - 1).isEmpty)
        #expect(pool.reap(maxTransactions: 10, maxBytes: a0.encodedSize - 1).map(\.id) == [b0.id])
        #expect(pool.reap(maxTransactions: 10, maxBytes: a0.encodedSize + b0.encodedSize).map(\.id) == [a0.id, b0.id])
    }

    @Test func countEvictionRemovesTheCheapestTailNotTheCheapestTransaction() throws {
        var pool = Fixture.pool(MempoolLimits(maxTransactions: 3))
        let a0 = Fixture.verified(a, nonce: 0, fee: 10)
        let a1 = Fixture.verified(a, nonce: 1, fee: 100)
        let b0 = Fixture.verified(b, nonce: 0, fee: 50)
        for vtx in [a0, a1, b0] { try pool.add(vtx, senderAccount: Fixture.rich) }
        let c0 = Fixture.verified(c, nonce: 0, fee: 60)
        #expect(try pool.add(c0, senderAccount: Fixture.rich) == [b0.id])
        #expect(pool.count == 3)
        #expect(pool.contains(a0.id) && pool.contains(a1.id) && pool.contains(c0.id))
        // Now the tails are a1 (100) and c0 (60); a newcomer at 60 loses the tie (it arrived last).
        #expect(throws: MempoolError.poolFull(minimumFee: 61)) {
            try pool.add(Fixture.verified(d, nonce: 0, fee: 60), senderAccount: Fixture.rich)
        }
        #expect(pool.count == 3 && pool.contains(c0.id))
        let d0 = Fixture.verified(d, nonce: 0, fee: 61)
        #expect(try pool.add(d0, senderAccount: Fixture.rich) == [c0.id])
    }

    @Test func equalFeeTailsEvictTheMostRecentFirst() throws {
        var pool = Fixture.pool(MempoolLimits(maxTransactions: 2))
        let a0 = Fixture.verified(a, nonce: 0, fee: 10)
        let b0 = Fixture.verified(b, nonce: 0, fee: 10)
        try pool.add(a0, senderAccount: Fixture.rich)
        try pool.add(b0, senderAccount: Fixture.rich)
        #expect(try pool.add(Fixture.verified(c, nonce: 0, fee: 11), senderAccount: Fixture.rich) == [b0.id])
        #expect(pool.contains(a0.id))
    }

    @Test func byteEvictionRemovesTheCheapestTail() throws {
        let a0 = Fixture.verified(a, nonce: 0, fee: 300)
        let b0 = Fixture.verified(b, nonce: 0, fee: 200)
        let c0 = Fixture.verified(c, nonce: 0, fee: 400)
        let d0 = Fixture.verified(d, nonce: 0, fee: 150)
        #expect(Set([a0, b0, c0, d0].map(\.encodedSize)).count == 1)
        var pool = Fixture.pool(MempoolLimits(maxBytes: 2 * a0.encodedSize + a0.encodedSize / 2))
        try pool.add(a0, senderAccount: Fixture.rich)
        try pool.add(b0, senderAccount: Fixture.rich)
        #expect(try pool.add(c0, senderAccount: Fixture.rich) == [b0.id])
        #expect(pool.bytes == 2 * a0.encodedSize)
        #expect(throws: MempoolError.poolFull(minimumFee: 301)) { try pool.add(d0, senderAccount: Fixture.rich) }
        #expect(pool.count == 2 && pool.bytes == 2 * a0.encodedSize)
        #expect(pool.contains(a0.id) && pool.contains(c0.id))
    }

    @Test func aRefusedNewcomerRestoresEverythingEvictedBeforeIt() throws {
        // Room for two small transactions by bytes; the newcomer is big enough to need two evictions,
        // and after the first the newcomer is the cheapest left.
        let small1 = Fixture.verified(a, nonce: 0, fee: 20, amount: 1)
        let small2 = Fixture.verified(b, nonce: 0, fee: 40, amount: 1)
        let big = Fixture.verified(c, nonce: 0, fee: 30, amount: Amount.max >> 8)
        #expect(big.encodedSize > small1.encodedSize)
        var pool = Fixture.pool(MempoolLimits(maxBytes: small1.encodedSize + small2.encodedSize))
        try pool.add(small1, senderAccount: Fixture.rich)
        try pool.add(small2, senderAccount: Fixture.rich)
        #expect(throws: MempoolError.poolFull(minimumFee: 21)) {
            try pool.add(big, senderAccount: Account(balance: .max, nonce: 0))
        }
        #expect(pool.count == 2 && pool.contains(small1.id) && pool.contains(small2.id))
        #expect(pool.bytes == small1.encodedSize + small2.encodedSize)
        #expect(pool.reap(maxTransactions: 10, maxBytes: 1 << 20).map(\.id) == [small2.id, small1.id])
    }

    @Test func aRefusedReplacementRestoresTheOriginal() throws {
        let a0 = Fixture.verified(a, nonce: 0, fee: 100, amount: 1)
        let b0 = Fixture.verified(b, nonce: 0, fee: 500, amount: 1)
        var pool = Fixture.pool(MempoolLimits(maxBytes: a0.encodedSize + b0.encodedSize))
        try pool.add(a0, senderAccount: Fixture.rich)
        try pool.add(b0, senderAccount: Fixture.rich)
        // Replacing a0 with a bigger transaction overflows the byte bound; a0's replacement is the cheapest.
        let bigger = Fixture.verified(a, nonce: 0, fee: 110, amount: 1 << 60)
        #expect(bigger.encodedSize > a0.encodedSize)
        #expect(throws: MempoolError.poolFull(minimumFee: 101)) {
            try pool.add(bigger, senderAccount: Account(balance: .max, nonce: 0))
        }
        #expect(pool.pending(for: a.address) == [a0])
        #expect(pool.bytes == a0.encodedSize + b0.encodedSize)
    }
}
