@testable import CairnTools
import Testing

/// `cairn bench attestations` at tiny sizes: the beacons it times must be the ones the chain
/// accepted, every receipt with a passing verdict, or its rate would measure refused work.
@Suite("Attestation benchmark")
struct AttestationBenchmarkTests {
    @Test func everyTimedReceiptIsCommittedWithAPassingVerdict() async throws {
        var options = AttestationBenchmark.Options()
        options.hotspots = 200
        options.beacons = 50
        // Two more than the default max_witnesses (14), so selection turns some into valid_not_selected.
        options.witnesses = 16
        options.owners = 20
        let report = try await AttestationBenchmark(options: options).run(log: { _ in })

        #expect(report.refusals.isEmpty, "the pool refused \(report.refusals)")
        #expect(report.missingBeacons == 0)
        #expect(report.beacons == 50)
        #expect(report.receipts == 50 * 16)
        #expect(Set(report.verdicts.keys).isSubset(of: ["valid", "valid_not_selected"]), "\(report.verdicts)")
        #expect(report.verdicts["valid"] == 50 * 14)
        #expect(report.verdicts["valid_not_selected"] == 50 * 2)
        #expect(report.receiptsPerSecond > 0)
        // The overlapped part commits as many more, each one accepted, though one block's
        // attestations are admitted while the next block is built from the pool.
        #expect(report.overlappedRefusals.isEmpty, "the pool refused \(report.overlappedRefusals)")
        #expect(report.overlappedMissingBeacons == 0)
        #expect(report.overlappedReceipts == 50 * 16)
        #expect(report.overlappedVerdicts["valid"] == 50 * 14)
        #expect(report.overlappedVerdicts["valid_not_selected"] == 50 * 2)
        #expect(report.overlappedReceiptsPerSecond > 0)
        #expect(report.serialCPUPerReceiptAllIn > 0 && report.overlappedCPUPerReceiptAllIn > 0)
        // A signed receipt is 136 bytes; the report, the challenge and the list add a little per attestation.
        #expect(report.bytesPerReceipt > 136 && report.bytesPerReceipt < 150)
        #expect(report.stateBytesPerThousandBeacons > 0)
        // History lines go to the node index, none to the state: 1 beacon line and 16 witness lines
        // a beacon, each at least the 61-byte key.
        #expect(report.stateGrowth["history"] == nil)
        #expect(report.indexBytesPerThousandBeacons > 17 * 61 * 1_000)
    }
}
