import NIOCore

/// What the byte stream of a connection splits into: the fixed-size hello, then sealed frames.
enum InboundFrame {
    case hello([UInt8])
    case frame([UInt8])
}

/// Splits a connection's bytes: first `Hello.size` bytes, then `u32 big-endian length ‖ sealed
/// box` frames. A length above the limit fails before any of the frame is buffered. The two
/// handshake frames (auth, NodeInfo) have a small limit of their own, so an unauthenticated
/// peer cannot make us buffer a large frame.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = InboundFrame

    static let handshakeFrameLimit = 1024

    let maxFrameBytes: Int
    private var helloDone = false
    private var frames = 0

    init(maxFrameBytes: Int) { self.maxFrameBytes = maxFrameBytes }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if !helloDone {
            guard let bytes = buffer.readBytes(length: Hello.size) else { return .needMoreData }
            helloDone = true
            context.fireChannelRead(wrapInboundOut(.hello(bytes)))
            return .continue
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        let limit = frames < 2 ? min(Self.handshakeFrameLimit, maxFrameBytes) : maxFrameBytes
        guard length <= limit else { throw FrameError.tooLarge(length: length, limit: limit) }
        guard length >= FrameCipher.tagSize else { throw FrameError.tooShort(Int(length)) }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let bytes = buffer.readBytes(length: Int(length))!
        frames += 1
        context.fireChannelRead(wrapInboundOut(.frame(bytes)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
