import CairnCore
import CairnCrypto
@testable import CairnState
import CairnStorage
import CairnTestSupport
import Foundation
import Testing

/// A provider device that signs whatever it likes: seeded proofs with wrong deals and periods,
/// too few or too many answers, chunks of the wrong length or content, paths cut short, padded or
/// altered, answers out of order, bodies over the attestation limit. Each goes the production way
/// (decode, recover, the pool's rules, then a block) and must be refused with a reason code that
/// the pool and the block agree on and that leaves the state root as an empty block leaves it, or
/// be carried and recorded as proven (only the honest answers) or as an `invalid_proof` fault.
@Suite("Storage proofs from a hostile device")
struct StorageProofFuzzTests {
    typealias T = StorageModuleTests

    @Test func everySignedProofIsRefusedWithAReasonOrRecordedAndTheBlockAgreesWithThePool() throws {
        let chain = try T.chain()
        try T.advance(chain, to: 7)
        let deal = try T.deal(chain)
        let honest = try StorageModule.decodeAttestation(try T.proof(chain).attestation).answers
        let emptyRoot = try chain.buildNext().block.header.stateRoot
        let rules = Runtime.standard.latest
        var rng = SeededGenerator(seed: 0x5707)
        var outcomes: [String: Int] = [:]
        for round in 0..<160 {
            func pick<V>(_ common: V, _ rare: [V]) -> V { Int.random(in: 0..<5, using: &rng) == 0 ? rare.randomElement(using: &rng)! : common }
            func hash() -> Hash32 { Hash32.sha256((0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
            var answers = honest
            let j = Int.random(in: 0..<answers.count, using: &rng)
            switch round % 9 {
            case 0: break
            case 1: answers = Array(answers.prefix(Int.random(in: 0..<answers.count, using: &rng)))
            case 2: answers += answers.prefix(Int.random(in: 1...4, using: &rng))
            case 3: answers[j].chunk[Int.random(in: 0..<answers[j].chunk.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            case 4: answers[j].chunk = [UInt8](repeating: 7, count: [0, 1, 63, 65, 200].randomElement(using: &rng)!)
            case 5: answers[j].path = Array(answers[j].path.prefix(Int.random(in: 0..<answers[j].path.count, using: &rng)))
            case 6: answers[j].path += (0..<Int.random(in: 1...30, using: &rng)).map { _ in hash() }
            case 7: answers[j].path[Int.random(in: 0..<answers[j].path.count, using: &rng)] = hash()
            default: answers[j].chunk = [UInt8](repeating: 1, count: Attestation.maxEncodedBytes)
            }
            if round % 9 == 0, round % 2 == 1 { answers.reverse() }
            let proof = StorageProof(chainID: chainID, deal: pick(1, [0, 2, .max]), period: pick(deal.period, [deal.period + 1, .max]),
                                     answers: answers, deviceKey: T.device)
            let verified: VerifiedAttestation
            do throws(AttestationRejection) {
                verified = try rules.verifyAttestation(encoded: proof.attestation.canonicalBytes, chainID: chainID)
            } catch {
                #expect(error.reason == "attestation_too_large", "round \(round): \(error)")
                outcomes[error.reason, default: 0] += 1
                continue
            }
            var overlay = StateOverlay(base: Latest(database: chain.database))
            var admission: String?
            do { try rules.admit(verified, context: BlockContext(chainID: chainID, height: 8, proposer: .zero), &overlay) } catch {
                admission = try #require(error as? AttestationRejection, "round \(round): \(error)").reason
            }
            let built = try chain.buildNext(attestations: [verified])
            #expect(try chain.verify(built.block, runtime: .standard).treeUpdate.root == built.block.header.stateRoot)
            if let admission {
                #expect(T.reason(built) == [admission], "round \(round)")
                #expect(built.block.header.stateRoot == emptyRoot, "round \(round): a refused proof changed the state")
                outcomes[admission, default: 0] += 1
                continue
            }
            #expect(built.skippedAttestations.isEmpty && built.block.attestations.count == 1, "round \(round)")
            let events = built.executed.outcome.blockResults.attestations.first?.events ?? []
            let recorded = events.first { $0.kind == "proven" || $0.kind == "fault" }
            let outcome = recorded.map { $0.kind == "proven" ? "proven" : $0.attributes.first { $0.key == "reason" }?.value ?? "?" }
            #expect(outcome == (answers == honest ? "proven" : "invalid_proof"), "round \(round): \(events)")
            outcomes[outcome ?? "none", default: 0] += 1
        }
        // Every path was taken: the honest proof, each refusal and the fault.
        for reason in ["proven", "invalid_proof", "wrong_answer_count", "unknown_deal", "wrong_period", "attestation_too_large"] {
            #expect(outcomes[reason, default: 0] > 0, "\(reason) never happened: \(outcomes)")
        }
    }
}
