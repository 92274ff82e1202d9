import CairnCore
import CairnCrypto
import Synchronization

/// What `StorageProofRules.firstFailure` returned for a proof, remembered between the pool's
/// admission (which runs on many tasks at once) and the block that applies it (one task), so a
/// block need not hash every Merkle path again. It memoizes a pure function of everything the
/// check reads: the answers (named by their signature, which a proof admitted as the provider's
/// binds to them: other answers under the same signature would recover another key and be
/// refused first), the deal's root, chunk size and count, the challenge's seed, deal and period.
/// A miss computes, so what a node remembers never changes what it decides.
final class ProofCheckMemo: Sendable {
    struct Key: Hashable {
        let signature: [UInt8]
        let dataRoot: Hash32
        let chunkSize: UInt64
        let chunkCount: UInt64
        let challenges: UInt64
        let seed: Hash32
        let deal: UInt64
        let period: UInt64
    }

    /// The failure detail, or nil for a proof whose answers all hold.
    private let verdicts = Mutex<[Key: String?]>([:])
    /// Enough for a few full blocks of proofs; past it the memo starts over.
    private let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    static let shared = ProofCheckMemo()

    static func key(_ proof: StorageProof, _ deal: DealRecord, seed: Hash32) -> Key {
        Key(signature: proof.signature.bytes, dataRoot: deal.dataRoot, chunkSize: deal.chunkSize, chunkCount: deal.chunkCount,
            challenges: deal.challenges, seed: seed, deal: proof.deal, period: proof.period)
    }

    /// The remembered result for `key`, or `compute()`'s, remembered.
    func failure(_ key: Key, _ compute: () -> String?) -> String? {
        if let known = verdicts.withLock({ $0[key] }) { return known }
        let result = compute()
        verdicts.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[key] = .some(result)
        }
        return result
    }
}
