import CairnCore
import CairnTestSupport
import CairnCrypto
import CairnMempool
import CairnState
import Testing

/// Random sequences of admissions, foreign spends and blocks built from `reap`, checked against
/// a model state after every step.
@Suite struct PoolPropertyTests {
    static let keys = (100..<110).map(Fixture.key)
    static let proposer = Address(unchecked: [UInt8](repeating: 0x77, count: 20))

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func invariantsHoldAfterAnySequence(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let size = Fixture.verified(Self.keys[0], nonce: 0, fee: 100).encodedSize
        let limits = MempoolLimits(maxTransactions: 10, maxBytes: 8 * size + size / 2, maxPerSender: 4)
        var pool = Fixture.pool(limits)
        var state = MapState()
        for key in Self.keys {
            state.accounts[key.address] = Account(balance: Amount(UInt64.random(in: 500...5_000, using: &rng)), nonce: 0)
        }
        let executor = Fixture.executor
        var foreignNonce: UInt64 = 1_000_000
        var seen = Outcomes()

        for _ in 0..<300 {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 82 {
                try admitRandom(&pool, state: state, rng: &rng, seen: &seen)
            } else if roll < 94 {
                // A block from this pool: it must execute, in order, against committed state.
                let block = pool.reap(maxTransactions: Int.random(in: 0...6, using: &rng),
                                      maxBytes: Int.random(in: 0...(6 * size), using: &rng))
                let outcome = try executor.execute(block, proposer: Self.proposer, state: state)
                for (address, account) in try outcome.changedAccounts() { state.accounts[address] = account }
                let senders = Array(Set(block.map(\.sender))).sorted()
                let dropped = pool.blockCommitted(block.map(\.id),
                                                  senderAccounts: senders.map { ($0, try! state.account($0)) })
                #expect(dropped.isEmpty, "a block built from the pool leaves the rest valid")
                for vtx in block { #expect(!pool.contains(vtx.id)) }
            } else {
                // A block built elsewhere spends from one sender: its nonce moves on and funds go.
                let key = Self.keys.randomElement(using: &rng)!
                var account = try state.account(key.address)
                let spent = min(account.balance, Amount(UInt64.random(in: 0...600, using: &rng)))
                account.balance -= spent
                account.nonce += UInt64.random(in: 0...2, using: &rng)
                state.accounts[key.address] = account
                foreignNonce += 1
                let foreignID = Hash32.sha256(Array("foreign-\(foreignNonce)".utf8))
                _ = pool.blockCommitted([foreignID], senderAccounts: [(key.address, account)])
            }
            try checkInvariants(pool, state: state, limits: limits)
        }
        // The run reached the interesting paths, so the invariants were tested on them.
        #expect(seen.evictions > 0, "\(seen)")
        #expect(seen.replacements > 0, "\(seen)")
        #expect(seen.poolFull > 0, "\(seen)")
        #expect(seen.rejections > 0, "\(seen)")
    }

    struct Outcomes { var evictions = 0, replacements = 0, poolFull = 0, rejections = 0 }

    private func admitRandom(_ pool: inout TransactionPool, state: MapState,
                             rng: inout SeededGenerator, seen: inout Outcomes) throws {
        let key = Self.keys.randomElement(using: &rng)!
        let account = try state.account(key.address)
        let next = pool.nextNonce(for: key.address, accountNonce: account.nonce)
        let low = account.nonce > 0 ? account.nonce - 1 : 0
        let nonce = UInt64.random(in: low...(next + 1), using: &rng)
        let vtx = Fixture.verified(key, nonce: nonce, fee: Amount(UInt64.random(in: 10...60, using: &rng)),
                                   amount: Amount(UInt64.random(in: 0...150, using: &rng)))
        let before = (count: pool.count, bytes: pool.bytes, pending: pool.pending(for: key.address))
        let replacing = before.pending.first { $0.transaction.nonce == nonce }
        do {
            let evicted = try pool.add(vtx, senderAccount: account)
            #expect(pool.contains(vtx.id))
            if let replacing { #expect(!pool.contains(replacing.id)) }
            #expect(pool.count == before.count + (replacing == nil ? 1 : 0) - evicted.count)
            for id in evicted { #expect(!pool.contains(id)) }
            seen.evictions += evicted.count
            if replacing != nil { seen.replacements += 1 }
        } catch {
            if case .poolFull = error { seen.poolFull += 1 } else { seen.rejections += 1 }
            #expect(!pool.contains(vtx.id))
            #expect(pool.count == before.count && pool.bytes == before.bytes)
            #expect(pool.pending(for: key.address) == before.pending, "a refused transaction changes nothing")
        }
    }

    private func checkInvariants(_ pool: TransactionPool, state: MapState, limits: MempoolLimits) throws {
        var count = 0, bytes = 0
        for key in Self.keys {
            let account = try state.account(key.address)
            let pending = pool.pending(for: key.address)
            count += pending.count
            bytes += pending.map(\.encodedSize).reduce(0, +)
            #expect(pending.count <= limits.maxPerSender)
            #expect(pending.map(\.transaction.nonce) == (0..<UInt64(pending.count)).map { account.nonce + $0 },
                    "pending nonces are contiguous from the account nonce")
            let cost = pending.map { try! Fixture.rules.cost(of: $0.transaction) }.reduce(0, +)
            #expect(cost <= account.balance, "pending cost fits the balance")
            #expect(pool.nextNonce(for: key.address, accountNonce: account.nonce) == account.nonce + UInt64(pending.count))
            for vtx in pending { #expect(pool.transaction(vtx.id) == vtx) }
        }
        #expect(pool.count == count && pool.bytes == bytes)
        #expect(pool.count <= limits.maxTransactions && pool.bytes <= limits.maxBytes)
        // Everything reaped at once executes in order.
        let all = pool.reap(maxTransactions: .max, maxBytes: .max)
        #expect(all.count == pool.count)
        _ = try Fixture.executor.execute(all, proposer: Self.proposer, state: state)
        // The order is fee-greedy: each taken transaction is the best among the senders' heads.
        var taken: [Address: Int] = [:]
        for vtx in all {
            let heads = Self.keys.compactMap { key -> VerifiedTransaction? in
                let pending = pool.pending(for: key.address)
                let index = taken[key.address, default: 0]
                return index < pending.count ? pending[index] : nil
            }
            #expect(heads.allSatisfy { $0.transaction.fee <= vtx.transaction.fee })
            taken[vtx.sender, default: 0] += 1
        }
    }
}
