import CairnCrypto
import Logging
import Testing
@testable import CairnP2P

@Suite struct ConnectionTests {
    @Test func twoNodesExchangeMessagesBothWaysOnSeveralChannels() async throws {
        let a = try await TestNode()
        let b = try await TestNode(config: TestNode.config { $0.moniker = "tester-é" + String(repeating: "é", count: 40) })
        defer { Task { await a.stop(); await b.stop() } }
        a.network.dial(b.address)
        #expect(await a.waitFor { $0.connectedPeer == b.id })
        #expect(await b.waitFor { $0.connectedPeer == a.id })

        for channel: UInt8 in [1, 2, 3] {
            #expect(a.network.send([channel, 0xaa], channel: channel, to: b.id))
            #expect(b.network.send([channel, 0xbb, 0xcc], channel: channel, to: a.id))
        }
        #expect(!a.network.send([1], channel: 0, to: b.id), "channel 0 belongs to the P2P layer")
        #expect(await eventually { b.messages(from: a.id).count == 3 && a.messages(from: b.id).count == 3 })
        #expect(b.messages(from: a.id).map(\.0) == [1, 2, 3])
        #expect(b.messages(from: a.id).map(\.1) == [[1, 0xaa], [2, 0xaa], [3, 0xaa]])
        #expect(a.messages(from: b.id).map(\.1) == [[1, 0xbb, 0xcc], [2, 0xbb, 0xcc], [3, 0xbb, 0xcc]])

        let seenByA = try #require(a.network.peers().first)
        #expect(seenByA.id == b.id && seenByA.isOutbound && seenByA.messagesSent == 3 && seenByA.messagesReceived == 3)
        #expect(seenByA.listenAddress == b.address)
        #expect(seenByA.remoteAddress == "127.0.0.1:\(b.port)")
        #expect(seenByA.moniker == "tester-é" + String(repeating: "é", count: 27), "cut to 64 bytes between characters")
        await #expect(throws: P2PNetworkError.alreadyStarted) { try await b.network.start() }
        #expect(b.network.listenPort == b.port && b.network.nodeInfo?.listenPort == b.port)
        #expect(b.network.nodeInfo?.nodeID == b.id && b.network.nodeInfo?.chainID == "p2p-test")
        let seenByB = try #require(b.network.peers().first)
        #expect(seenByB.id == a.id && !seenByB.isOutbound && seenByB.listenAddress?.port == a.port)
    }
}

@Suite struct StartTests {
    @Test func aPortInUseFailsStartAndStartCanBeRetried() async throws {
        let a = try await TestNode()
        var logger = Logger(label: "p2p-test")
        logger.logLevel = .critical
        let second = P2PNetwork(identity: .generate(), config: TestNode.config { $0.listenPort = a.port }, logger: logger)
        await #expect(throws: (any Error).self) { try await second.start() }
        await a.stop()
        // The port is free again; the kernel may take a moment to release it.
        var bound: Int?
        for _ in 0..<50 where bound == nil {
            bound = try? await second.start()
            if bound == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(bound == a.port)
        await second.stop()
    }

    @Test func invalidSettingsAreRefusedWithAReason() async throws {
        var logger = Logger(label: "p2p-test")
        logger.logLevel = .critical
        let cases: [(P2PConfig, String)] = [
            (TestNode.config { $0.externalAddress = "no-port" }, "external address 'no-port' must be host:port"),
            (TestNode.config { $0.maxFrameBytes = 100 }, "max frame bytes 100 is below 4096"),
            (TestNode.config(chainID: "Not Valid"), "chain id 'Not Valid' may hold only"),
        ]
        for (config, reason) in cases {
            let network = P2PNetwork(identity: .generate(), config: config, logger: logger)
            await #expect {
                try await network.start()
            } throws: { error in
                "\(error)".contains(reason)
            }
        }
        let external = TestNode.config { $0.externalAddress = "[2001:db8::1]:30000" }
        let network = P2PNetwork(identity: .generate(), config: external, logger: logger)
        _ = try await network.start()
        #expect(network.nodeInfo?.externalHost == "2001:db8::1" && network.nodeInfo?.listenPort == 30000)
        await network.stop()
    }
}
