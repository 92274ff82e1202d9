/// Where to reach a peer and who it must turn out to be: `id@host:port`, where `id` is the peer's
/// 40-hex-digit `NodeID`, `host` a DNS name, an IPv4 address or a bracketed IPv6 address
/// (`[::1]`), and `port` 1…65535.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    public let id: NodeID
    public let host: String
    public let port: Int

    public init(id: NodeID, host: String, port: Int) {
        self.id = id
        self.host = host
        self.port = port
    }

    public init(_ text: String) throws(PeerAddressError) {
        guard let at = text.firstIndex(of: "@") else { throw .missingID(text) }
        guard let id = NodeID(hex: String(text[..<at])) else { throw .invalidID(text) }
        let hostPort = text[text.index(after: at)...]
        guard let colon = hostPort.lastIndex(of: ":") else { throw .missingPort(text) }
        var host = String(hostPort[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .invalidHost(text)  // an IPv6 address must be in brackets
        }
        guard !host.isEmpty, host.utf8.count <= 253,
              host.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "@") && $0 != UInt8(ascii: "/") })
        else { throw .invalidHost(text) }
        let portText = hostPort[hostPort.index(after: colon)...]
        guard !portText.isEmpty, portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let port = Int(portText), (1...65535).contains(port) else { throw .invalidPort(text) }
        self.init(id: id, host: host, port: port)
    }

    public var description: String {
        host.contains(":") ? "\(id)@[\(host)]:\(port)" : "\(id)@\(host):\(port)"
    }
}

public enum PeerAddressError: Error, Equatable, CustomStringConvertible {
    case missingID(String)
    case invalidID(String)
    case missingPort(String)
    case invalidHost(String)
    case invalidPort(String)

    public var description: String {
        switch self {
        case .missingID(let s): "peer address '\(s)' must have the form id@host:port (no '@')"
        case .invalidID(let s): "peer address '\(s)': the id must be 40 lower- or upper-case hex digits without 0x"
        case .missingPort(let s): "peer address '\(s)' must have the form id@host:port (no ':port')"
        case .invalidHost(let s): "peer address '\(s)': invalid host (IPv6 addresses go in brackets)"
        case .invalidPort(let s): "peer address '\(s)': the port must be a number from 1 to 65535"
        }
    }
}
