@testable import CairnTools
import Testing

/// The pure parts of `cairn bench network`: the fixed-rate schedule, percentiles, funding nonces.
@Suite("Network benchmark (pure parts)")
struct NetworkBenchmarkTests {
    @Test func scheduleSpacesTransactionsExactlyAtTheRate() {
        let s = FixedRateSchedule(rate: 1_000, total: 5_000, accounts: 7, nodes: 4)
        #expect(s.dueMicroseconds(0) == 0)
        #expect(s.dueMicroseconds(1) == 1_000)
        #expect(s.dueMicroseconds(4_999) == 4_999_000)
        // Due by t: every i with i·1000 µs ≤ t.
        #expect(s.dueCount(atMicroseconds: -1) == 0)
        #expect(s.dueCount(atMicroseconds: 0) == 1)
        #expect(s.dueCount(atMicroseconds: 999) == 1)
        #expect(s.dueCount(atMicroseconds: 1_000) == 2)
        #expect(s.dueCount(atMicroseconds: 10_000) == 11)
        #expect(s.dueCount(atMicroseconds: 1_000_000_000) == 5_000)
    }

    @Test func dueCountAgreesWithDueTimesForOddRates() {
        for rate in [1, 3, 7, 999, 3_000, 8_191] {
            let s = FixedRateSchedule(rate: rate, total: 2_000, accounts: 13, nodes: 3)
            for i in stride(from: 0, to: 2_000, by: 37) {
                let due = s.dueMicroseconds(i)
                #expect(s.dueCount(atMicroseconds: due) > i, "rate \(rate): tx \(i) is due at \(due)")
                if due > 0 { #expect(s.dueCount(atMicroseconds: due - 1) <= i, "rate \(rate): tx \(i) due early") }
            }
        }
    }

    @Test func windowHoldsTheTransactionsDueInIt() {
        let s = FixedRateSchedule(rate: 2_000, total: 2_000 * 23, accounts: 400, nodes: 4)
        let window = s.indices(dueFromMicroseconds: 3_000_000, toMicroseconds: 23_000_000)
        #expect(window == 6_000..<46_000)
        #expect(window.count == 2_000 * 20)
    }

    @Test func eachAccountGoesToOneNodeInNonceOrder() {
        let s = FixedRateSchedule(rate: 500, total: 1_000, accounts: 10, nodes: 4)
        var lastNonce: [Int: UInt64] = [:]
        var nodeOf: [Int: Int] = [:]
        for node in 0..<4 {
            let mine = s.indices(forNode: node)
            #expect(mine == mine.sorted())
            for i in mine {
                let account = s.account(of: i)
                #expect(nodeOf[account, default: node] == node)
                nodeOf[account] = node
                if let last = lastNonce[account] { #expect(s.nonce(of: i) == last + 1) }
                lastNonce[account] = s.nonce(of: i)
            }
        }
        #expect((0..<4).map { s.indices(forNode: $0).count }.reduce(0, +) == 1_000)
        #expect(lastNonce.count == 10)
        #expect(lastNonce.values.allSatisfy { $0 == 99 })
    }

    @Test func nearestRankPercentiles() {
        let p = Percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])
        #expect(p.percentile(50) == 5)
        #expect(p.percentile(90) == 9)
        #expect(p.percentile(99) == 10)
        #expect(p.percentile(100) == 10)
        #expect(p.percentile(1) == 1)
        #expect(p.max == 10)
        #expect(p.min == 1)
        #expect(p.mean == 5)  // 55 / 10, rounded toward zero
        let one = Percentiles([42])
        #expect(one.percentile(1) == 42 && one.percentile(99) == 42)
        #expect(Percentiles([]).percentile(50) == nil)
        #expect(Percentiles([]).mean == nil)
    }

    @Test func percentilesOfAThousandSamples() {
        let p = Percentiles((1...1_000).reversed().map(Int64.init))
        #expect(p.percentile(50) == 500)
        #expect(p.percentile(90) == 900)
        #expect(p.percentile(99) == 990)
    }

    @Test func fundingTransfersSpreadOverTheFundedAccounts() {
        #expect(NetworkBenchmark.fundingTransfers(accounts: 50, funded: 50) == Array(repeating: 0, count: 50))
        let counts = NetworkBenchmark.fundingTransfers(accounts: 250, funded: 100)
        #expect(counts.count == 250)
        #expect(counts.reduce(0, +) == 150)
        #expect(counts[0..<50].allSatisfy { $0 == 2 } && counts[50..<100].allSatisfy { $0 == 1 })
        #expect(counts[100...].allSatisfy { $0 == 0 })
    }

    @Test func localnetTestAccountLimitIsWhatValidateAccepts() throws {
        let limit = LocalnetSpec().testAccountsLimit
        #expect(limit >= 1)
        var spec = LocalnetSpec()
        spec.testAccounts = limit
        try spec.validate()
        spec.testAccounts = limit + 1
        #expect(throws: LocalnetError.self) { try spec.validate() }
    }
}
