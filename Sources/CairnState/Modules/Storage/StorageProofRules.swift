import CairnCore
import CairnCrypto

/// The rules a storage proof must pass to enter a block (Specs/depin/storage.md §6.1), and the
/// check of its answers against the data root (§6.2), whose failure is a fault, not a refusal:
/// the provider device signed the wrong data.
enum StorageProofRules {
    /// The deal and the challenge seed the proof answers, or the rule it breaks.
    static func admit(_ proof: StorageProof, signer: Address?, _ block: BlockContext,
                      _ state: inout StateOverlay) throws -> (DealRecord, Hash32) {
        guard let deal = try state.get(DealRecord.self, StorageKeys.deal(proof.deal)) else {
            throw StorageRejection.unknownDeal(proof.deal)
        }
        guard deal.status == .active else { throw StorageRejection.dealNotActive(proof.deal, deal.status) }
        guard signer == deal.provider else { throw StorageRejection.signerMismatch(expected: deal.provider, got: signer) }
        guard proof.period == deal.period else { throw StorageRejection.wrongPeriod(expected: deal.period, got: proof.period) }
        guard block.height > deal.challengeHeight,
              let seed = try state.get(ChallengeSeed.self, StorageKeys.challengeSeed(deal.challengeHeight))?.seed else {
            throw StorageRejection.challengeNotOpen(opensAfter: deal.challengeHeight)
        }
        guard deal.periodState == .open else { throw StorageRejection.alreadyProven(deal: proof.deal, period: proof.period) }
        guard proof.answers.count == deal.challenges else {
            throw StorageRejection.wrongAnswerCount(expected: deal.challenges, got: proof.answers.count)
        }
        return (deal, seed)
    }

    /// Why the answers do not prove the challenged chunks, naming the first that fails; nil when
    /// every one does.
    static func firstFailure(_ proof: StorageProof, deal: DealRecord, indices: [UInt64]) -> String? {
        let count = deal.chunkCount
        for (j, (answer, index)) in zip(proof.answers, indices).enumerated() {
            guard answer.chunk.count == deal.chunkSize else {
                return "answer \(j) (chunk \(index)) has \(answer.chunk.count) bytes, not \(deal.chunkSize)"
            }
            let needed = DataTree.pathLength(index: index, count: count)
            guard answer.path.count == needed else {
                return "answer \(j) (chunk \(index) of \(count)) has a path of \(answer.path.count) hashes, not \(needed)"
            }
            guard DataTree.verify(root: deal.dataRoot, index: index, count: count, leaf: DataTree.leafHash(answer.chunk),
                                  path: answer.path) else {
                return "answer \(j): chunk \(index) and its path do not lead to the data root"
            }
        }
        return nil
    }
}
