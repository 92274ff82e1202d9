import CairnCrypto
import Testing
@testable import CairnP2P

@Suite struct HandshakeTests {
    @Test func aPeerWithAnotherIdThanDialledIsDropped() async throws {
        let a = try await TestNode()
        let b = try await TestNode()
        defer { Task { await a.stop(); await b.stop() } }
        let impostor = NodeIdentity.generate().nodeID
        a.network.dial(PeerAddress(id: impostor, host: "127.0.0.1", port: b.port))
        #expect(await a.waitForLog("closed during the handshake", "dialled \(impostor) but the peer is \(b.id)"))
        #expect(a.network.peers().isEmpty)
        #expect(!a.events.contains { $0.connectedPeer != nil })
    }

    @Test func aNodeDiallingItselfDropsTheConnection() async throws {
        let a = try await TestNode()
        defer { Task { await a.stop() } }
        a.network.dial(a.address)  // refused before dialling: it is our own id
        a.network.dial(PeerAddress(id: NodeIdentity.generate().nodeID, host: "127.0.0.1", port: a.port))
        #expect(await a.waitForLog("closed during the handshake", "connected to ourselves"))
        #expect(a.network.peers().isEmpty)
    }

    @Test(arguments: [false, true])
    func peersOfAnotherChainOrGenesisAreDropped(differentGenesis: Bool) async throws {
        let a = try await TestNode()
        let b = try await TestNode(config: differentGenesis
            ? TestNode.config(genesis: Hash32.sha256([1, 2, 3])) : TestNode.config(chainID: "other-chain"))
        defer { Task { await a.stop(); await b.stop() } }
        a.network.dial(b.address)
        let why = differentGenesis ? "genesis hash" : "chain id 'other-chain', ours is 'p2p-test'"
        #expect(await a.waitForLog("incompatible peer", why))
        #expect(await b.waitForLog("incompatible peer"))
        #expect(a.network.peers().isEmpty && b.network.peers().isEmpty)
        #expect(!a.events.contains { $0.connectedPeer != nil } && !b.events.contains { $0.connectedPeer != nil })
        // Incompatibility is not misbehaviour.
        #expect(!a.network.isBanned(b.id) && !b.network.isBanned(a.id))
    }

    @Test func aSilentConnectionIsClosedAtTheHandshakeDeadline() async throws {
        let a = try await TestNode(config: TestNode.config { $0.handshakeTimeout = .milliseconds(300) })
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        #expect(await raw.waitForClose())
        #expect(raw.received.count == Hello.size, "the node sends its hello, then gives up")
        #expect(await a.waitForLog("closed during the handshake", "handshake timed out"))
    }

    @Test func aCompleteHandshakeByHandIsAccepted() async throws {
        let a = try await TestNode()
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        let identity = NodeIdentity.generate()
        _ = try await raw.handshake(identity: identity)
        #expect(await a.waitFor { $0.connectedPeer == identity.nodeID })
        #expect(a.network.peers().first?.listenAddress == nil, "NodeInfo said it does not listen")
        await raw.close()
        #expect(await a.waitFor {
            if case .disconnected(let id, _) = $0 { return id == identity.nodeID }
            return false
        })
    }
}

@Suite struct KeepaliveTests {
    static func fastKeepalive(_ config: inout P2PConfig) {
        config.pingInterval = .milliseconds(100)
        config.idleTimeout = .milliseconds(2_000)
    }

    @Test func aPeerThatGoesSilentIsDisconnected() async throws {
        let a = try await TestNode(config: TestNode.config(Self.fastKeepalive))
        defer { Task { await a.stop() } }
        let raw = try await RawPeer(port: a.port)
        let identity = NodeIdentity.generate()
        _ = try await raw.handshake(identity: identity)
        #expect(await a.waitFor { $0.connectedPeer == identity.nodeID })
        // The raw peer never answers pings.
        #expect(await a.waitFor {
            if case .disconnected(let id, let reason) = $0 { return id == identity.nodeID && reason.hasPrefix("nothing received for") }
            return false
        })
        #expect(await raw.waitForClose())
    }

    @Test func pingsKeepAQuietConnectionAlive() async throws {
        let a = try await TestNode(config: TestNode.config(Self.fastKeepalive))
        let b = try await TestNode(config: TestNode.config(Self.fastKeepalive))
        defer { Task { await a.stop(); await b.stop() } }
        a.network.dial(b.address)
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        try await Task.sleep(for: .seconds(5))  // more than two idle timeouts without node messages
        #expect(a.connected(to: b.id) && b.connected(to: a.id))
        #expect(a.disconnectReasons(b.id).isEmpty)
    }
}
