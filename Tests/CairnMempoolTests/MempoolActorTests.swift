import Synchronization
import CairnCore
import CairnCrypto
import CairnMempool
import CairnState
import Testing

@Suite struct MempoolActorTests {
    let signer = Fixture.key(1)

    func mempool(state: MapState, committed: [Hash32: UInt64] = [:]) -> Mempool {
        Mempool(pool: Fixture.pool(), state: state, isCommitted: { committed[$0] },
                admit: { vtx in try Fixture.executor.admit(vtx, nextHeight: 1, state: state) })
    }

    @Test func submitVerifiesReadsTheAccountAndAdmits() async throws {
        let state = MapState(accounts: [signer.address: Account(balance: 1_000, nonce: 3)])
        let mempool = mempool(state: state)
        let tx = Fixture.signed(signer, nonce: 3, fee: 10)
        let id = try await mempool.submit(tx)
        #expect(id == tx.id)
        #expect(await mempool.contains(id))
        #expect(await mempool.pending(for: signer.address).map(\.id) == [id])
        #expect(await mempool.nextNonce(for: signer.address, accountNonce: 3) == 4)
        await #expect(throws: MempoolError.rejected(.nonceAlreadyUsed(accountNonce: 3, got: 2))) {
            try await mempool.submit(Fixture.signed(signer, nonce: 2, fee: 10))
        }
    }

    @Test func committedTransactionsAreRefused() async {
        let tx = Fixture.signed(signer, nonce: 0, fee: 10)
        let mempool = mempool(state: MapState(accounts: [signer.address: Fixture.rich]), committed: [tx.id: 42])
        await #expect(throws: MempoolError.alreadyCommitted(tx.id, height: 42)) { try await mempool.submit(tx) }
        #expect(await mempool.count == 0)
    }

    @Test func encodedSubmissionsAreDecodedAndSizeChecked() throws {
        let mempool = mempool(state: MapState())
        let tx = Fixture.signed(signer, nonce: 0, fee: 10)
        #expect(try mempool.verify(encoded: tx.canonicalBytes).id == tx.id)
        #expect(throws: MempoolError.self) { try mempool.verify(encoded: Array(tx.canonicalBytes.dropLast())) }
        let big = [UInt8](repeating: 0, count: Transaction.maxEncodedBytes + 1)
        #expect(throws: MempoolError.tooLarge(size: big.count, limit: Transaction.maxEncodedBytes)) {
            try mempool.verify(encoded: big)
        }
    }

    /// Flipping any signature byte either breaks the signature or makes it recover some other key:
    /// never is the signer charged or its nonce queue touched.
    @Test(arguments: [0, 7, 31, 32, 50, 63, 64])
    func aTamperedSignatureNeverChargesTheSigner(byte: Int) async {
        let state = MapState(accounts: [signer.address: Fixture.rich])
        let mempool = mempool(state: state)
        let tx = Fixture.signed(signer, nonce: 0, fee: 10)
        var bytes = tx.signature.bytes
        bytes[byte] ^= byte == 64 ? 0x01 : 0x5A
        guard let signature = try? RecoverableSignature(bytes: bytes) else { return } // rejected at parsing
        let tampered = Transaction(unsigned: tx.unsigned, signature: signature)
        do {
            let vtx = try mempool.verify(tampered)
            #expect(vtx.sender != signer.address)
            // Another sender, with an empty account: cannot pay.
            await #expect(throws: MempoolError.rejected(.insufficientFunds(needed: 110, available: 0))) {
                try await mempool.submit(verified: vtx)
            }
        } catch {
            guard case .invalidSignature = error else {
                Issue.record("unexpected error \(error)")
                return
            }
        }
        #expect(await mempool.pending(for: signer.address).isEmpty)
        #expect(await mempool.count == 0)
    }

    @Test func concurrentSubmissionsAllLand() async throws {
        let keys = (10..<42).map(Fixture.key)
        let state = MapState(accounts: Dictionary(uniqueKeysWithValues: keys.map { ($0.address, Fixture.rich) }))
        let mempool = mempool(state: state)
        let txs = keys.flatMap { key in (0..<3).map { Fixture.signed(key, nonce: UInt64($0), fee: 10) } }
        // Nonces of one sender must arrive in order, so each sender submits its own sequence.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for key in keys {
                let mine = txs.filter { (try? $0.recoverSender()) == key.address }
                group.addTask { for tx in mine { _ = try await mempool.submit(tx) } }
            }
            try await group.waitForAll()
        }
        #expect(await mempool.count == txs.count)
        let block = await mempool.reap(maxTransactions: 1_000, maxBytes: 1 << 20)
        #expect(block.count == txs.count)
        let dropped = await mempool.blockCommitted(block.map(\.id), senderAccounts: [])
        #expect(dropped.isEmpty)
        #expect(await mempool.count == 0)
    }

    @Test func blockCommittedDropsWhatAForeignTransactionReplaced() async throws {
        let other = Fixture.key(2)
        var state = MapState(accounts: [signer.address: Fixture.rich, other.address: Fixture.rich])
        let box = StateBox(state)
        let mempool = Mempool(pool: Fixture.pool(), state: box, isCommitted: { _ in nil },
                              admit: { vtx in try Fixture.executor.admit(vtx, nextHeight: 1, state: box) })
        let s0 = try mempool.verify(Fixture.signed(signer, nonce: 0, fee: 10))
        let s1 = try mempool.verify(Fixture.signed(signer, nonce: 1, fee: 10))
        try await mempool.submit(verified: s0)
        try await mempool.submit(verified: s1)
        // A block with a different nonce-0 transaction of signer commits; s1 stays, s0 goes.
        let foreign = try mempool.verify(Fixture.signed(signer, nonce: 0, fee: 77))
        state.accounts[signer.address] = Account(balance: Fixture.rich.balance - 177, nonce: 1)
        box.set(state)
        #expect(await mempool.blockCommitted([foreign.id], senderAccounts: [(signer.address, state.accounts[signer.address]!)]) == [s0.id])
        #expect(await mempool.pending(for: signer.address).map(\.id) == [s1.id])
    }
}

/// Committed state that a test can advance, as the node's store would after a commit.
final class StateBox: StateReader {
    private let lock = Mutex(MapState())
    init(_ state: MapState) { lock.withLock { $0 = state } }
    func set(_ state: MapState) { lock.withLock { $0 = state } }
    func account(_ address: Address) throws -> Account { try lock.withLock { try $0.account(address) } }
    func value(at key: StateKey) throws -> [UInt8]? { try lock.withLock { try $0.value(at: key) } }
}
