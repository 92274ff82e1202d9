import NIOCore

/// How a connection handler reports to the peer manager. Called on the connection's event loop;
/// implementations must not call back into NIO while holding their own lock.
protocol ConnectionDelegate: AnyObject, Sendable {
    /// The peer proved it holds `peer`'s key: nil to go on, or why to close (banned, ourselves).
    func authenticated(_ connection: PeerConnection, peer: NodeID) -> String?
    /// The handshake is complete: whether the peer set takes this connection.
    func admit(_ connection: PeerConnection, info: NodeInfo) -> Admission
    func received(_ connection: PeerConnection, peer: NodeID, channel: UInt8, payload: [UInt8])
    /// Channel 0 messages other than ping, pong and goodbye, which the handler answers itself.
    func receivedControl(_ connection: PeerConnection, peer: NodeID, _ message: ControlMessage)
    func misbehaved(_ connection: PeerConnection, peer: NodeID?, _ misbehaviour: Misbehaviour)
    /// The connection is gone; `refusedByPeer` when the peer said goodbye first.
    func closed(_ connection: PeerConnection, peer: NodeID?, reason: String, refusedByPeer: Bool)
}

enum Admission {
    case accepted
    /// Refused; `politely` sends a goodbye with the reason first.
    case rejected(reason: String, politely: Bool)
}

/// What a connection handler needs to know, fixed when the connection is created.
struct ConnectionSettings: Sendable {
    let identity: NodeIdentity
    let localInfo: NodeInfo
    let maxFrameBytes: Int
    let handshakeTimeout: TimeAmount
    let pingInterval: TimeAmount
    let idleTimeout: TimeAmount
    let maxMessagesPerSecond: Int
    let maxBytesPerSecond: Int
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000)
    }
}
