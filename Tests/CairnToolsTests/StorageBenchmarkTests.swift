import CairnState
import CairnTools
import Testing

/// `cairn bench storage` at a tiny size: every proof it times is committed and recorded as proven.
@Suite(.serialized)
struct StorageBenchmarkTests {
    @Test func everyTimedProofIsCommittedAndProven() async throws {
        var options = StorageBenchmark.Options()
        options.deals = 30
        options.rounds = 2
        options.providers = 4
        options.dealSize = 1 << 20
        let report = try await StorageBenchmark(options: options).run(log: { _ in })
        #expect(report.proofs == 60 && report.proven == 60 && report.faults == 0, "\(report.lines)")
        // 5 answers of 1 KiB with 10-hash paths for 1 024 chunks.
        #expect(report.proofBytes / report.proofs > 5 * (1_024 + 10 * 32))
        // Every proof is within the bound the parameters check against the attestation limit.
        #expect(report.largestProofBytes <= StorageParameters(maxDealSize: 1 << 20).largestProof, "\(report.largestProofBytes)")
        #expect(report.admissionSeconds > 0 && report.blockSeconds > 0)
        #expect(report.admissionCPU > 0 && report.blockCPU > 0)
        // The verification ceiling checked the last round's 30 proofs (a path that failed throws).
        #expect(report.verifyRate > 0 && report.verifyCPU > 0)
    }
}
