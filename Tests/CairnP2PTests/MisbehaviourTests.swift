import CairnCore
import CairnCrypto
import Crypto
import Testing
@testable import CairnP2P

@Suite struct MisbehaviourTests {
    /// Bans follow the IP here, as in production.
    static func banningNode(_ adjust: (inout P2PConfig) -> Void = { _ in }) async throws -> TestNode {
        try await TestNode(config: TestNode.config {
            $0.banIPAddresses = true
            adjust(&$0)
        })
    }

    @Test func garbageClosesTheConnectionAndRepeatedGarbageBansTheIP() async throws {
        let a = try await Self.banningNode()
        defer { Task { await a.stop() } }
        for _ in 0..<2 {
            let raw = try await RawPeer(port: a.port)
            try await raw.write([UInt8](repeating: 0x5a, count: Hello.size + 10))
            #expect(await raw.waitForClose())
        }
        #expect(await a.waitForLog("bad handshake hello", "wrong magic bytes"))
        #expect(await a.waitForLog("peer banned"))
        // Banned: the next connection is closed at once, before the node says hello.
        let raw = try await RawPeer(port: a.port)
        #expect(await raw.waitForClose())
        #expect(raw.received.isEmpty)
    }

    @Test func anOversizedFrameLengthClosesTheConnection() async throws {
        let a = try await Self.banningNode { $0.maxFrameBytes = 4096 }
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        var sender = try await raw.handshake()
        #expect(await eventually { a.network.peers().count == 1 })
        _ = try RawPeer.frame(&sender, [1, 2, 3])
        try await raw.write([0x00, 0x00, 0x10, 0x01])  // 4097 bytes, one above the limit
        #expect(await raw.waitForClose())
        #expect(await a.waitForLog("frame of 4097 bytes is above the limit of 4096"))
        #expect(await eventually { a.network.peers().isEmpty })
    }

    @Test func aLargeFrameDuringTheHandshakeIsRefused() async throws {
        let a = try await Self.banningNode()
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        // The node may close the connection before the write completes; its log says why.
        try? await raw.write(Hello(ephemeralKey: Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation.map { $0 }).bytes
                             + [0x00, 0x00, 0x04, 0x01])  // a 1025-byte "auth" frame
        #expect(await raw.waitForClose())
        #expect(await a.waitForLog("frame of 1025 bytes is above the limit of 1024"))
    }

    @Test func aTamperedFrameClosesTheConnectionAndRepeatsBanTheNode() async throws {
        let a = try await Self.banningNode()
        defer { Task { await a.stop() } }
        let identity = NodeIdentity.generate()
        for round in 0..<2 {
            let raw = try await RawPeer(port: a.port)
            var sender = try await raw.handshake(identity: identity)
            var frame = try RawPeer.frame(&sender, [1] + Array("hello".utf8))
            frame[6] ^= 0x01
            try await raw.write(frame)
            #expect(await raw.waitForClose())
            #expect(await a.waitForLog("frame failed authentication"))
            #expect(a.network.isBanned(identity.nodeID) == (round == 1))
        }
        // Within the ban the same identity cannot come back.
        let peer = try await TestNode(identity: identity)
        defer { Task { await peer.stop() } }
        peer.network.dial(a.address)
        #expect(await peer.waitForLog("closed during the handshake"))
        #expect(!a.connected(to: identity.nodeID))
    }

    @Test func reportedMisbehaviourBansAndTheBannedPeerCannotReconnect() async throws {
        let a = try await TestNode()
        let b = try await TestNode()
        defer { Task { await a.stop(); await b.stop() } }
        b.network.dial(a.address)
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        a.network.report(b.id, .invalidMessage("bad vote"))
        #expect(a.network.peers().first?.score == -10)
        #expect(a.connected(to: b.id))
        a.network.report(b.id, .custom(penalty: 95, reason: "equivocating proposal"))
        #expect(await a.waitFor {
            if case .disconnected(let id, let reason) = $0 { return id == b.id && reason.contains("banned") }
            return false
        })
        #expect(a.network.isBanned(b.id))
        // B keeps trying (A is in its book) but A refuses it after authenticating it.
        #expect(await a.waitForLog("closed during the handshake", "peer \(b.id) is banned"))
        #expect(!a.connected(to: b.id))
    }

    @Test func floodingIsCutOffAndScoredDown() async throws {
        let a = try await TestNode(config: TestNode.config { $0.maxMessagesPerSecond = 5 })
        let b = try await TestNode()
        defer { Task { await a.stop(); await b.stop() } }
        b.network.dial(a.address)
        #expect(await b.waitFor { $0.connectedPeer == a.id })
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        var sent = 0
        for i in 0..<200 where b.network.send([UInt8(i)], channel: 1, to: a.id) { sent += 1 }
        #expect(sent > 100)
        #expect(await a.waitForLog("peer misbehaved", "flooding"))
        #expect(a.messages(from: b.id).count < sent)
        #expect((a.network.peers().first?.score ?? 0) < 0)
    }

    @Test func anUndecodableControlMessageScoresDownButKeepsTheConnection() async throws {
        let a = try await TestNode()
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        let identity = NodeIdentity.generate()
        var sender = try await raw.handshake(identity: identity)
        #expect(await a.waitFor { $0.connectedPeer == identity.nodeID })
        try await raw.write(try RawPeer.frame(&sender, [0, 99]))  // channel 0, unknown tag 99
        #expect(await a.waitForLog("peer misbehaved", "unknown control message tag 99"))
        #expect(a.network.peers().first?.score == -20)
        #expect(!raw.isClosed)
        await raw.close()
    }
}

@Suite struct PexMisbehaviourTests {
    @Test func pexAnswersAreTakenOnlyWhenAskedForAndMalformedAddressesCost() async throws {
        // A asks once, at connect; a long interval keeps it from asking again while the test
        // runs (on a loaded machine the second answer could otherwise meet a fresh request).
        let a = try await TestNode(config: TestNode.config { $0.pexRequestInterval = .seconds(600) })
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        let identity = NodeIdentity.generate()
        var sender = try await raw.handshake(identity: identity)
        // A asks every new peer for addresses while it has free outbound slots, so this answer is solicited.
        let learned = PeerAddress(id: NodeIdentity.generate().nodeID, host: "10.1.2.3", port: 26656)
        let answer = ControlMessage.pexAddresses([learned.description, "not an address", a.address.description])
        try await raw.write(try RawPeer.frame(&sender, [0] + answer.canonicalBytes))
        #expect(await eventually { a.network.core.withLock { $0.book[learned.id] != nil } })
        #expect(a.network.core.withLock { $0.book[a.id] == nil }, "our own address is skipped")
        #expect(await eventually { a.network.peers().first?.score == -10 })
        // Nobody asked for this one.
        let unsolicited = PeerAddress(id: NodeIdentity.generate().nodeID, host: "10.1.2.4", port: 26656)
        try await raw.write(try RawPeer.frame(&sender, [0] + ControlMessage.pexAddresses([unsolicited.description]).canonicalBytes))
        #expect(await a.waitForLog("peer misbehaved", "PEX addresses nobody asked for"))
        #expect(a.network.core.withLock { $0.book[unsolicited.id] == nil })
        #expect(a.network.peers().first?.score == -20)
        await raw.close()
    }
}
