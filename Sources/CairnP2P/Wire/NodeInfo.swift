import CairnCore
import CairnCrypto

/// What a peer says about itself in the second encrypted frame of the handshake (canonical
/// encoding, Specs/p2p.md §5). Its `nodeID` must equal the id of the key that authenticated.
public struct NodeInfo: Sendable, Equatable, CanonicalCodable {
    public static let protocolVersion: UInt64 = 1
    public static let maxHostLength = 253
    public static let maxMonikerLength = 64
    public static let maxSoftwareLength = 64

    public var protocolVersion: UInt64
    public var nodeID: NodeID
    public var chainID: String
    public var genesisHash: Hash32
    /// The port this node accepts connections on; 0 if it does not listen.
    public var listenPort: Int
    /// The host other nodes should dial (the configured external address); empty means "the IP
    /// you see me connect from".
    public var externalHost: String
    public var moniker: String
    public var software: String

    public init(protocolVersion: UInt64 = NodeInfo.protocolVersion, nodeID: NodeID, chainID: String, genesisHash: Hash32,
                listenPort: Int, externalHost: String, moniker: String, software: String) {
        self.protocolVersion = protocolVersion
        self.nodeID = nodeID
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.listenPort = listenPort
        self.externalHost = externalHost
        self.moniker = moniker
        self.software = software
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: protocolVersion)
        writer.write(fixed: nodeID.bytes)
        writer.write(string: chainID)
        writer.write(hash: genesisHash)
        writer.write(varint: UInt64(listenPort))
        writer.write(string: externalHost)
        writer.write(string: moniker)
        writer.write(string: software)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        protocolVersion = try reader.readVarint("node_info.protocol_version")
        nodeID = NodeID(unchecked: try reader.readFixed("node_info.node_id", count: NodeID.byteCount))
        chainID = try reader.readString("node_info.chain_id", limit: ChainID.maxLength)
        genesisHash = try reader.readHash("node_info.genesis_hash")
        listenPort = Int(try reader.readVarint("node_info.listen_port", max: 65535))
        externalHost = try reader.readString("node_info.external_host", limit: Self.maxHostLength)
        moniker = try reader.readString("node_info.moniker", limit: Self.maxMonikerLength)
        software = try reader.readString("node_info.software", limit: Self.maxSoftwareLength)
    }
}
