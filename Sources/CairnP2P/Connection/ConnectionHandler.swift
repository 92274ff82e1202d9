import CairnCore
import Crypto
import NIOCore

/// Runs one connection: the handshake of Specs/p2p.md §3–5, then decrypting frames into messages
/// for the peer manager and encrypting the messages it sends, plus keepalive and flood limits.
/// Lives on the channel's event loop only.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = InboundFrame
    typealias OutboundIn = OutboundMessage
    typealias OutboundOut = ByteBuffer

    private enum Stage { case awaitingHello, awaitingAuth, awaitingNodeInfo, established, closing }

    private let settings: ConnectionSettings
    private let connection: PeerConnection
    private let delegate: any ConnectionDelegate
    private let ephemeral = Curve25519.KeyAgreement.PrivateKey()

    private var stage = Stage.awaitingHello
    private var challenge: [UInt8] = []
    private var sender: FrameCipher?
    private var receiver: FrameCipher?
    private var peerID: NodeID?
    private var closeReason: String?
    /// The peer sent a goodbye (it does not want us now, e.g. it is full).
    private var peerSaidGoodbye = false
    private var deadline: Scheduled<Void>?
    private var keepalive: RepeatedTask?
    private var lastReceived = NIODeadline.now()
    private var pingNonce: UInt64 = 0
    private var windowStart = NIODeadline.now()
    private var windowMessages = 0
    private var windowBytes = 0
    private var floodReported = false

    init(settings: ConnectionSettings, connection: PeerConnection, delegate: any ConnectionDelegate) {
        self.settings = settings
        self.connection = connection
        self.delegate = delegate
    }

    // MARK: Lifecycle

    func channelActive(context: ChannelHandlerContext) {
        let hello = Hello(ephemeralKey: Array(ephemeral.publicKey.rawRepresentation))
        var buffer = context.channel.allocator.buffer(capacity: Hello.size)
        buffer.writeBytes(hello.bytes)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: settings.handshakeTimeout) {
            let (handler, context) = bound.value
            if handler.stage != .established {
                handler.fail(context, HandshakeError.timedOut.description)
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        keepalive?.cancel()
        stage = .closing
        delegate.closed(connection, peer: peerID, reason: closeReason ?? "connection closed by the other side",
                        refusedByPeer: peerSaidGoodbye)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let error = error as? FrameError {
            fail(context, error.description, .protocolViolation(error.description))
        } else {
            fail(context, "connection error: \(error)")
        }
    }

    /// Closes the connection once, remembering why and reporting misbehaviour.
    private func fail(_ context: ChannelHandlerContext, _ reason: String, _ misbehaviour: Misbehaviour? = nil) {
        guard stage != .closing else { return }
        stage = .closing
        closeReason = reason
        if let misbehaviour { delegate.misbehaved(connection, peer: peerID, misbehaviour) }
        context.close(promise: nil)
    }

    /// Sends a goodbye carrying `reason`, then closes.
    private func closePolitely(_ context: ChannelHandlerContext, _ reason: String) {
        guard stage != .closing else { return }
        var short = reason
        while short.utf8.count > ControlMessage.maxReasonLength { short.removeLast() }
        let frame = try? sealFrame(context, [0] + ControlMessage.goodbye(reason: short).canonicalBytes)
        stage = .closing
        closeReason = reason
        guard let frame else {
            context.close(promise: nil)
            return
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in bound.value.close(promise: nil) }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard stage != .closing else { return }
        switch unwrapInboundIn(data) {
        case .hello(let bytes): receiveHello(context, bytes)
        case .frame(let sealed):
            guard receiver != nil else { return fail(context, "frame before hello", .protocolViolation("frame before hello")) }
            let plain: [UInt8]
            do { plain = try receiver!.open(sealed) } catch {
                return fail(context, error.description, .protocolViolation(error.description))
            }
            lastReceived = .now()
            switch stage {
            case .awaitingHello, .closing: return
            case .awaitingAuth: receiveAuth(context, plain)
            case .awaitingNodeInfo: receiveNodeInfo(context, plain)
            case .established: receiveMessage(context, plain, wireBytes: sealed.count + 4)
            }
        }
    }

    private func receiveHello(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        guard stage == .awaitingHello else { return fail(context, "second hello", .protocolViolation("second hello")) }
        do {
            let hello = try Hello(bytes: bytes)
            let keys = try HandshakeKeys(ours: ephemeral, theirs: hello.ephemeralKey)
            sender = FrameCipher(key: keys.sendKey)
            receiver = FrameCipher(key: keys.receiveKey)
            challenge = keys.challenge
            let auth = try AuthMessage(identity: settings.identity, challenge: keys.challenge)
            stage = .awaitingAuth
            context.writeAndFlush(wrapOutboundOut(try sealFrame(context, auth.bytes)), promise: nil)
        } catch let error as HandshakeError {
            fail(context, error.description, .protocolViolation(error.description))
        } catch {
            fail(context, "\(error)")
        }
    }

    private func receiveAuth(_ context: ChannelHandlerContext, _ plain: [UInt8]) {
        let auth: AuthMessage
        do { auth = try AuthMessage(bytes: plain) } catch {
            return fail(context, error.description, .protocolViolation(error.description))
        }
        guard auth.verify(challenge: challenge) else {
            let why = HandshakeError.badAuth("the signature over the challenge is invalid").description
            return fail(context, why, .protocolViolation(why))
        }
        let id = NodeID(publicKey: auth.publicKey)
        peerID = id
        if let dialled = connection.dialled, dialled.id != id {
            return fail(context, HandshakeError.wrongPeer(expected: dialled.id, actual: id).description)
        }
        if let refusal = delegate.authenticated(connection, peer: id) { return fail(context, refusal) }
        do {
            stage = .awaitingNodeInfo
            context.writeAndFlush(wrapOutboundOut(try sealFrame(context, settings.localInfo.canonicalBytes)), promise: nil)
        } catch {
            fail(context, "\(error)")
        }
    }

    private func receiveNodeInfo(_ context: ChannelHandlerContext, _ plain: [UInt8]) {
        let info: NodeInfo
        do { info = try NodeInfo(canonicalBytes: plain) } catch {
            let why = "undecodable NodeInfo: \(error)"
            return fail(context, why, .protocolViolation(why))
        }
        guard info.nodeID == peerID else {
            let why = "NodeInfo names \(info.nodeID), not the authenticated \(peerID.map { "\($0)" } ?? "?")"
            return fail(context, why, .protocolViolation(why))
        }
        let local = settings.localInfo
        if info.protocolVersion != local.protocolVersion {
            return fail(context, HandshakeError.incompatible("protocol version \(info.protocolVersion), ours is \(local.protocolVersion)").description)
        }
        if info.chainID != local.chainID {
            return fail(context, HandshakeError.incompatible("chain id '\(info.chainID)', ours is '\(local.chainID)'").description)
        }
        if info.genesisHash != local.genesisHash {
            return fail(context, HandshakeError.incompatible("genesis hash \(info.genesisHash.hex), ours is \(local.genesisHash.hex)").description)
        }
        deadline?.cancel()
        switch delegate.admit(connection, info: info) {
        case .accepted:
            stage = .established
            startKeepalive(context)
        case .rejected(let reason, let politely):
            stage = .established  // so the goodbye can be sealed and sent
            if politely { closePolitely(context, reason) } else { fail(context, reason) }
        }
    }

    private func receiveMessage(_ context: ChannelHandlerContext, _ plain: [UInt8], wireBytes: Int) {
        guard let channel = plain.first, let peer = peerID else {
            return fail(context, FrameError.emptyMessage.description, .protocolViolation(FrameError.emptyMessage.description))
        }
        let now = NIODeadline.now()
        if now - windowStart >= .seconds(1) {
            windowStart = now
            windowMessages = 0
            windowBytes = 0
            floodReported = false
        }
        windowMessages += 1
        windowBytes += wireBytes
        if windowMessages > settings.maxMessagesPerSecond || windowBytes > settings.maxBytesPerSecond {
            if !floodReported {
                floodReported = true
                delegate.misbehaved(connection, peer: peer, .flooding)
            }
            return  // the excess is dropped
        }
        let payload = Array(plain[1...])
        guard channel == 0 else {
            return delegate.received(connection, peer: peer, channel: channel, payload: payload)
        }
        let message: ControlMessage
        do { message = try ControlMessage(canonicalBytes: payload) } catch {
            return delegate.misbehaved(connection, peer: peer, .undecodableMessage("channel 0: \(error)"))
        }
        switch message {
        case .ping(let nonce): sendControl(context, .pong(nonce: nonce))
        case .pong: break
        case .goodbye(let reason):
            closeReason = "the peer closed: \(reason)"
            peerSaidGoodbye = true
            stage = .closing
            context.close(promise: nil)
        case .pexRequest, .pexAddresses: delegate.receivedControl(connection, peer: peer, message)
        }
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let message = unwrapOutboundIn(data)
        guard stage == .established else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        do {
            context.write(wrapOutboundOut(try sealFrame(context, [message.channel] + message.payload)), promise: promise)
        } catch {
            promise?.fail(error)
            fail(context, "\(error)")
        }
    }

    private func sendControl(_ context: ChannelHandlerContext, _ message: ControlMessage) {
        guard stage == .established, let frame = try? sealFrame(context, [0] + message.canonicalBytes) else { return }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// `u32 big-endian length ‖ ciphertext ‖ tag` under the next send nonce.
    private func sealFrame(_ context: ChannelHandlerContext, _ plain: [UInt8]) throws -> ByteBuffer {
        guard sender != nil else { throw FrameError.sealFailed }
        let sealed = try sender!.seal(plain)
        var buffer = context.channel.allocator.buffer(capacity: 4 + sealed.count)
        buffer.writeInteger(UInt32(sealed.count))
        buffer.writeBytes(sealed)
        return buffer
    }

    private func startKeepalive(_ context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let interval = settings.pingInterval
        keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (handler, context) = bound.value
            handler.keepaliveTick(context)
        }
    }

    private func keepaliveTick(_ context: ChannelHandlerContext) {
        guard stage == .established else { return }
        // While the node is behind and we do not read, silence is ours, not the peer's.
        if (try? context.channel.syncOptions?.getOption(ChannelOptions.autoRead)) == false { lastReceived = .now() }
        if NIODeadline.now() - lastReceived > settings.idleTimeout {
            return fail(context, "nothing received for \(settings.idleTimeout.nanoseconds / 1_000_000) ms")
        }
        pingNonce &+= 1
        sendControl(context, .ping(nonce: pingNonce))
    }
}
