import CairnCore
import CairnCrypto
import CairnState

/// Builds, for each challengee of a committed block, the attestation a real gatherer would send:
/// the challengee's signed beacon report and one signed receipt from each of its grid neighbours,
/// every field chosen so that all the coverage rules (Specs/depin/coverage.md §6) pass.
struct AttestationFactory: Sendable {
    let grid: AttestationGrid
    let chainID: String
    let parameters: CoverageParameters

    /// What one challenge becomes: the attestation's encoding (what `attest_submit` carries) and
    /// the beacon id its record will be found under.
    struct Signed: Sendable {
        var encoded: [UInt8]
        var beaconID: Hash32
        var receipts: Int
    }

    /// The attestations of `challengees` (at most `limit` of them) of the block at `height`,
    /// signed on `cores` tasks, and the CPU seconds the signing threads spent on them (each task
    /// signs its share without suspending, so its thread's clock counts that work alone).
    func attestations(height: UInt64, record: ChallengeRecord, limit: Int, cores: Int) async throws -> (signed: [Signed], cpu: Double) {
        let challengees = Array(record.challengees.prefix(limit))
        let parts = try await AttestationParallel.map(cores, cores: cores) { worker in
            let start = CPUClock.threadSeconds()
            let part = try (challengees.count * worker / cores..<challengees.count * (worker + 1) / cores).map {
                try self.attestation(height: height, record: record, challengee: challengees[$0])
            }
            return (part, CPUClock.threadSeconds() - start)
        }
        return (parts.flatMap(\.0), parts.reduce(0) { $0 + $1.1 })
    }

    func attestation(height: UInt64, record: ChallengeRecord, challengee: Address) throws -> Signed {
        guard let c = grid.index[challengee] else { throw BenchmarkError("bench: block \(height) challenged \(challengee), not a benchmark hotspot") }
        let beacon = Beacon.derive(seed: record.seed, height: height, challengee: challengee, plan: parameters.channelPlan)
        // Transmitted and heard within the receipt window, a little after the block's time.
        let reportTime = record.time + 200
        let report = grid.keys[c].sign(digest: CoverageAttestation.reportDigest(chainID: chainID, beaconID: beacon.id, time: reportTime))
        let receipts = grid.neighbours(of: c).enumerated().map { k, w in
            let receipt = WitnessReceipt(witness: grid.keys[w].address,
                                         rssi: grid.rssi(challengee: c, witness: w, frequency: beacon.frequency, parameters: parameters),
                                         snr: Int32(50 + k * 5), frequency: beacon.frequency + 1_000 + UInt64(k) * 100,
                                         time: reportTime + 40 + UInt64(k), packetHash: beacon.packetHash)
            return SignedReceipt(receipt: receipt, signature: grid.keys[w].sign(digest: receipt.digest(chainID: chainID, beaconID: beacon.id)))
        }
        let attestation = CoverageAttestation(challengeHeight: height, challengee: challengee, reportTime: reportTime,
                                              reportSignature: report, receipts: receipts).attestation
        return Signed(encoded: attestation.canonicalBytes, beaconID: beacon.id, receipts: receipts.count)
    }
}
