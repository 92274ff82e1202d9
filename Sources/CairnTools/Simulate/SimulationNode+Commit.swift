import CairnCore
import CairnCrypto
import CairnRPC

extension SimulationNode {
    /// What became of a transaction the simulator sent: in a block, or refused by the pool or
    /// left out by a builder (a refused operation never reaches a block, runtime.md §3.4).
    enum TransactionOutcome: Sendable {
        case committed(height: UInt64, events: [JSONValue])
        case refused(String)
    }

    static func reason(_ e: RPCError) -> String { e.data?["reason"]?.stringValue ?? e.message }

    /// Sends the transactions (`tx_send` parameters) in order, then waits until each one the pool
    /// admitted is committed or dropped; one outcome per transaction.
    func commit(_ txs: [JSONValue], what: String, timeout: Duration = .seconds(180)) async throws -> [TransactionOutcome] {
        var outcomes: [TransactionOutcome?] = []
        var pending: [(index: Int, id: String)] = []
        for (i, sent) in try await batch(txs.map { ("tx_send", $0) }).enumerated() {
            switch sent {
            case .success(let id):
                outcomes.append(nil)
                pending.append((i, id.stringValue ?? ""))
            case .failure(let e): outcomes.append(.refused(Self.reason(e)))
            }
        }
        try await wait(what, timeout: timeout) {
            let statuses = try await batchValues(pending.map { ("chain_getTransaction", ["id": .string($0.id)]) })
            var still: [(index: Int, id: String)] = []
            for (p, status) in zip(pending, statuses) {
                switch status["status"]?.stringValue {
                case "committed":
                    outcomes[p.index] = .committed(height: UInt64(status["height"]?.integerValue ?? 0),
                                                   events: status["result"]?["events"]?.arrayValue ?? [])
                case "dropped": outcomes[p.index] = .refused(status["reason"]?.stringValue ?? "dropped")
                default: still.append(p)
                }
            }
            pending = still
            return pending.isEmpty
        }
        return outcomes.map { $0! }
    }
}
