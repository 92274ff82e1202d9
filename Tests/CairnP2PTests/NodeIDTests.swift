import Crypto
import Testing
@testable import CairnP2P

@Suite struct NodeIDTests {
    @Test func derivesFromTheIdentityKeyAndRoundTripsAsHex() throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32))
        let id = NodeID(publicKey: key.publicKey)
        #expect(id.bytes == Array(SHA256.hash(data: key.publicKey.rawRepresentation).prefix(20)))
        #expect(id.description.count == 40)
        #expect(NodeID(hex: id.description) == id)
        #expect(NodeID(hex: "0x" + id.description.dropFirst(2)) == nil)
        #expect(NodeID(hex: String(id.description.dropLast())) == nil)
        #expect(NodeID(hex: String(repeating: "zz", count: 20)) == nil)
    }
}
