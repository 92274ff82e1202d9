@testable import CairnTools
import Testing

/// `cairn bench energy` at a tiny size: the batches it times must be the ones the chain accepted,
/// every reading with it, or its rate would measure refused work.
@Suite("Energy benchmark")
struct EnergyBenchmarkTests {
    @Test func everyTimedBatchIsCommittedWithEveryReadingAccepted() async throws {
        var options = EnergyBenchmark.Options()
        options.meters = 120
        options.rounds = 2
        options.owners = 7
        let report = try await EnergyBenchmark(options: options).run(log: { _ in })

        #expect(report.refusals.isEmpty, "the pool refused \(report.refusals)")
        #expect(report.batches == 240)
        // 120 one-hour batches of ~180 bytes do not fit one 16 KiB attestation: the gateways need two a round.
        #expect(report.attestations == 4, "\(report.attestations)")
        #expect(report.accepted == 240 * 12 && report.rejected == 0, "accepted \(report.accepted), rejected \(report.rejected)")
        #expect(report.metersBehind == 0)
        #expect(report.expectedEnergy > 0 && report.energy == report.expectedEnergy, "\(report.energy) of \(report.expectedEnergy) Wh")
        #expect(report.certificates == report.expectedCertificates && report.certificates > 0)
        #expect(report.batchesPerSecond > 0 && report.recover.count == 2)
    }
}
