import CairnCore
import CairnCrypto
import CairnMempool
import CairnP2P
import CairnState

/// Attestation gossip (Specs/node-protocol.md §2): an attestation this node's pool admits, from
/// `attest_submit` or a peer, goes once to every other peer; a new peer gets the pool's
/// contents. As with transactions, only admission sends, and the pool admits an id once.
public actor AttestationGossip {
    let pool: AttestationPool
    let messenger: any PeerMessenger

    public init(pool: AttestationPool, messenger: any PeerMessenger) {
        self.pool = pool
        self.messenger = messenger
    }

    /// Admits an attestation from a local client and sends it to every peer. Returns its id.
    public nonisolated func submit(encoded bytes: [UInt8]) async throws(AttestationPoolError) -> Hash32 {
        let id = try await pool.submit(encoded: bytes)
        broadcast([bytes], except: nil)
        return id
    }

    /// Attestations from a peer: each admitted on its own; one that does not decode or whose
    /// signatures cannot be recovered scores the peer down. A refusal by the rules does not:
    /// honest peers race (an attestation expires, or a rival one of the same challenge lands).
    public nonisolated func received(_ attestations: [[UInt8]], from peer: NodeID) async {
        // Admitted in parallel: each carries a signature per receipt to recover.
        let admitted = await withTaskGroup(of: [UInt8]?.self) { group in
            for bytes in attestations {
                group.addTask {
                    do throws(AttestationPoolError) {
                        _ = try await self.pool.submit(encoded: bytes)
                        return bytes
                    } catch {
                        if case .rejected(let rejection) = error, rejection.isMalformed {
                            self.messenger.report(peer, .invalidMessage("attestation: \(rejection)"))
                        }
                        return nil
                    }
                }
            }
            var out: [[UInt8]] = []
            for await entry in group { if let entry { out.append(entry) } }
            return out
        }
        if !admitted.isEmpty { broadcast(admitted, except: peer) }
    }

    /// Sends the pool's pending attestations to a peer that just connected.
    public func peerConnected(_ peer: NodeID) async {
        let pending = await pool.reap(maxAttestations: Int.max, maxBytes: Int.max)
        for batch in Self.batches(pending.map(\.attestation.canonicalBytes)) { messenger.send(.attestations(batch), to: peer) }
    }

    private nonisolated func broadcast(_ items: [[UInt8]], except source: NodeID?) {
        for batch in Self.batches(items) { messenger.broadcast(.attestations(batch), except: source) }
    }

    static func batches(_ items: [[UInt8]]) -> [[[UInt8]]] {
        stride(from: 0, to: items.count, by: NodeMessage.maxAttestationsPerMessage).map {
            Array(items[$0..<min($0 + NodeMessage.maxAttestationsPerMessage, items.count)])
        }
    }
}

extension AttestationRejection {
    /// The sender's fault whatever the chain's state: bytes that do not decode.
    var isMalformed: Bool {
        switch self {
        case .tooLarge, .malformed, .malformedAttestation: true
        case .unknownAttestation, .module: false
        }
    }
}
