import Foundation

/// What the network tells the node, in order per peer: `connected`, then its messages, then
/// `disconnected`.
public enum P2PEvent: Sendable {
    case connected(PeerInfo)
    case disconnected(NodeID, reason: String)
    case message(from: NodeID, channel: UInt8, payload: [UInt8])
}

/// A connected peer as `peers()` reports it.
public struct PeerInfo: Sendable, Equatable {
    public var id: NodeID
    /// The socket address of the other end, `ip:port`.
    public var remoteAddress: String
    public var isOutbound: Bool
    public var isPersistent: Bool
    /// Where the peer accepts connections, if it does.
    public var listenAddress: PeerAddress?
    public var nodeInfo: NodeInfo
    public var connectedSince: Date
    public var score: Int
    public var bytesSent: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    public var messagesSent: UInt64 = 0
    public var messagesReceived: UInt64 = 0

    public var moniker: String { nodeInfo.moniker }
}

/// Something a peer did wrong; each lowers its score by `penalty`.
public enum Misbehaviour: Sendable, Equatable, CustomStringConvertible {
    /// A message that does not decode.
    case undecodableMessage(String)
    /// A message that decodes but is invalid (bad signature, wrong height, …).
    case invalidMessage(String)
    /// More messages or bytes per second than allowed.
    case flooding
    /// Breaks the wire protocol: bad handshake, oversized or tampered frame, garbage.
    case protocolViolation(String)
    case custom(penalty: Int, reason: String)

    public var penalty: Int {
        switch self {
        case .undecodableMessage: 20
        case .invalidMessage: 10
        case .flooding: 20
        case .protocolViolation: 50
        case .custom(let penalty, _): max(0, penalty)
        }
    }

    public var description: String {
        switch self {
        case .undecodableMessage(let why): "undecodable message: \(why)"
        case .invalidMessage(let why): "invalid message: \(why)"
        case .flooding: "flooding"
        case .protocolViolation(let why): "protocol violation: \(why)"
        case .custom(_, let reason): reason
        }
    }
}
