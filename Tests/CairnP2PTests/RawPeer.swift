import CairnCore
import CairnCrypto
import Crypto
import NIOCore
import NIOPosix
import Synchronization
@testable import CairnP2P

/// A hand-driven TCP client for feeding a node bytes no well-behaved peer would send.
final class RawPeer: Sendable {
    let channel: any Channel
    private let inbound: ByteLog

    final class ByteLog: Sendable {
        private let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))
        func append(_ bytes: [UInt8]) { state.withLock { $0.bytes += bytes } }
        func markClosed() { state.withLock { $0.closed = true } }
        var bytes: [UInt8] { state.withLock { $0.bytes } }
        var closed: Bool { state.withLock { $0.closed } }
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let log: ByteLog
        init(log: ByteLog) { self.log = log }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            log.append(buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
        func channelInactive(context: ChannelHandlerContext) { log.markClosed() }
    }

    init(port: Int) async throws {
        let log = ByteLog()
        inbound = log
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(log: log)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    var received: [UInt8] { inbound.bytes }
    var isClosed: Bool { inbound.closed }

    func write(_ bytes: [UInt8]) async throws {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await channel.writeAndFlush(buffer)
    }

    func waitForClose(seconds: Double = 10) async -> Bool { await eventually(seconds: seconds) { self.isClosed } }

    func close() async { try? await channel.close() }

    /// Runs our side of the handshake (hello, auth, NodeInfo) against a node and returns the
    /// cipher for the frames we send next. The node's own frames are not checked.
    func handshake(identity: NodeIdentity = .generate(), chainID: String = "p2p-test",
                   genesis: Hash32 = TestNode.genesis) async throws -> FrameCipher {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        try await write(Hello(ephemeralKey: Array(ephemeral.publicKey.rawRepresentation)).bytes)
        guard await eventually(seconds: 30, { self.received.count >= Hello.size }) else { throw RawPeerError.noHello }
        let hello = try Hello(bytes: Array(received.prefix(Hello.size)))
        let keys = try HandshakeKeys(ours: ephemeral, theirs: hello.ephemeralKey)
        var sender = FrameCipher(key: keys.sendKey)
        try await write(Self.frame(&sender, try AuthMessage(identity: identity, challenge: keys.challenge).bytes))
        let info = NodeInfo(nodeID: identity.nodeID, chainID: chainID, genesisHash: genesis, listenPort: 0,
                            externalHost: "", moniker: "raw", software: "test")
        try await write(Self.frame(&sender, info.canonicalBytes))
        return sender
    }

    static func frame(_ cipher: inout FrameCipher, _ plain: [UInt8]) throws -> [UInt8] {
        let sealed = try cipher.seal(plain)
        return withUnsafeBytes(of: UInt32(sealed.count).bigEndian, Array.init) + sealed
    }

    enum RawPeerError: Error { case noHello }
}
