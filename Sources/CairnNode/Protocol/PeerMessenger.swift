import CairnP2P

/// Where the node's reactors send messages: the peer-to-peer network in a running node.
public protocol PeerMessenger: Sendable {
    func broadcast(_ message: NodeMessage, except: NodeID?)
    /// False when the peer is gone or its send queue is full.
    @discardableResult func send(_ message: NodeMessage, to peer: NodeID) -> Bool
    func report(_ peer: NodeID, _ misbehaviour: Misbehaviour)
}

extension P2PNetwork: PeerMessenger {
    public func broadcast(_ message: NodeMessage, except: NodeID?) {
        broadcast(message.payload, channel: message.channel.rawValue, except: except)
    }

    @discardableResult
    public func send(_ message: NodeMessage, to peer: NodeID) -> Bool {
        send(message.payload, channel: message.channel.rawValue, to: peer)
    }
}

/// A node without peers (in-process benchmarks): messages go nowhere.
public struct NoPeers: PeerMessenger {
    public init() {}
    public func broadcast(_ message: NodeMessage, except: NodeID?) {}
    public func send(_ message: NodeMessage, to peer: NodeID) -> Bool { false }
    public func report(_ peer: NodeID, _ misbehaviour: Misbehaviour) {}
}
