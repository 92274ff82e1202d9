import CairnCrypto
import Logging
import Testing
@testable import CairnP2P

@Suite struct PeerManagementTests {
    @Test func sendSaysNoWhenThePeersQueueIsFullInsteadOfBuffering() async throws {
        let a = try await TestNode(config: TestNode.config {
            $0.sendQueueLimit = 4
            $0.sendQueueBytes = 3 << 20
        })
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        let identity = NodeIdentity.generate()
        _ = try await raw.handshake(identity: identity)
        #expect(await a.waitFor { $0.connectedPeer == identity.nodeID })
        // The raw peer stops reading: the kernel buffers fill, then the queue.
        try await raw.channel.setOption(.autoRead, value: false)
        let payload = [UInt8](repeating: 7, count: 1 << 20)
        var refused = false
        for _ in 0..<400 {
            if !a.network.send(payload, channel: 1, to: identity.nodeID) {
                refused = true
                break
            }
            let connection = try #require(a.network.core.withLock { $0.peers[identity.nodeID]?.connection })
            #expect(connection.queuedFrames <= 4 && connection.queuedBytes <= 3 << 20)
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(refused)
        #expect(!a.network.send(payload + payload + payload + payload + payload + payload + payload + payload + payload, channel: 1, to: identity.nodeID),
                "a payload above the frame limit is refused")
        #expect(!a.network.send([1], channel: 1, to: NodeIdentity.generate().nodeID), "no such peer")
        await raw.close()
    }

    @Test func aNodeLearnsAThirdPeerThroughPEXAndConnectsToIt() async throws {
        let b = try await TestNode()
        // C asks nobody for addresses: otherwise it can learn A from B and dial it first, and the
        // connection this test is about would be inbound at A.
        let c = try await TestNode(config: TestNode.config { $0.pexEnabled = false })
        defer { Task { await b.stop(); await c.stop() } }
        c.network.dial(b.address)
        #expect(await b.waitFor { $0.connectedPeer == c.id })
        let a = try await TestNode(config: TestNode.config { $0.persistentPeers = [b.address] })
        defer { Task { await a.stop() } }
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        #expect(await a.waitFor { $0.connectedPeer == c.id })
        let toC = try #require(a.network.peers().first { $0.id == c.id })
        #expect(toC.isOutbound && !toC.isPersistent)
        #expect(a.network.send([42], channel: 2, to: c.id))
        #expect(await eventually { c.messages(from: a.id).map(\.1) == [[42]] })
    }

    @Test func aSeedIsAskedForAddressesThenDropped() async throws {
        let seed = try await TestNode()
        let c = try await TestNode()
        defer { Task { await seed.stop(); await c.stop() } }
        c.network.dial(seed.address)
        #expect(await seed.waitFor { $0.connectedPeer == c.id })
        let a = try await TestNode(config: TestNode.config { $0.seeds = [seed.address] })
        defer { Task { await a.stop() } }
        #expect(await a.waitFor { $0.connectedPeer == c.id })
        #expect(await a.waitFor {
            if case .disconnected(let id, let reason) = $0 { return id == seed.id && reason == "seed delivered its addresses" }
            return false
        })
    }

    @Test func aPersistentPeerIsRedialledAfterItRestarts() async throws {
        let identityB = NodeIdentity.generate()
        let b1 = try await TestNode(identity: identityB)
        let port = b1.port
        let a = try await TestNode(config: TestNode.config { $0.persistentPeers = [b1.address] })
        defer { Task { await a.stop() } }
        #expect(await a.waitFor { $0.connectedPeer == identityB.nodeID })
        await b1.stop()
        #expect(await a.waitFor {
            if case .disconnected(let id, _) = $0 { return id == identityB.nodeID }
            return false
        })
        // Let A fail a few dials, then bring B back on the same port.
        try await Task.sleep(for: .milliseconds(300))
        let b2 = try await TestNode(identity: identityB, config: TestNode.config { $0.listenPort = port })
        defer { Task { await b2.stop() } }
        #expect(await a.waitFor(seconds: 30) { _ in a.events.count { $0.connectedPeer == identityB.nodeID } == 2 })
        #expect(await b2.waitFor { $0.connectedPeer == a.id })
    }

    @Test func inboundPeersBeyondTheLimitAreRefusedPolitely() async throws {
        let a = try await TestNode(config: TestNode.config { $0.maxInboundPeers = 1 })
        let b = try await TestNode(config: TestNode.config { $0.pexEnabled = false })
        let c = try await TestNode(config: TestNode.config { $0.pexEnabled = false })
        defer { Task { await a.stop(); await b.stop(); await c.stop() } }
        b.network.dial(a.address)
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        c.network.dial(a.address)
        #expect(await c.waitFor {
            if case .disconnected(let id, let reason) = $0 { return id == a.id && reason.contains("too many inbound peers") }
            return false
        })
        #expect(a.network.peers().map(\.id) == [b.id])
        #expect(!a.network.isBanned(c.id), "being refused is not misbehaviour")
        // C backs off from A as after a failed dial instead of redialling at once.
        #expect(await eventually { c.network.core.withLock { $0.book[a.id]?.failures ?? 0 } >= 2 })
        // The refusal events arrive on C's event stream a moment after its address book counts them.
        #expect(await eventually { c.disconnectReasons(a.id).count >= 2 })
        #expect(c.disconnectReasons(a.id).count <= 6, "backing off, not redialling at once")
    }

    @Test func simultaneousDialsLeaveOneConnection() async throws {
        let a = try await TestNode()
        let b = try await TestNode()
        defer { Task { await a.stop(); await b.stop() } }
        a.network.dial(b.address)
        b.network.dial(a.address)
        #expect(await eventually { a.connected(to: b.id) && b.connected(to: a.id) })
        try await Task.sleep(for: .milliseconds(300))
        #expect(a.network.peers().count == 1 && b.network.peers().count == 1)
        #expect(a.network.send([1], channel: 1, to: b.id))
        #expect(await eventually { b.messages(from: a.id).count == 1 })
    }
}

@Suite struct InboundBackPressureTests {
    @Test func aNodeThatFallsBehindStopsReadingThePeerAndCatchesUpLater() async throws {
        var logger = Logger(label: "p2p-test")
        logger.logLevel = .critical
        let a = P2PNetwork(identity: .generate(), config: TestNode.config {
            $0.inboundQueueLimit = 20
            KeepaliveTests.fastKeepalive(&$0)
        }, logger: logger)
        let port = try await a.start()
        let b = try await TestNode(config: TestNode.config {
            $0.sendQueueLimit = 5000
            KeepaliveTests.fastKeepalive(&$0)
        })
        defer { Task { await a.stop(); await b.stop() } }
        b.network.dial(PeerAddress(id: a.nodeID, host: "127.0.0.1", port: port))
        #expect(await eventually { b.connected(to: a.nodeID) && !a.peers().isEmpty })

        let payload = [UInt8](repeating: 9, count: 4096)
        var sent = 0
        for _ in 0..<1000 where b.network.send(payload, channel: 3, to: a.nodeID) { sent += 1 }
        #expect(sent > 500)
        // Nobody consumes A's events: A pauses reading B instead of buffering everything.
        #expect(await eventually { a.core.withLock { $0.peers[b.id]?.readingPaused ?? false } })
        // Paused for longer than the idle timeout: neither side takes that for a dead peer.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(b.connected(to: a.nodeID) && a.peers().count == 1)
        let waiting = a.core.withLock { $0.undelivered[b.id] ?? 0 }
        #expect(waiting >= 20 && waiting < sent)

        // The node catches up: reading resumes and every message arrives, in order.
        let log = EventLog()
        let consumer = Task { for await event in a.events { log.append(event) } }
        defer { consumer.cancel() }
        let complete = await eventually(seconds: 20) {
            log.all.count { event in
                if case .message(let from, let channel, let bytes) = event { return from == b.id && channel == 3 && bytes == payload }
                return false
            } == sent
        }
        #expect(complete)
        #expect(!log.all.contains { if case .disconnected = $0 { true } else { false } })
    }
}

@Suite struct LimitAndBanExpiryTests {
    @Test func persistentPeersAreAcceptedBeyondTheInboundLimit() async throws {
        let b = try await TestNode()
        // A knows B's id as persistent but not a working address, so B can only come in.
        let a = try await TestNode(config: TestNode.config {
            $0.maxInboundPeers = 0
            $0.persistentPeers = [PeerAddress(id: b.id, host: "127.0.0.1", port: 1)]
        })
        let c = try await TestNode()
        defer { Task { await a.stop(); await b.stop(); await c.stop() } }
        b.network.dial(a.address)
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        #expect(a.network.peers().first?.isPersistent == true)
        c.network.dial(a.address)
        #expect(await c.waitFor {
            if case .disconnected(let id, let reason) = $0 { return id == a.id && reason.contains("too many inbound peers") }
            return false
        })
    }

    @Test func aBannedPeerComesBackWhenTheBanExpires() async throws {
        let a = try await TestNode(config: TestNode.config { $0.banDuration = .milliseconds(700) })
        let b = try await TestNode()
        defer { Task { await a.stop(); await b.stop() } }
        b.network.dial(a.address)
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        a.network.report(b.id, .custom(penalty: 1000, reason: "test ban"))
        #expect(a.network.isBanned(b.id))
        // B keeps redialling A (with backoff); once the ban is over A takes it back.
        #expect(await a.waitFor(seconds: 30) { _ in a.events.count { $0.connectedPeer == b.id } == 2 })
        #expect(!a.network.isBanned(b.id))
        #expect(a.network.peers().first?.score == 0)
    }
}
