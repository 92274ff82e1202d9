import CairnCrypto
@testable import CairnNode
import CairnP2P
import Testing

/// The consensus driver's messages for later heights: kept within a window of heights and a
/// count, handed back in arrival order when their height starts.
@Suite struct FutureMessageBufferTests {
    /// A distinct message per number (the buffer does not look inside messages).
    static func message(_ n: UInt64) -> NodeMessage { .blockRequest(height: n) }
    static let peer = NodeIdentity.generate().nodeID

    @Test func keepsTheCurrentHeightAndTwoAbove() {
        var buffer = FutureMessageBuffer()
        let kept = [
            buffer.keep(Self.message(1), height: 9, from: nil, current: 10),  // below the current height
            buffer.keep(Self.message(2), height: 10, from: nil, current: 10),
            buffer.keep(Self.message(3), height: 11, from: Self.peer, current: 10),
            buffer.keep(Self.message(4), height: 12, from: nil, current: 10),
            buffer.keep(Self.message(5), height: 13, from: nil, current: 10),  // too far ahead
        ]
        #expect(kept == [false, true, true, true, false])
        #expect(buffer.count == 3)
        #expect(buffer.holds(height: 11) && buffer.holds(height: 12) && !buffer.holds(height: 13))
    }

    @Test func theWindowDoesNotOverflowAtTheTop() {
        var buffer = FutureMessageBuffer()
        let top = buffer.keep(Self.message(1), height: .max, from: nil, current: .max - 1)
        let below = buffer.keep(Self.message(2), height: .max - 2, from: nil, current: .max - 1)
        #expect(top && !below)
    }

    @Test func takeReturnsOneHeightInArrivalOrderAndDropsLowerOnes() {
        var buffer = FutureMessageBuffer()
        buffer.keep(Self.message(1), height: 11, from: Self.peer, current: 10)
        buffer.keep(Self.message(2), height: 10, from: nil, current: 10)
        buffer.keep(Self.message(3), height: 12, from: nil, current: 10)
        buffer.keep(Self.message(4), height: 11, from: nil, current: 10)
        let ready = buffer.take(height: 11)
        #expect(ready.map(\.message) == [Self.message(1), Self.message(4)])
        #expect(ready.map(\.peer) == [Self.peer, nil])
        // Height 10's message was passed over: dropped with height 11's.
        #expect(buffer.count == 1 && !buffer.holds(height: 10) && buffer.holds(height: 12))
        #expect(buffer.take(height: 11).isEmpty)
        #expect(buffer.take(height: 12).map(\.message) == [Self.message(3)])
        #expect(buffer.count == 0)
    }

    @Test func capacityBoundsTheCountUntilMessagesAreTaken() {
        var buffer = FutureMessageBuffer(capacity: 3)
        let kept = (0..<UInt64(4)).map { buffer.keep(Self.message($0), height: $0 < 3 ? 6 : 5, from: nil, current: 5) }
        #expect(kept == [true, true, true, false], "full, whatever the height")
        #expect(buffer.take(height: 6).count == 3)
        let keptOnceTaken = buffer.keep(Self.message(4), height: 7, from: nil, current: 6)
        #expect(keptOnceTaken)
    }

    @Test func defaultsAreTheDriversBounds() {
        let buffer = FutureMessageBuffer()
        #expect(buffer.heightsAhead == 2)
        #expect(buffer.capacity == 10_000)
    }
}
