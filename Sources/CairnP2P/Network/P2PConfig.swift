import CairnCore
import CairnCrypto

/// Settings of the peer-to-peer layer. The defaults are the values Specs/p2p.md names; tests
/// shorten the intervals.
public struct P2PConfig: Sendable {
    public var listenHost: String = "0.0.0.0"
    /// 0 picks a free port (`start()` returns the one bound).
    public var listenPort: Int = 26656
    /// `host:port` other nodes should dial, advertised in NodeInfo and PEX; nil advertises the
    /// bound port and lets peers use the IP they see.
    public var externalAddress: String?
    /// Dialled at start and redialled with backoff forever; exempt from the peer limits.
    public var persistentPeers: [PeerAddress] = []
    /// Dialled only to learn addresses through PEX, then dropped.
    public var seeds: [PeerAddress] = []
    public var maxInboundPeers = 40
    public var maxOutboundPeers = 10
    /// The largest sealed frame (ciphertext ‖ tag) accepted or sent: 8 MiB, room for a 4 MiB block.
    public var maxFrameBytes = 8 * 1024 * 1024
    /// Frames queued per peer (written but not yet handed to the kernel) before `send` says no.
    public var sendQueueLimit = 1024
    /// Payload bytes queued per peer before `send` says no (one message is always accepted
    /// into an empty queue, however large).
    public var sendQueueBytes = 16 * 1024 * 1024
    /// Messages of one peer waiting in `events` before the network stops reading its socket.
    public var inboundQueueLimit = 1024
    public var chainID: String
    public var genesisHash: Hash32
    public var moniker: String = ""
    public var software: String = "cairn"
    public var handshakeTimeout: Duration = .seconds(10)
    public var dialTimeout: Duration = .seconds(5)
    public var banDuration: Duration = .seconds(24 * 3600)
    /// Whether a ban also covers the banned peer's IP address (a node id is free to mint).
    public var banIPAddresses = true
    public var pexEnabled = true
    /// Minimum time between two PEX requests we send to one peer; a peer may send us one per
    /// half of this interval, more often is misbehaviour.
    public var pexRequestInterval: Duration = .seconds(30)
    /// Addresses in one PEX reply (at most 64 on the wire).
    public var pexMaxAddresses = 32
    public var addressBookCapacity = 1000
    /// Addresses one peer may contribute to the address book.
    public var addressBookPerSourceLimit = 64
    public var pingInterval: Duration = .seconds(10)
    /// A connection on which nothing arrives for this long is closed.
    public var idleTimeout: Duration = .seconds(40)
    /// How often the peer manager redials, fills outbound slots and asks for addresses.
    public var maintenanceInterval: Duration = .seconds(2)
    /// First redial delay after a failed dial; it doubles per failure up to `redialMaxDelay`.
    public var redialBaseDelay: Duration = .seconds(1)
    public var redialMaxDelay: Duration = .seconds(60)
    /// Per peer and second: more messages or bytes than this is flooding; the excess is
    /// dropped and the peer scored down.
    public var maxMessagesPerSecond = 2000
    public var maxBytesPerSecond = 64 * 1024 * 1024
    /// A peer or IP whose score falls to this value or below is banned.
    public var banThreshold = -100
    /// Scores recover by one point per this interval, back up to 0.
    public var scoreRecoveryInterval: Duration = .seconds(10)

    public init(chainID: String, genesisHash: Hash32) {
        self.chainID = chainID
        self.genesisHash = genesisHash
    }

    /// `externalAddress` split into host and port (brackets around an IPv6 host removed); nil
    /// if unset or malformed.
    var externalHostPort: (host: String, port: Int)? {
        guard let external = externalAddress, let colon = external.lastIndex(of: ":"),
              let port = Int(external[external.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(external[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.utf8.count <= NodeInfo.maxHostLength,
              (try? PeerAddress(PeerAddress(id: NodeID(unchecked: [UInt8](repeating: 0, count: 20)), host: host, port: port).description)) != nil
        else { return nil }
        return (host, port)
    }

    /// What is wrong with these settings, if anything.
    var problem: String? {
        if let why = ChainID.validate(chainID) { return why }
        if externalAddress != nil && externalHostPort == nil {
            return "external address '\(externalAddress!)' must be host:port (an IPv6 host in brackets)"
        }
        if !(0...65535).contains(listenPort) { return "listen port \(listenPort) is not 0…65535" }
        if maxFrameBytes < 4096 { return "max frame bytes \(maxFrameBytes) is below 4096" }
        if sendQueueLimit < 1 || inboundQueueLimit < 2 { return "queue limits must be at least 1 (send) and 2 (inbound)" }
        if maxInboundPeers < 0 || maxOutboundPeers < 0 { return "peer limits must not be negative" }
        if !(1...ControlMessage.maxAddresses).contains(pexMaxAddresses) {
            return "pex max addresses must be 1…\(ControlMessage.maxAddresses)"
        }
        return nil
    }
}
