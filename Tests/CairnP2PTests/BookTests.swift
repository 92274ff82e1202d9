import Testing
@testable import CairnP2P

@Suite struct BookTests {
    let t0 = ContinuousClock.now

    @Test func scoresFallBanAtTheThresholdAndRecover() {
        var book = ScoreBook(threshold: -100, recoveryInterval: .seconds(10), banDuration: .seconds(60))
        let id = ScoreBook.Key.node(NodeIdentity.generate().nodeID)
        let firstBan = book.penalize(id, by: 50, now: t0)
        #expect(!firstBan)
        #expect(book.score(id, now: t0) == -50)
        #expect(book.score(id, now: t0 + .seconds(100)) == -40)
        #expect(book.score(id, now: t0 + .seconds(10_000)) == 0, "recovery stops at 0")
        let secondBan = book.penalize(id, by: 40, now: t0 + .seconds(100))  // -80
        let thirdBan = book.penalize(id, by: 20, now: t0 + .seconds(100))   // -100: banned
        #expect(!secondBan && thirdBan)
        #expect(book.isBanned(id, now: t0 + .seconds(159)))
        #expect(!book.isBanned(id, now: t0 + .seconds(160)))
        #expect(!book.isBanned(.ip("10.0.0.1"), now: t0 + .seconds(100)))
        book.prune(now: t0 + .seconds(1000))
        #expect(book.bans.isEmpty)
    }

    func address(_ port: Int) -> PeerAddress { PeerAddress(id: NodeIdentity.generate().nodeID, host: "10.0.0.1", port: port) }

    @Test func learnedAddressesAreLimitedPerSourceAndInTotal() {
        var book = AddressBook(capacity: 5, perSourceLimit: 2)
        let source = NodeIdentity.generate().nodeID
        let added = [book.add(address(1), source: source, now: t0), book.add(address(2), source: source, now: t0),
                     book.add(address(3), source: source, now: t0)]
        #expect(added == [true, true, false], "per-source limit")
        let configured = address(4)
        let addedConfigured = book.add(configured, source: nil, persistent: true, now: t0)
        let overwritten = book.add(PeerAddress(id: configured.id, host: "6.6.6.6", port: 1), source: source, now: t0)
        #expect(addedConfigured && !overwritten, "a peer cannot overwrite a known address")
        #expect(book[configured.id]?.address == configured)
        for _ in 0..<6 { book.add(address(9), source: NodeIdentity.generate().nodeID, now: t0) }
        #expect(book.count == 5)
        #expect(book[configured.id] != nil, "configured addresses are never evicted")
    }

    @Test func failedDialsBackOffAndPersistentPeersComeFirst() {
        var book = AddressBook(capacity: 10, perSourceLimit: 10)
        let learned = address(1)
        let persistent = address(2)
        book.add(learned, source: NodeIdentity.generate().nodeID, now: t0)
        book.add(persistent, source: nil, persistent: true, now: t0)
        #expect(book.due(now: t0) { _ in false }.map(\.address) == [persistent, learned])
        book.recordFailure(persistent.id, now: t0, base: .seconds(1), max: .seconds(4))
        book.recordFailure(persistent.id, now: t0, base: .seconds(1), max: .seconds(4))
        #expect(book.due(now: t0 + .milliseconds(1999)) { _ in false }.map(\.address) == [learned])
        #expect(book.due(now: t0 + .seconds(2)) { _ in false }.map(\.address) == [persistent, learned])
        for _ in 0..<10 { book.recordFailure(persistent.id, now: t0, base: .seconds(1), max: .seconds(4)) }
        #expect(book[persistent.id]?.nextAttempt == t0 + .seconds(4), "capped")
        for _ in 0..<8 { book.recordFailure(learned.id, now: t0, base: .seconds(1), max: .seconds(4)) }
        #expect(book[learned.id] == nil, "a learned address that never worked is forgotten")
        #expect(book[persistent.id] != nil, "persistent peers are retried forever")
    }
}
