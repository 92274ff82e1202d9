import CairnCore
import CairnCrypto
import CairnRPC

/// Signs the simulator's operations as transactions of their senders and commits them, counting
/// each sender's nonces so one batch of a sender's transactions carries consecutive ones.
struct ChainSender: Sendable {
    let node: SimulationNode
    let chainID: String
    let fee: Amount

    struct Item: Sendable {
        var sender: PrivateKey
        var operation: CairnCore.Operation
        /// False for a transaction the pool is expected to refuse: a refused one never takes its
        /// nonce, so the next transaction reuses it.
        var takesNonce = true
    }

    func transaction(_ key: PrivateKey, nonce: UInt64, _ operation: CairnCore.Operation) -> JSONValue {
        let tx = UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee, operation: operation).signed(with: key)
        return ["tx": .string(Hex.prefixed(tx.canonicalBytes))]
    }

    func commit(_ items: [Item], what: String) async throws -> [SimulationNode.TransactionOutcome] {
        var next: [Address: UInt64] = [:]
        var txs: [JSONValue] = []
        for item in items {
            let sender = item.sender.address
            let nonce: UInt64
            if let n = next[sender] { nonce = n } else { nonce = try await nextNonce(sender) }
            next[sender] = item.takesNonce ? nonce + 1 : nonce
            txs.append(transaction(item.sender, nonce: nonce, item.operation))
        }
        return try await node.commit(txs, what: what)
    }

    func nextNonce(_ address: Address) async throws -> UInt64 {
        let account = try await node.call("state_getAccount", ["address": .string(address.checksummed)])
        guard let n = account["next_nonce"]?.integerValue else { throw SimulationError("state_getAccount returned no next_nonce") }
        return UInt64(n)
    }
}
