import CairnCore
import CairnCrypto
@testable import CairnNode
import CairnMempool
import CairnP2P
import CairnRuntimeTestSupport
import CairnState
import Foundation
import Synchronization
import Testing

/// Attestation gossip (Specs/node-protocol.md §2): what the pool admits goes to every peer but
/// its source, once; a new peer gets the pool; undecodable bytes score the sender down and a
/// refusal by the rules does not; an attestation that stops applying leaves the pool.
@Suite("Attestation gossip")
struct AttestationGossipTests {
    static let runtime = Runtime([try! RuleSet(version: 1, modules: [BankModule(), StakingModule(), PingModule()])])
    static let device = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-gossip-device".utf8)).bytes)

    final class Peers: PeerMessenger, @unchecked Sendable {
        private let lock = NSLock()
        private var log: [(message: NodeMessage, to: String)] = []
        private var reports: [NodeID] = []
        var sent: [(message: NodeMessage, to: String)] { lock.withLock { log } }
        var reported: [NodeID] { lock.withLock { reports } }
        func broadcast(_ message: NodeMessage, except: NodeID?) { lock.withLock { log.append((message, "all but \(except.map { "\($0)" } ?? "none")")) } }
        func send(_ message: NodeMessage, to peer: NodeID) -> Bool { lock.withLock { log.append((message, "\(peer)")) }; return true }
        func report(_ peer: NodeID, _ misbehaviour: Misbehaviour) { lock.withLock { reports.append(peer) } }
    }

    @Test func admittedAttestationsAreRelayedOnceAndBadBytesAreReported() async throws {
        let node = try TestNode(runtime: Self.runtime)
        defer { node.close() }
        let peers = Peers()
        let gossip = AttestationGossip(pool: node.attestations, messenger: peers)
        let local = PingModule.attestation(chainID: TestNode.chainID, Self.device, 1)
        _ = try await gossip.submit(encoded: local.canonicalBytes)
        #expect(peers.sent.map(\.to) == ["all but none"])
        guard case .attestations(let items) = peers.sent.first?.message else { Issue.record("not an attestations message"); return }
        #expect(items == [local.canonicalBytes])
        // The same again from a peer is already pending: nothing relayed, nobody reported.
        let source = NodeIdentity.generate().nodeID
        await gossip.received([local.canonicalBytes], from: source)
        #expect(peers.sent.count == 1 && peers.reported.isEmpty)
        // A fresh one is relayed to everyone but its source; a stale one (the rules refuse it) is
        // not, and is no fault; undecodable bytes are.
        let fresh = PingModule.attestation(chainID: TestNode.chainID, PrivateKey.generate(), 4)
        let forged = PingModule.attestation(chainID: TestNode.chainID, Self.device, 9, signer: PrivateKey.generate())
        await gossip.received([fresh.canonicalBytes, forged.canonicalBytes, [0x00, 0xff]], from: source)
        #expect(peers.sent.count == 2 && peers.sent[1].to == "all but \(source)")
        if case .attestations(let relayed) = peers.sent[1].message { #expect(relayed == [fresh.canonicalBytes]) }
        #expect(peers.reported == [source])
        // A peer that connects gets the pool.
        let newcomer = NodeIdentity.generate().nodeID
        await gossip.peerConnected(newcomer)
        #expect(peers.sent.last?.to == "\(newcomer)")
        if case .attestations(let pooled) = peers.sent.last?.message { #expect(Set(pooled) == [local.canonicalBytes, fresh.canonicalBytes]) }
    }

    @Test func theMessageRoundTripsAndRefusesTooMany() throws {
        let items = [[UInt8](repeating: 7, count: 10), [1, 2, 3]]
        let message = NodeMessage.attestations(items)
        #expect(try NodeMessage(channel: 2, payload: message.payload) == message)
        var writer = CanonicalWriter()
        writer.write(varint: UInt64(1))
        writer.write(varint: UInt64(NodeMessage.maxAttestationsPerMessage + 1))
        #expect(throws: CanonicalDecodingError.self) { _ = try NodeMessage(channel: 2, payload: writer.bytes) }
    }

    @Test func aRecheckDropsWhatTheRulesNowRefuseAndKeepsTheRest() async throws {
        let chain = Mutex(0 as UInt64)
        // The rules of a chain whose highest ping is `chain`: a ping at or below it is stale.
        let pool = AttestationPool(verify: { a in
            VerifiedAttestation(a, signatures: [])
        }, check: { verified in
            var reader = verified.attestation.reader
            _ = try reader.readAddress("device")
            let number = try reader.readVarint("number")
            guard number > chain.withLock({ $0 }) else { throw AttestationRejection.malformed("stale") }
        })
        let pings = (1...3).map { PingModule.attestation(chainID: TestNode.chainID, Self.device, UInt64($0)) }
        for ping in pings { _ = try await pool.submit(encoded: ping.canonicalBytes) }
        await pool.recheck()
        #expect(await pool.count == 3)
        chain.withLock { $0 = 2 }
        await pool.recheck()
        let left = await pool.count, kept = await pool.contains(pings[2].id)
        #expect(left == 1 && kept)
    }
}
