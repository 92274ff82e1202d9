import CairnCore
import CairnCrypto
import CairnState
import Testing

@Suite("Block executor")
struct BlockExecutorTests {
    let alice = TestKeys.alice.address, bob = TestKeys.bob.address, proposer = TestKeys.proposer.address
    var state: MemoryAccounts {
        MemoryAccounts(accounts: [TestKeys.alice.address: Account(balance: 1_000, nonce: 0)])
    }

    func rejection(_ txs: [VerifiedTransaction], state: MemoryAccounts? = nil) -> BlockExecutionError? {
        do {
            _ = try executor.execute(txs, proposer: proposer, state: state ?? self.state)
            return nil
        } catch let e as BlockExecutionError { return e } catch { return nil }
    }

    func changes(_ outcome: ExecutionOutcome) -> [Address: Account] {
        Dictionary(uniqueKeysWithValues: try! outcome.changedAccounts().map { ($0.address, $0.account) })
    }

    func pot(_ outcome: ExecutionOutcome, over base: MemoryAccounts? = nil) throws -> Amount {
        try outcome.feesCollected(over: base ?? state)
    }

    @Test func transferMovesAmountAndPaysTheFeeIntoTheRewardPot() throws {
        let outcome = try executor.execute([transfer(from: TestKeys.alice, to: bob, amount: 300, fee: 25, nonce: 0)],
                                           proposer: proposer, state: state)
        let c = changes(outcome)
        #expect(c[alice] == Account(balance: 675, nonce: 1))
        #expect(c[bob] == Account(balance: 300, nonce: 0))
        // The fee is not the proposer's: it waits in the fee collector for the next block's
        // signers (Specs/transactions.md §6, Specs/runtime.md §6, Specs/staking.md §7.1).
        #expect(c[proposer] == nil)
        #expect(try pot(outcome) == 25)
        #expect(outcome.results == [TransactionResult(feePaid: 25, events: [
            Event(module: "bank", kind: "transfer", ["from": Event.value(alice), "to": Event.value(bob), "amount": "300"]),
        ])])
        // Touched accounts come out sorted by address, whatever order they were touched in.
        #expect((try outcome.changedAccounts()).map(\.address) == (try outcome.changedAccounts()).map(\.address).sorted())
        // Two accounts and the fee collector's, nothing else.
        #expect(outcome.changes.map(\.key) == [StateKey.account(alice), .account(bob), .account(ModuleAccount.feeCollector)].sorted())
    }

    @Test func rejectsTheWrongChain() {
        let e = rejection([transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 0, chain: "other")])
        #expect(e == BlockExecutionError(index: 0, rejection: .wrongChain(expected: chainID, got: "other")))
    }

    @Test func rejectsAFeeBelowTheMinimum() {
        #expect(rejection([transfer(from: TestKeys.alice, to: bob, amount: 1, fee: 9, nonce: 0)])
                == BlockExecutionError(index: 0, rejection: .feeTooLow(minimum: 10, got: 9)))
        #expect(rejection([transfer(from: TestKeys.alice, to: bob, amount: 1, fee: 10, nonce: 0)]) == nil)
    }

    @Test func rejectsReplayedAndFutureNonces() {
        var s = state
        s.accounts[alice] = Account(balance: 1_000, nonce: 5)
        #expect(rejection([transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 4)], state: s)
                == BlockExecutionError(index: 0, rejection: .nonceAlreadyUsed(accountNonce: 5, got: 4)))
        #expect(rejection([transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 6)], state: s)
                == BlockExecutionError(index: 0, rejection: .nonceGap(expected: 5, got: 6)))
        // The same transaction twice in one block: the second is a replay.
        let tx = transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 5)
        #expect(rejection([tx, tx], state: s)
                == BlockExecutionError(index: 1, rejection: .nonceAlreadyUsed(accountNonce: 6, got: 5)))
        // Consecutive nonces in one block apply in order.
        #expect(rejection([tx, transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 6)], state: s) == nil)
    }

    @Test func balanceMustCoverAmountPlusFee() throws {
        #expect(rejection([transfer(from: TestKeys.alice, to: bob, amount: 991, fee: 10, nonce: 0)])
                == BlockExecutionError(index: 0, rejection: .insufficientFunds(needed: 1_001, available: 1_000)))
        let outcome = try executor.execute([transfer(from: TestKeys.alice, to: bob, amount: 990, fee: 10, nonce: 0)],
                                           proposer: proposer, state: state)
        #expect(changes(outcome)[alice] == Account(balance: 0, nonce: 1))
        // An account never written has nothing to spend.
        #expect(rejection([transfer(from: TestKeys.carol, to: bob, amount: 0, fee: 10, nonce: 0)])
                == BlockExecutionError(index: 0, rejection: .insufficientFunds(needed: 10, available: 0)))
        // amount + fee above 2^128-1 is insufficient funds, not a crash.
        let huge = rejection([transfer(from: TestKeys.alice, to: bob, amount: .max, fee: 10, nonce: 0)])
        guard case .insufficientFunds? = huge?.rejection else { Issue.record("got \(String(describing: huge))"); return }
    }

    @Test func fundsReceivedEarlierInTheBlockCanBeSpent() throws {
        let txs = [transfer(from: TestKeys.alice, to: bob, amount: 500, nonce: 0),
                   transfer(from: TestKeys.bob, to: TestKeys.carol.address, amount: 490, nonce: 0)]
        let outcome = try executor.execute(txs, proposer: proposer, state: state)
        let c = changes(outcome)
        #expect(c[bob] == Account(balance: 0, nonce: 1))
        #expect(c[TestKeys.carol.address] == Account(balance: 490, nonce: 0))
        #expect(c[proposer] == nil)
        #expect(try pot(outcome) == 20, "both fees")
    }

    @Test func selfTransferCostsOnlyTheFee() throws {
        let c = changes(try executor.execute([transfer(from: TestKeys.alice, to: alice, amount: 400, fee: 10, nonce: 0)],
                                             proposer: proposer, state: state))
        #expect(c[alice] == Account(balance: 990, nonce: 1))
        // The proposer sending to itself pays the fee like anyone: it goes to the pot, not back.
        let s = MemoryAccounts(accounts: [proposer: Account(balance: 50, nonce: 0)])
        let outcome = try executor.execute([transfer(from: TestKeys.proposer, to: proposer, amount: 40, fee: 10, nonce: 0)],
                                           proposer: proposer, state: s)
        #expect(changes(outcome)[proposer] == Account(balance: 40, nonce: 1))
        #expect(try pot(outcome, over: s) == 10)
    }

    @Test func zeroCreditsDoNotTouchAccounts() throws {
        let free = try executor.execute([transfer(from: TestKeys.alice, to: bob, amount: 0, fee: 0, nonce: 0)], proposer: proposer,
                                        state: MemoryAccounts(accounts: [alice: Account(balance: 1, nonce: 0)], consensus: ConsensusParameters()))
        // Only the sender changes: neither the recipient of 0 nor the reward pot of a 0 fee is written.
        #expect((try free.changedAccounts()).map(\.address) == [alice])
        #expect((try free.changedAccounts()).first?.account == Account(balance: 1, nonce: 1))
        #expect(free.changes.map(\.key) == [StateKey.account(alice)])
    }

    @Test func aBlockIsAllOrNothing() {
        // First transaction valid, second invalid: the block fails at index 1 and yields no outcome.
        let txs = [transfer(from: TestKeys.alice, to: bob, amount: 10, nonce: 0),
                   transfer(from: TestKeys.bob, to: alice, amount: 1_000, nonce: 0)]
        #expect(rejection(txs) == BlockExecutionError(index: 1, rejection: .insufficientFunds(needed: 1_010, available: 10)))
    }

    @Test func rejectedApplyLeavesTheOverlayUnchanged() throws {
        var overlay = StateOverlay(base: state)
        let bad = transfer(from: TestKeys.alice, to: bob, amount: 5_000, nonce: 0)
        #expect(throws: TransactionRejection.insufficientFunds(needed: 5_010, available: 1_000)) {
            try executor.apply(bad, proposer: proposer, overlay: &overlay)
        }
        #expect(overlay.changes.isEmpty)
    }

    /// A credit that overflows must undo the sender's debit. Unreachable on a chain whose genesis
    /// supply fits in 128 bits, but `apply` promises all-or-nothing.
    @Test
    func overflowingCreditLeavesTheOverlayUnchanged() throws {
        let s = MemoryAccounts(accounts: [alice: Account(balance: 1_000, nonce: 0), bob: Account(balance: .max, nonce: 0)])
        var overlay = StateOverlay(base: s)
        #expect(throws: bank(.balanceOverflow(bob))) {
            try executor.apply(transfer(from: TestKeys.alice, to: bob, amount: 1, nonce: 0), proposer: proposer, overlay: &overlay)
        }
        let a = try overlay.account(alice)
        #expect(a == Account(balance: 1_000, nonce: 0))
    }

    @Test func rejectionMessages() {
        #expect(TransactionRejection.nonceGap(expected: 3, got: 5).description == "nonce 5 is ahead: the next nonce for this sender is 3")
        #expect(BlockExecutionError(index: 2, rejection: .feeTooLow(minimum: 10, got: 1)).description
                == "transaction 2 of the block is invalid: fee 1 is below the minimum of 10 base units")
    }
}
