import CairnCore
import Testing
@testable import CairnP2P

/// Whatever a peer sends, the node keeps running and keeps serving other peers.
@Suite struct RobustnessTests {
    /// SplitMix64: a fixed seed gives the same inputs on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    static func bytes(_ count: Int, _ rng: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    @Test func randomBytesBeforeAndAfterTheHandshakeNeverHurtTheNode() async throws {
        let a = try await TestNode(config: TestNode.config { $0.maxFrameBytes = 4096 })
        defer { Task { await a.stop() } }
        var rng = SeededGenerator(state: 2026)
        for round in 0..<24 {
            let raw = try await RawPeer(port: a.port)
            switch round % 3 {
            case 0:  // garbage instead of a hello, of any length
                // The node may already have closed the connection; that is a fine answer to garbage.
                try? await raw.write(Self.bytes(Int.random(in: 1...200, using: &rng), &rng))
            case 1:  // a valid hello, then garbage where the frames should be
                var hello = Hello(ephemeralKey: Self.bytes(32, &rng)).bytes
                hello += Self.bytes(Int.random(in: 1...100, using: &rng), &rng)
                try? await raw.write(hello)
            default:  // a full handshake, then well-encrypted random messages on channel 0 and others
                guard var sender = try? await raw.handshake() else { break }
                for _ in 0..<10 {
                    let channel: UInt8 = Bool.random(using: &rng) ? 0 : UInt8.random(in: 1...255, using: &rng)
                    let payload = Self.bytes(Int.random(in: 0...64, using: &rng), &rng)
                    try? await raw.write(try RawPeer.frame(&sender, [channel] + payload))
                }
            }
            await raw.close()
        }
        // Still serving: a well-behaved node connects and talks.
        let b = try await TestNode()
        defer { Task { await b.stop() } }
        b.network.dial(a.address)
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        #expect(b.network.send([1, 2, 3], channel: 1, to: a.id))
        #expect(await eventually { a.messages(from: b.id).map(\.1) == [[1, 2, 3]] })
    }
}
