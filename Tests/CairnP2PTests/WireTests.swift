import CairnCore
import CairnCrypto
import Crypto
import Testing
@testable import CairnP2P

@Suite struct WireTests {
    static func keys() throws -> (HandshakeKeys, HandshakeKeys) {
        let a = Curve25519.KeyAgreement.PrivateKey()
        let b = Curve25519.KeyAgreement.PrivateKey()
        return (try HandshakeKeys(ours: a, theirs: Array(b.publicKey.rawRepresentation)),
                try HandshakeKeys(ours: b, theirs: Array(a.publicKey.rawRepresentation)))
    }

    static func openError(_ cipher: inout FrameCipher, _ sealed: [UInt8]) -> FrameError? {
        do {
            _ = try cipher.open(sealed)
            return nil
        } catch {
            return error
        }
    }

    @Test func framesOpenInOrderAndFailWhenTamperedReplayedOrReordered() throws {
        let (a, b) = try Self.keys()
        var send = FrameCipher(key: a.sendKey)
        var receive = FrameCipher(key: b.receiveKey)
        let first = try send.seal([1, 2, 3])
        let second = try send.seal([4])
        #expect(first.count == 3 + 16)
        let opened = try receive.open(first)
        #expect(opened == [1, 2, 3])
        #expect(Self.openError(&receive, first) == .authenticationFailed)  // replay (the counter moved on)

        var fresh = FrameCipher(key: b.receiveKey)
        #expect(Self.openError(&fresh, second) == .authenticationFailed)  // out of order
        var tampered = first
        tampered[0] ^= 0x80
        var again = FrameCipher(key: b.receiveKey)
        #expect(Self.openError(&again, tampered) == .authenticationFailed)
        // The other direction's key does not open it.
        var wrongDirection = FrameCipher(key: b.sendKey)
        #expect(Self.openError(&wrongDirection, first) == .authenticationFailed)
        #expect(Self.openError(&wrongDirection, [1, 2]) == .tooShort(2))
    }

    @Test func helloRejectsWrongMagicVersionAndReflectedKeys() throws {
        let key = Curve25519.KeyAgreement.PrivateKey()
        let hello = Hello(ephemeralKey: Array(key.publicKey.rawRepresentation))
        #expect(try Hello(bytes: hello.bytes) == hello)
        var wrongVersion = hello.bytes
        wrongVersion[11] = 2
        #expect(throws: HandshakeError.badHello("unsupported protocol version 2")) { try Hello(bytes: wrongVersion) }
        var wrongMagic = hello.bytes
        wrongMagic[0] = 0
        #expect(throws: HandshakeError.self) { try Hello(bytes: wrongMagic) }
        #expect(throws: HandshakeError.badHello("the peer echoed our own ephemeral key")) {
            try HandshakeKeys(ours: key, theirs: Array(key.publicKey.rawRepresentation))
        }
        #expect(throws: HandshakeError.self) { try HandshakeKeys(ours: key, theirs: [UInt8](repeating: 0, count: 32)) }
    }

    @Test func authSignaturesBindTheChallenge() throws {
        let (a, b) = try Self.keys()
        let identity = NodeIdentity.generate()
        let auth = try AuthMessage(identity: identity, challenge: a.challenge)
        let parsed = try AuthMessage(bytes: auth.bytes)
        #expect(parsed.verify(challenge: b.challenge))
        #expect(NodeID(publicKey: parsed.publicKey) == identity.nodeID)
        #expect(!parsed.verify(challenge: [UInt8](repeating: 0, count: 32)))
        #expect(throws: HandshakeError.self) { try AuthMessage(bytes: Array(auth.bytes.dropLast())) }
    }

    @Test func controlMessagesRoundTripAndRejectOversizedLists() throws {
        let id = NodeIdentity.generate().nodeID
        let messages: [ControlMessage] = [.ping(nonce: 0), .pong(nonce: .max), .pexRequest,
                                          .pexAddresses(["\(id)@127.0.0.1:26656"]), .goodbye(reason: "too many inbound peers")]
        for message in messages {
            #expect(try ControlMessage(canonicalBytes: message.canonicalBytes) == message)
        }
        #expect(ControlMessage.pexRequest.canonicalBytes == [2])
        var writer = CanonicalWriter()
        writer.write(varint: UInt64(3))
        writer.write(varint: UInt64(ControlMessage.maxAddresses + 1))
        #expect(throws: CanonicalDecodingError.self) { try ControlMessage(canonicalBytes: writer.bytes) }
        #expect(throws: CanonicalDecodingError.unknownTag(type: "control message", tag: 5)) { try ControlMessage(canonicalBytes: [5]) }
    }

    @Test func nodeInfoRoundTripsAndRejectsTrailingBytes() throws {
        let info = NodeInfo(nodeID: NodeIdentity.generate().nodeID, chainID: "cairn-devnet", genesisHash: .zero,
                            listenPort: 26656, externalHost: "node.example.org", moniker: "m", software: "cairn")
        #expect(try NodeInfo(canonicalBytes: info.canonicalBytes) == info)
        #expect(throws: CanonicalDecodingError.trailingBytes(count: 1)) { try NodeInfo(canonicalBytes: info.canonicalBytes + [0]) }
    }
}
