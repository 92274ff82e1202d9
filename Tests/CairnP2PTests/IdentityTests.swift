import CairnCrypto
import Crypto
import Foundation
import Testing
@testable import CairnP2P

@Suite struct IdentityTests {
    static func temporaryPath() -> String {
        NSTemporaryDirectory() + "cairn-p2p-\(UUID().uuidString)/node_key.json"
    }

    @Test func loadOrCreateWritesA0600KeyFileAndReadsItBack() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let created = try NodeIdentity.loadOrCreate(path: path)
        let loaded = try NodeIdentity.loadOrCreate(path: path)
        #expect(loaded.nodeID == created.nodeID)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: String]
        #expect(json?["type"] == "ed25519")
        #expect(json?["private_key"] == Hex.encode(created.privateKey.rawRepresentation))
    }

    @Test(arguments: [
        ("not json", "not a JSON object"),
        (#"{"type":"secp256k1","private_key":"00"}"#, "expected \"ed25519\""),
        (#"{"type":"ed25519","private_key":"abcd"}"#, "private_key"),
        (#"{"type":"ed25519"}"#, "not a JSON object"),
    ])
    func aMalformedKeyFileIsAClearErrorAndIsNotReplaced(text: String, expected: String) throws {
        let path = Self.temporaryPath()
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try NodeIdentity.loadOrCreate(path: path)
        } throws: { error in
            guard let error = error as? NodeIdentityError, case .malformed(let p, _) = error else { return false }
            return p == path && error.description.contains(expected)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func peerAddressesParseAndPrint() throws {
        let id = NodeIdentity.generate().nodeID
        let address = try PeerAddress("\(id)@10.0.0.5:26656")
        #expect(address.id == id && address.host == "10.0.0.5" && address.port == 26656)
        #expect(address.description == "\(id)@10.0.0.5:26656")
        let v6 = try PeerAddress("\(id.description.uppercased())@[::1]:1")
        #expect(v6.id == id && v6.host == "::1" && v6.description == "\(id)@[::1]:1")
        #expect(try PeerAddress("\(id)@seed.example.org:65535").host == "seed.example.org")
    }

    @Test(arguments: [
        ("10.0.0.5:26656", PeerAddressError.missingID("10.0.0.5:26656")),
        ("abc@10.0.0.5:26656", .invalidID("abc@10.0.0.5:26656")),
    ])
    func malformedPeerAddressesAreRejected(text: String, error: PeerAddressError) {
        #expect(throws: error) { try PeerAddress(text) }
    }

    @Test func malformedHostsAndPortsAreRejected() {
        let id = NodeIdentity.generate().nodeID
        for bad in ["\(id)@host", "\(id)@:80", "\(id)@::1:80", "\(id)@host:0", "\(id)@host:65536", "\(id)@host:+80",
                    "\(id)@host:080800", "\(id)@ho st:80", "0x\(id.description.dropFirst(2))@host:80"] {
            #expect(throws: PeerAddressError.self) { try PeerAddress(bad) }
        }
    }
}
