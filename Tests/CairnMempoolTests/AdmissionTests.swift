import CairnCore
import CairnCrypto
import CairnMempool
import CairnState
import Testing

@Suite struct AdmissionTests {
    let alice = Fixture.key(1)

    @Test func admitsAValidTransaction() throws {
        var pool = Fixture.pool()
        let vtx = Fixture.verified(alice, nonce: 0, fee: 20)
        let evicted = try pool.add(vtx, senderAccount: Fixture.rich)
        #expect(evicted.isEmpty)
        #expect(pool.count == 1)
        #expect(pool.bytes == vtx.encodedSize)
        #expect(pool.contains(vtx.id))
        #expect(pool.transaction(vtx.id) == vtx)
        #expect(pool.pending(for: alice.address) == [vtx])
        #expect(pool.nextNonce(for: alice.address, accountNonce: 0) == 1)
        #expect(pool.nextNonce(for: Fixture.key(2).address, accountNonce: 7) == 7)
    }

    @Test func duplicateIsAlreadyPending() throws {
        var pool = Fixture.pool()
        let vtx = Fixture.verified(alice, nonce: 0, fee: 20)
        try pool.add(vtx, senderAccount: Fixture.rich)
        #expect(throws: MempoolError.alreadyPending(vtx.id)) { try pool.add(vtx, senderAccount: Fixture.rich) }
        #expect(pool.count == 1)
        #expect(MempoolError.alreadyPending(vtx.id).description == "transaction \(vtx.id.hex) is already in the mempool")
    }

    @Test func replayOfAUsedNonceIsRejected() {
        var pool = Fixture.pool()
        let account = Account(balance: 1_000_000, nonce: 5)
        #expect(throws: MempoolError.rejected(.nonceAlreadyUsed(accountNonce: 5, got: 3))) {
            try pool.add(Fixture.verified(alice, nonce: 3, fee: 20), senderAccount: account)
        }
        #expect(pool.count == 0)
    }

    @Test func nonceGapIsRejected() throws {
        var pool = Fixture.pool()
        #expect(throws: MempoolError.rejected(.nonceGap(expected: 0, got: 2))) {
            try pool.add(Fixture.verified(alice, nonce: 2, fee: 20), senderAccount: Fixture.rich)
        }
        try pool.add(Fixture.verified(alice, nonce: 0, fee: 20), senderAccount: Fixture.rich)
        #expect(throws: MempoolError.rejected(.nonceGap(expected: 1, got: 2))) {
            try pool.add(Fixture.verified(alice, nonce: 2, fee: 20), senderAccount: Fixture.rich)
        }
        #expect(pool.count == 1)
    }

    @Test func wrongChainIsRejected() {
        var pool = Fixture.pool()
        #expect(throws: MempoolError.rejected(.wrongChain(expected: Fixture.chainID, got: "other-chain"))) {
            try pool.add(Fixture.verified(alice, nonce: 0, fee: 20, chainID: "other-chain"), senderAccount: Fixture.rich)
        }
    }

    @Test func feeBelowMinimumIsRejected() {
        var pool = Fixture.pool()
        #expect(throws: MempoolError.rejected(.feeTooLow(minimum: 10, got: 9))) {
            try pool.add(Fixture.verified(alice, nonce: 0, fee: 9), senderAccount: Fixture.rich)
        }
    }

    @Test func tooLargeIsCheckedFirst() {
        let vtx = Fixture.verified(alice, nonce: 0, fee: 1, chainID: "other-chain")
        var pool = Fixture.pool(MempoolLimits(maxTransactionBytes: vtx.encodedSize - 1))
        #expect(throws: MempoolError.tooLarge(size: vtx.encodedSize, limit: vtx.encodedSize - 1)) {
            try pool.add(vtx, senderAccount: Fixture.rich)
        }
    }

    @Test func fundsMustCoverAllPendingCosts() throws {
        var pool = Fixture.pool()
        let account = Account(balance: 250, nonce: 0)
        try pool.add(Fixture.verified(alice, nonce: 0, fee: 10, amount: 100), senderAccount: account)
        try pool.add(Fixture.verified(alice, nonce: 1, fee: 10, amount: 100), senderAccount: account)
        let third = Fixture.verified(alice, nonce: 2, fee: 10, amount: 100)
        #expect(throws: MempoolError.rejected(.insufficientFunds(needed: 330, available: 250))) {
            try pool.add(third, senderAccount: account)
        }
        #expect(pool.count == 2)
        #expect(!pool.contains(third.id))
        // A replacement is costed in place of the one it replaces.
        #expect(throws: MempoolError.rejected(.insufficientFunds(needed: 251, available: 250))) {
            try pool.add(Fixture.verified(alice, nonce: 1, fee: 11, amount: 130), senderAccount: account)
        }
    }

    @Test func senderLimit() throws {
        var pool = Fixture.pool(MempoolLimits(maxPerSender: 2))
        try pool.add(Fixture.verified(alice, nonce: 0, fee: 10), senderAccount: Fixture.rich)
        try pool.add(Fixture.verified(alice, nonce: 1, fee: 10), senderAccount: Fixture.rich)
        #expect(throws: MempoolError.senderLimit(limit: 2)) {
            try pool.add(Fixture.verified(alice, nonce: 2, fee: 10), senderAccount: Fixture.rich)
        }
        // Replacing within the limit is still allowed.
        try pool.add(Fixture.verified(alice, nonce: 1, fee: 11), senderAccount: Fixture.rich)
    }

    @Test func replaceByFeeNeedsTenPercentMore() throws {
        var pool = Fixture.pool()
        let original = Fixture.verified(alice, nonce: 0, fee: 100)
        try pool.add(original, senderAccount: Fixture.rich)
        try pool.add(Fixture.verified(alice, nonce: 1, fee: 100), senderAccount: Fixture.rich)
        #expect(throws: MempoolError.replacementUnderpriced(minimumFee: 110)) {
            try pool.add(Fixture.verified(alice, nonce: 0, fee: 109), senderAccount: Fixture.rich)
        }
        #expect(pool.contains(original.id))
        let replacement = Fixture.verified(alice, nonce: 0, fee: 110)
        try pool.add(replacement, senderAccount: Fixture.rich)
        #expect(!pool.contains(original.id))
        #expect(pool.count == 2)
        #expect(pool.pending(for: alice.address).map(\.transaction.fee) == [110, 100])
        #expect(pool.bytes == pool.pending(for: alice.address).map(\.encodedSize).reduce(0, +))
    }

    @Test func replacementMinimumRoundsUp() {
        #expect(TransactionPool.replacementMinimum(for: 0) == 0)
        #expect(TransactionPool.replacementMinimum(for: 5) == 6)
        #expect(TransactionPool.replacementMinimum(for: 10) == 11)
        #expect(TransactionPool.replacementMinimum(for: 100) == 110)
        #expect(TransactionPool.replacementMinimum(for: 101) == 112)
        #expect(TransactionPool.replacementMinimum(for: .max) == .max)
    }

    @Test func staleTransactionsAreDroppedWhenTheAccountMovedOn() throws {
        var pool = Fixture.pool()
        let first = Fixture.verified(alice, nonce: 0, fee: 10)
        try pool.add(first, senderAccount: Fixture.rich)
        // A block the pool was not told about used nonce 0.
        let next = Fixture.verified(alice, nonce: 1, fee: 10)
        let removed = try pool.add(next, senderAccount: Account(balance: 1_000_000, nonce: 1))
        #expect(removed == [first.id])
        #expect(pool.pending(for: alice.address) == [next])
    }
}
