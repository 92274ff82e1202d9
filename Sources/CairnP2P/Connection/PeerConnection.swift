import NIOCore
import Synchronization

/// A message for a peer, handed to its channel; the connection handler encrypts it.
struct OutboundMessage: Sendable {
    let channel: UInt8
    let payload: [UInt8]
}

/// One TCP connection (handshaking or established), shared between its NIO handler and the
/// peer manager. Its send queue is bounded in frames and in bytes: a frame counts from
/// `trySend` until NIO has handed it to the kernel, so a peer (or link) that does not keep up
/// makes `trySend` fail instead of buffering. This is the writability signal of the channel,
/// measured in our own units: NIO only completes a write once the socket took it.
final class PeerConnection: Sendable {
    let serial: UInt64
    let channel: Channel
    let isOutbound: Bool
    /// The address we dialled (outbound only); the peer must turn out to have its id.
    let dialled: PeerAddress?
    let sendQueueLimit: Int
    let sendQueueBytes: Int
    let maxPayload: Int
    private let queued = Mutex((frames: 0, bytes: 0))

    init(serial: UInt64, channel: Channel, dialled: PeerAddress?, sendQueueLimit: Int, sendQueueBytes: Int,
         maxFrameBytes: Int) {
        self.serial = serial
        self.channel = channel
        self.isOutbound = dialled != nil
        self.dialled = dialled
        self.sendQueueLimit = sendQueueLimit
        self.sendQueueBytes = sendQueueBytes
        // Sealed frame = channel byte ‖ payload ‖ 16-byte tag.
        self.maxPayload = maxFrameBytes - 1 - FrameCipher.tagSize
    }

    /// The other end's IP (for an outbound connection that is not yet open: the dialled host).
    /// Read from the channel each time: an outbound channel has no remote address when created.
    var remoteIP: String? { channel.remoteAddress?.ipAddress ?? dialled?.host }

    var remoteAddress: String {
        if let address = channel.remoteAddress, let ip = address.ipAddress, let port = address.port { return "\(ip):\(port)" }
        return dialled.map { "\($0.host):\($0.port)" } ?? "unknown"
    }

    var queuedFrames: Int { queued.withLock { $0.frames } }
    var queuedBytes: Int { queued.withLock { $0.bytes } }

    /// Queues a message; false if the queue is full or the message cannot fit in a frame. An
    /// empty queue always takes one message, so a frame larger than the byte budget still goes.
    func trySend(channel number: UInt8, payload: [UInt8]) -> Bool {
        guard payload.count <= maxPayload else { return false }
        let size = payload.count
        let admitted = queued.withLock { queue -> Bool in
            guard queue.frames < sendQueueLimit, queue.frames == 0 || queue.bytes + size <= sendQueueBytes else { return false }
            queue.frames += 1
            queue.bytes += size
            return true
        }
        guard admitted else { return false }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { _ in
            self.queued.withLock { queue in
                queue.frames -= 1
                queue.bytes -= size
            }
        }
        channel.writeAndFlush(OutboundMessage(channel: number, payload: payload), promise: promise)
        return true
    }

    func close() {
        channel.close(promise: nil)
    }
}
