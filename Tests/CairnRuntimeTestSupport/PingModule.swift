import CairnCore
import CairnCrypto
import CairnState

/// A module for attestation tests: attestation tag 0 is a device's numbered ping, signed by the
/// device; the module keeps each device's highest number and refuses anything not above it.
public struct PingModule: ChainModule {
    public init() {}
    public static let name = "pings"
    public static let namespaces: [UInt8] = [0x71]
    public static let operationTags: [UInt64] = []
    public static let attestationTags: [UInt64] = [0]

    public struct Ping: Sendable, Hashable {
        var device: Address
        var number: UInt64
        var signature: RecoverableSignature
    }

    public enum Rejection: ModuleRejection, Equatable {
        case notTheDevice
        case stale(highest: UInt64)
        public var reason: String {
            switch self {
            case .notTheDevice: "bad_signature"
            case .stale: "stale_ping"
            }
        }
        public var description: String { reason }
    }

    public static func digest(chainID: String, number: UInt64) -> Hash32 {
        var w = CanonicalWriter()
        w.write(string: "cairn/test/ping")
        w.write(string: chainID)
        w.write(varint: number)
        return Hash32.sha256(w.bytes)
    }

    public static func attestation(chainID: String, _ key: PrivateKey, _ number: UInt64, signer: PrivateKey? = nil) -> Attestation {
        var w = CanonicalWriter()
        w.write(address: key.address)
        w.write(varint: number)
        w.write((signer ?? key).sign(digest: digest(chainID: chainID, number: number)))
        return Attestation(tag: 0, body: w.bytes)
    }

    public static func decode(_ operation: CairnCore.Operation) throws(CanonicalDecodingError) -> Never {
        throw .invalidValue(field: "operation", reason: "pings has no operations")
    }
    public static func json(_ operation: Never) -> JSONValue {}
    public static var operationSchemas: [JSONValue] { [] }
    public static func spend(_ operation: Never) -> Amount {}
    public func apply(_ operation: Never, sender: Address, _ block: BlockContext, _ parameters: BankParameters,
               _ state: inout StateOverlay) throws {}

    public static func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> Ping {
        var r = attestation.reader
        let ping = Ping(device: try r.readAddress("ping.device"), number: try r.readVarint("ping.number"),
                        signature: try r.read(RecoverableSignature.self))
        try r.finish()
        return ping
    }

    public static func signatures(of ping: Ping, chainID: String) -> [AttestationSignature] {
        [AttestationSignature(digest: digest(chainID: chainID, number: ping.number), signature: ping.signature)]
    }

    public func applyAttestation(_ ping: Ping, signers: [Address?], _ block: BlockContext, _ parameters: BankParameters,
                          _ state: inout StateOverlay) throws {
        guard signers == [ping.device] else { throw Rejection.notTheDevice }
        let key = StateKey(namespace: 0x71, key: ping.device.bytes)
        let highest = try state.get(UInt64.self, key) ?? 0
        guard ping.number > highest else { throw Rejection.stale(highest: highest) }
        state.set(key, ping.number)
        state.emit(Event(module: Self.name, kind: "ping", ["device": Event.value(ping.device), "number": String(ping.number)]))
    }
}
