import CairnCore
import CairnCrypto
@testable import CairnState
import Testing

/// Staking operations carried by signed transactions through the executor (Specs/transactions.md
/// §3, §6; Specs/staking.md §4).
struct StakingTransactionTests {
    let v = StakingKeys.all[0]
    let alice = StakingKeys.all[1]

    func signed(_ op: StakingOperation, by key: PrivateKey, nonce: UInt64, fee: Amount = 100) throws -> VerifiedTransaction {
        try VerifiedTransaction(UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee, operation: .staking(op)).signed(with: key))
    }

    @Test func aDelegationTransactionBondsAndPaysTheFeeIntoThePot() throws {
        let chain = try StakingChain(validators: [(v, 10)], balances: [(alice.address, 100 * unit)], staking: testStakingParameters())
        let executor = chain.executor
        let tx = try signed(.delegate(validator: v.address, amount: 5 * unit), by: alice, nonce: 0)
        #expect(try AdmissionRules(chainID: chainID).cost(of: tx.transaction) == 5 * unit + 100)
        let context = executor.context(height: 1, proposer: v.address)
        let outcome = try executor.execute([tx], context: context, state: chain.state)
        var state = chain.state
        for change in outcome.changes { state.entries[change.key] = change.value }
        #expect(try state.account(alice.address) == Account(balance: 95 * unit - 100, nonce: 1))
        var view = StateView(state)
        #expect(try Staking.validator(v.address, &view)?.tokens == 15 * unit)
        #expect(try view.account(ModuleAccount.feeCollector).balance == 100)
        #expect(outcome.results[0].events == [Event(module: "staking", kind: "delegate",
                                                    ["sender": Event.value(alice.address), "amount": String(5 * unit),
                                                     "validator": Event.value(v.address)])])
        #expect(outcome.validatorUpdate == ValidatorSet([Validator(address: v.address, power: 15)]))
    }

    @Test func aFailingStakingRuleRejectsTheWholeTransaction() throws {
        let chain = try StakingChain(validators: [(v, 10)], balances: [(alice.address, 100 * unit)], staking: testStakingParameters())
        let executor = chain.executor
        let stranger = StakingKeys.all[7].address
        let tx = try signed(.delegate(validator: stranger, amount: unit), by: alice, nonce: 0)
        let context = executor.context(height: 1, proposer: v.address)
        #expect(throws: BlockExecutionError(index: 0, rejection: staking(.unknownValidator(stranger)))) {
            try executor.execute([tx], context: context, state: chain.state)
        }
        var overlay = StateOverlay(base: chain.state)
        #expect(throws: staking(.unknownValidator(stranger))) {
            try executor.apply(tx, proposer: v.address, overlay: &overlay)
        }
        #expect(overlay.changes.isEmpty, "nothing of it applied: no nonce, no fee")
    }

    @Test func stakingOperationsRoundTripInsideTransactions() throws {
        let op = StakingOperation.redelegate(source: v.address, destination: alice.address, amount: 7)
        let tx = UnsignedTransaction(chainID: chainID, nonce: 3, fee: 1, operation: .staking(op)).signed(with: alice)
        #expect(try Transaction(canonicalBytes: tx.canonicalBytes) == tx)
        #expect(try Transaction(canonicalBytes: tx.canonicalBytes).recoverSender() == alice.address)
        var bytes = UnsignedTransaction(chainID: chainID, nonce: 3, fee: 1, operation: .staking(op)).canonicalBytes
        // chain id "cairn-test" (1 length byte + 10), nonce 3 (1 byte), fee 1 (1 byte), then the tag.
        let tagOffset = 11 + 1 + 1
        #expect(bytes[tagOffset] == 5, "redelegate is tag 5")
        // Every tag 1–7 decodes to a staking operation; 8–11 are devices', 12–15 storage's, 16–19 energy's; 20 and beyond belong to no module.
        let rules = AdmissionRules(chainID: chainID, consensus: ConsensusParameters())
        for unknown: UInt8 in [20, 99] {
            bytes[tagOffset] = unknown
            let other = Transaction(unsigned: try UnsignedTransaction(canonicalBytes: bytes), signature: tx.signature)
            #expect(throws: TransactionRejection.unknownOperation(tag: UInt64(unknown))) { try rules.cost(of: other) }
        }
    }
}
