import CairnCore

/// Channel 0, the P2P layer's own messages (canonical encoding, a varint tag then the fields).
enum ControlMessage: Equatable, CanonicalCodable {
    static let maxAddresses = 64
    static let maxAddressLength = 320
    static let maxReasonLength = 200

    /// Keepalive; answered with a pong carrying the same nonce.
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    /// Asks for addresses of other peers.
    case pexRequest
    /// Up to `maxAddresses` addresses `id@host:port`, answering a `pexRequest`.
    case pexAddresses([String])
    /// Sent just before closing on purpose (for example: too many inbound peers), so the other
    /// side can log why.
    case goodbye(reason: String)

    func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .ping(let nonce):
            writer.write(varint: UInt64(0))
            writer.write(varint: nonce)
        case .pong(let nonce):
            writer.write(varint: UInt64(1))
            writer.write(varint: nonce)
        case .pexRequest:
            writer.write(varint: UInt64(2))
        case .pexAddresses(let addresses):
            writer.write(varint: UInt64(3))
            writer.write(varint: UInt64(addresses.count))
            for a in addresses { writer.write(string: a) }
        case .goodbye(let reason):
            writer.write(varint: UInt64(4))
            writer.write(string: reason)
        }
    }

    init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        switch try reader.readVarint("control.tag") {
        case 0: self = .ping(nonce: try reader.readVarint("ping.nonce"))
        case 1: self = .pong(nonce: try reader.readVarint("pong.nonce"))
        case 2: self = .pexRequest
        case 3:
            let count = try reader.readLength("pex_addresses.count", limit: Self.maxAddresses)
            var addresses = [String]()
            for _ in 0..<count {
                addresses.append(try reader.readString("pex_addresses.address", limit: Self.maxAddressLength))
            }
            self = .pexAddresses(addresses)
        case 4: self = .goodbye(reason: try reader.readString("goodbye.reason", limit: Self.maxReasonLength))
        case let tag: throw .unknownTag(type: "control message", tag: tag)
        }
    }
}
