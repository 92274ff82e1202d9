import CairnCore
import CairnCrypto
@testable import CairnState
import CairnStorage
import CairnTestSupport
import Foundation
import Testing

/// Gateways that send whatever they like: seeded attestations of batches with slots, energies and
/// sequence numbers at and beyond every bound (0, the maximum, the future, the far past), batches
/// of unregistered meters and batches signed by the wrong key. Each goes the production way
/// (decode, recover, the pool's rules, then a block). It must be refused with a reason code the
/// pool and the block agree on, leaving the state root as an empty block leaves it, or carried,
/// and a carried one never moves a meter's last reading back nor credits more than its capacity
/// allows over the slots it advanced (a reading over the bound becomes the last one, crediting
/// nothing: Specs/depin/energy.md §6.2, forfeiture).
@Suite("Energy batches from a hostile gateway")
struct EnergyBatchFuzzTests {
    typealias C = EnergyChain

    @Test func everyAttestationIsRefusedWithAReasonOrCarriedWithinTheRules() throws {
        let c = try C()
        let meters = (1...2).map(C.meterKey), stranger = C.meterKey(9)
        try c.registered(meters, technology: .wind)
        let base = EnergyReadingTests.base
        try c.block(attestations: [EnergyFixture.attestation(EnergyFixture.batch(meters[0], [(base, 1_000, 1)]),
                                                             EnergyFixture.batch(meters[1], [(base, 1_000, 1)]))])
        let before = try meters.map { try #require(try c.meter($0)) }
        let emptyRoot = try c.chain.buildNext().block.header.stateRoot
        let rules = Runtime.standard.latest
        let height = c.height + 1
        var rng = SeededGenerator(seed: 0xE4E5)
        var outcomes: [String: Int] = [:]
        for round in 0..<120 {
            func any(_ values: [UInt64]) -> UInt64 { values.randomElement(using: &rng)! }
            let batches = (0..<Int.random(in: 1...3, using: &rng)).map { _ -> SignedBatch in
                let m = Int.random(in: 0..<2, using: &rng)
                let readings = (0..<Int.random(in: 1...4, using: &rng)).map { k -> (slot: UInt64, energy: UInt64, sequence: UInt64) in
                    (slot: any([base + 1 + UInt64(k), base + 12, C.lastSlot, C.lastSlot + 1, base - 40, 0, .max]),
                     energy: any([1_000, 1_001 + UInt64(k) * 100, 999, 5_000_000, .max, 0]),
                     sequence: any([2 + UInt64(k), 1, 0, .max]))
                }
                let signer = Int.random(in: 0..<6, using: &rng) == 0 ? stranger : meters[m]
                let meter = Int.random(in: 0..<8, using: &rng) == 0 ? stranger.address : meters[m].address
                return ReadingBatch(meter: meter, readings: readings.map { MeterReading(slot: $0.slot, energy: $0.energy, sequence: $0.sequence) })
                    .signed(with: signer, chainID: chainID)
            }
            let verified = try rules.verifyAttestation(encoded: EnergyAttestation(batches: batches).attestation.canonicalBytes, chainID: chainID)
            var overlay = StateOverlay(base: Latest(database: c.database))
            var admission: String?
            do { try rules.admit(verified, context: BlockContext(chainID: chainID, height: height, proposer: .zero), &overlay) } catch {
                admission = try #require(error as? AttestationRejection, "round \(round): \(error)").reason
            }
            let built = try c.chain.buildNext(attestations: [verified])
            #expect(try c.chain.verify(built.block, runtime: .standard).treeUpdate.root == built.block.header.stateRoot)
            let skipped = built.skippedAttestations.map(\.reason.reason)
            // The pool does not know the block's time: it judges a reading from a future slot by the
            // other rules, and when that reading is over the bound its forfeiture can refuse later
            // readings the block (which refuses the future reading and keeps the last) accepts. So
            // the pool may refuse what a block carries only when a reading's slot is not over yet.
            let blockSeconds = built.block.header.time / 1_000
            let future = batches.contains { $0.batch.readings.contains { $0.slot >= blockSeconds / C.energy.slotLength } }
            if let admission, skipped != [admission] {
                #expect(skipped.isEmpty && future, "round \(round): the pool refused \(admission), the block \(skipped)")
            }
            guard skipped.isEmpty else {
                #expect(built.block.header.stateRoot == emptyRoot, "round \(round): a refused attestation changed the state")
                outcomes[skipped[0], default: 0] += 1
                continue
            }
            outcomes[admission == nil ? "carried" : "carried, refused by the pool", default: 0] += 1
            // Read the meters as the block leaves them, without committing it.
            var after = StateOverlay(base: Latest(database: c.database))
            for change in built.executed.outcome.changes { after.write(change.key, change.value) }
            for (i, meter) in meters.enumerated() {
                let record = try #require(try after.get(MeterRecord.self, EnergyKeys.meter(meter.address)))
                let last = try #require(record.last), was = try #require(before[i].last)
                #expect(last.slot >= was.slot && last.energy >= was.energy && last.sequence >= was.sequence,
                        "round \(round): meter \(i) moved back from \(was) to \(last)")
                let bound = ReadingRules.capacityBound(capacity: record.capacity, slots: last.slot - was.slot, parameters: C.energy)
                #expect(record.totalEnergy - before[i].totalEnergy <= bound, "round \(round): meter \(i) credited beyond its capacity")
            }
        }
        #expect(outcomes["carried", default: 0] > 0 && outcomes.count > 2, "\(outcomes)")
    }
}
