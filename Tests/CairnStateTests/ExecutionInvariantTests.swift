import CairnCore
import CairnTestSupport
import CairnCrypto
import CairnState
import Testing

/// Invariants over many random transaction sequences (seeded, so failures reproduce).
@Suite("Execution invariants")
struct ExecutionInvariantTests {
    /// Supply is conserved (Specs/runtime.md §6: the accounts and the fee collector, which
    /// collects every fee; no emission or slashing in one block's transactions), the fee
    /// collector holds exactly the fees of the applied transactions, each sender's nonce counts
    /// its applied transactions, and a rejected transaction changes no balance.
    @Test(arguments: 0..<12)
    func supplyIsConservedAndNoncesCountAppliedTransactions(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let keys = Array(TestKeys.all.prefix(5))
        let proposer = TestKeys.all[5].address
        let everyone = keys.map(\.address) + [proposer]
        var base = MemoryAccounts()
        for k in keys { base.accounts[k.address] = Account(balance: Amount(UInt64.random(in: 0...2_000, using: &rng)), nonce: 0) }
        let supply = base.accounts.values.reduce(Amount(0)) { $0 + $1.balance }
        let executor = executor
        var overlay = StateOverlay(base: base)
        let session = try executor.runtime.begin(executor.context(height: 1, proposer: proposer), &overlay)
        var applied: [Address: UInt64] = [:]
        var nextNonce: [Address: UInt64] = [:]
        var fees: Amount = 0
        for _ in 0..<60 {
            let from = keys.randomElement(using: &rng)!
            let to = everyone.randomElement(using: &rng)!
            // Mostly the right nonce, sometimes a replay or a gap.
            let expected = nextNonce[from.address, default: 0]
            let nonce = [expected, expected, expected, expected &+ 1, expected &- 1].randomElement(using: &rng)!
            let vtx = transfer(from: from, to: to, amount: Amount(UInt64.random(in: 0...800, using: &rng)),
                               fee: Amount(UInt64.random(in: 10...30, using: &rng)), nonce: nonce)
            let before = try everyone.map { try overlay.account($0).balance }
            let potBefore = try overlay.account(ModuleAccount.feeCollector).balance
            do {
                _ = try session.ruleSet.apply(vtx, session, &overlay)
                applied[from.address, default: 0] += 1
                nextNonce[from.address] = expected + 1
                fees += vtx.transaction.fee
            } catch is TransactionRejection {
                #expect(try everyone.map { try overlay.account($0).balance } == before)
                #expect(try overlay.account(ModuleAccount.feeCollector).balance == potBefore)
            }
            let collected = try overlay.account(ModuleAccount.feeCollector).balance
            #expect(collected == fees)
            let total = try everyone.reduce(Amount(0)) { $0 + (try overlay.account($1).balance) }
            #expect(total + collected == supply)
        }
        #expect(fees > 0, "the seed applied some transactions")
        for k in keys {
            #expect(try overlay.account(k.address).nonce == applied[k.address, default: 0])
        }
    }
}
