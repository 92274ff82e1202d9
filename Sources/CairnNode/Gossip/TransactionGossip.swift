import CairnCore
import CairnCrypto
import CairnMempool
import CairnP2P
import Logging

/// Mempool gossip (Specs/node-protocol.md §2): a transaction this node admits — from RPC or a
/// peer — is sent once to every other peer, batched; a new peer gets the pool's contents once.
/// Only admission triggers a send, and the mempool admits a transaction once, so no transaction
/// goes to the same peer twice (except a re-admission after it was dropped).
public actor TransactionGossip {
    let mempool: Mempool
    let messenger: any PeerMessenger
    let logger: Logger
    /// Admitted transactions waiting for the next flush, with the peer they came from.
    private var outbox: [(bytes: [UInt8], source: NodeID?)] = []
    private var flushScheduled = false
    /// When this node first admitted each pending transaction, for the finality metric; bounded.
    private var firstSeen: [Hash32: ContinuousClock.Instant] = [:]
    private var firstSeenOrder: [Hash32] = []
    static let maxTracked = 200_000
    let flushDelay: Duration

    public init(mempool: Mempool, messenger: any PeerMessenger, logger: Logger, flushDelay: Duration = .milliseconds(5)) {
        self.mempool = mempool
        self.messenger = messenger
        self.logger = logger
        self.flushDelay = flushDelay
    }

    /// Admits a transaction from a local client and queues it for peers. Returns its id.
    public nonisolated func submit(encoded bytes: [UInt8]) async throws(MempoolError) -> Hash32 {
        let id = try await mempool.submit(encoded: bytes)
        await enqueue([bytes], ids: [id], source: nil)
        return id
    }

    /// Transactions from a peer: admitted in parallel; a malformed or badly signed one scores the
    /// peer down (a duplicate or a stale nonce does not: honest peers race).
    public nonisolated func received(_ transactions: [[UInt8]], from peer: NodeID) async {
        // Every peer relays what it admits, so most arrivals are already pooled here: skip those
        // before the expensive part (signature recovery), by id alone.
        let ids = transactions.map(Transaction.id(ofEncoding:))
        let pooled = await mempool.knownSenders(of: ids)
        let fresh = zip(transactions, ids).filter { pooled[$0.1] == nil }.map(\.0)
        guard !fresh.isEmpty else { return }
        let admitted = await withTaskGroup(of: ([UInt8], Hash32)?.self) { group in
            for bytes in fresh {
                group.addTask {
                    do {
                        return (bytes, try await self.mempool.submit(encoded: bytes))
                    } catch let error as MempoolError {
                        switch error {
                        case .malformed, .invalidSignature, .tooLarge:
                            self.messenger.report(peer, .invalidMessage("transaction: \(error)"))
                        default:
                            break
                        }
                        return nil
                    } catch {
                        return nil
                    }
                }
            }
            var out: [([UInt8], Hash32)] = []
            for await entry in group { if let entry { out.append(entry) } }
            return out
        }
        if !admitted.isEmpty { await enqueue(admitted.map(\.0), ids: admitted.map(\.1), source: peer) }
    }

    /// Sends the pool's current transactions to a peer that just connected.
    public func peerConnected(_ peer: NodeID) async {
        let pending = await mempool.reap(maxTransactions: 100_000, maxBytes: 64 << 20)
        var batch: [[UInt8]] = []
        for vtx in pending {
            batch.append(vtx.transaction.canonicalBytes)
            if batch.count == NodeMessage.maxTransactionsPerMessage {
                messenger.send(.transactions(batch), to: peer)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { messenger.send(.transactions(batch), to: peer) }
    }

    /// How long each of `ids` took from this node's first sight to commit (those it saw).
    public func committed(_ ids: [Hash32]) -> [Duration] {
        let now = ContinuousClock.now
        return ids.compactMap { id in firstSeen.removeValue(forKey: id).map { now - $0 } }
    }

    private func enqueue(_ transactions: [[UInt8]], ids: [Hash32], source: NodeID?) {
        let now = ContinuousClock.now
        for id in ids where firstSeen[id] == nil {
            firstSeen[id] = now
            firstSeenOrder.append(id)
        }
        if firstSeenOrder.count > Self.maxTracked {
            // Forget the oldest half (committed ones are already gone from the map).
            let drop = firstSeenOrder.count / 2
            for id in firstSeenOrder[..<drop] { firstSeen[id] = nil }
            firstSeenOrder.removeFirst(drop)
        }
        for bytes in transactions { outbox.append((bytes, source)) }
        guard !flushScheduled else { return }
        flushScheduled = true
        Task {
            try? await Task.sleep(for: flushDelay)
            self.flush()
        }
    }

    private func flush() {
        flushScheduled = false
        let pending = outbox
        outbox.removeAll(keepingCapacity: true)
        // One batch per source, so each goes to every peer but the one it came from.
        var bySource: [NodeID?: [[UInt8]]] = [:]
        for entry in pending { bySource[entry.source, default: []].append(entry.bytes) }
        for (source, transactions) in bySource {
            var start = 0
            while start < transactions.count {
                let end = min(start + NodeMessage.maxTransactionsPerMessage, transactions.count)
                messenger.broadcast(.transactions(Array(transactions[start..<end])), except: source)
                start = end
            }
        }
    }
}
