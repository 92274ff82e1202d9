import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import CairnStorage
import Foundation
import Testing

/// Readings through the runtime (Specs/depin/energy.md §5, §6, §8.1): every rule refuses its
/// reading with its reason and nothing else changes, accepted energy becomes whole-kWh
/// certificates with the remainder carried, and an attestation that adds nothing is refused.
@Suite("Energy readings")
struct EnergyReadingTests {
    typealias C = EnergyChain
    typealias F = EnergyFixture
    static let m = (1...6).map(C.meterKey)
    /// 2026-06-20 14:00, 2026-06-21 00:00 and 10:00 UTC: afternoon, night and morning in Zürich.
    static let base: UInt64 = 5_939_880, night: UInt64 = 5_940_000, morning: UInt64 = 5_940_120

    /// Meter 1 registered with a baseline at `base`; 2 located but not registered; 3 registered
    /// then deactivated; 4 frozen for equivocation; 5 with its whole bond withdrawn; 6 registered
    /// without a location.
    static func rulesChain() throws -> EnergyChain {
        let c = try EnergyChain()
        try c.registered([m[0], m[2], m[3], m[4]])
        try c.onboard([m[1]])
        try c.registered([m[5]], located: false)
        #expect(try c.block([c.device(.deactivate(device: m[2].address), from: C.alice)]).skipped.isEmpty)
        let evidence = EquivocationEvidence(first: F.batch(m[3], [(base, 10, 1)]), firstIndex: 0,
                                            second: F.batch(m[3], [(base, 11, 1)]), secondIndex: 0)
        #expect(try c.submit(.reportEquivocation(evidence), from: C.bob) == nil)
        #expect(try c.submit(.withdrawBond(meter: m[4].address, amount: 2_000), from: C.alice) == nil)
        let built = try c.block(attestations: [F.attestation(F.batch(m[0], [(base, 1_000_000, 1)]))])
        #expect(built.skippedAttestations.isEmpty && built.block.attestations.count == 1)
        return c
    }

    static let good = F.batch(m[0], [(morning, 1_030_500, 5)])

    @Test func everyReadingRuleRejectsWithItsReasonAndChangesNothingElse() throws {
        let m = Self.m, base = Self.base, morning = Self.morning
        let tooOld = C.lastSlot - 576 - 1
        let forged = ReadingBatch(meter: m[0].address, readings: [MeterReading(slot: morning, energy: 1_030_500, sequence: 5)])
            .signed(with: m[1], chainID: chainID)
        let bad: [(SignedBatch, Int, String)] = [
            (forged, 0, "bad_signature"),
            (F.batch(m[1], [(morning, 5, 1)]), 1, "meter_not_registered"),
            (F.batch(m[2], [(morning, 5, 1)]), 2, "meter_inactive"),
            (F.batch(m[3], [(morning, 50, 2)]), 3, "meter_frozen"),
            (F.batch(m[4], [(morning, 5, 1)]), 4, "insufficient_bond"),
            (F.batch(m[5], [(morning, 5, 1)]), 5, "meter_not_located"),
            (F.batch(m[0], [(C.lastSlot + 1, 1_000_100, 2)]), 0, "future_slot"),
            (F.batch(m[0], [(tooOld, 1_000_100, 2)]), 0, "slot_too_old"),
            (F.batch(m[0], [(base, 1_000_100, 2)]), 0, "slot_not_after_last"),
            (F.batch(m[0], [(base + 10, 1_000_100, 1)]), 0, "sequence_not_increasing"),
            (F.batch(m[0], [(base + 10, 999_999, 2)]), 0, "energy_decreased"),
        ]
        let all = try Self.rulesChain(), alone = try Self.rulesChain()
        let before = try all.meter(Self.m[0])
        let judged = try all.block(attestations: [EnergyAttestation(batches: bad.map(\.0) + [Self.good])])
        let reference = try alone.block(attestations: [EnergyAttestation(batches: [Self.good])])
        #expect(judged.skippedAttestations.isEmpty && reference.skippedAttestations.isEmpty)

        // Each meter's refused readings, with the rule each broke.
        for (i, key) in Self.m.enumerated() {
            let expected = bad.filter { $0.1 == i }.map(\.2).sorted()
            #expect(try all.rejected(key).sorted() == expected, "meter \(i + 1)")
        }

        // Nothing but the epoch's tally of refused readings differs from the good batch alone.
        let epochNamespace = EnergyKeys.epoch
        #expect(judged.executed.outcome.changes.filter { $0.key.namespace != epochNamespace }
                == reference.executed.outcome.changes.filter { $0.key.namespace != epochNamespace })
        #expect(judged.executed.outcome.indexEntries.filter { $0.key.namespace != EnergyKeys.rejectedReading }
                == reference.executed.outcome.indexEntries)
        let record = try #require(try all.meter(Self.m[0]))
        #expect(record.last == LastReading(slot: Self.morning, energy: 1_030_500, sequence: 5))
        #expect(before?.last == LastReading(slot: Self.base, energy: 1_000_000, sequence: 1))
        let epoch = try all.query("getEpoch", ["epoch": .integer(Int64(EpochRewards.epoch(of: all.height, length: 6)))])
        #expect(epoch["rejected"]?.integerValue == Int64(bad.count))
    }

    /// Rules 12 and 13 refuse energy the register did count: it is forfeited, not left for the
    /// next reading to claim (an over-nameplate turbine or a night "solar" meter gains nothing).
    @Test func capacityAndNightRefusalsForfeitTheEnergyTheyClaimed() throws {
        let c = try Self.rulesChain(), meter = Self.m[0], base = Self.base
        // 438 Wh in one slot is 1 Wh over the 5 kW bound; the next slot's 100 Wh is what counts.
        var built = try c.block(attestations: [F.attestation(F.batch(meter, [(base + 1, 1_000_438, 2), (base + 2, 1_000_538, 3)]))])
        #expect(built.skippedAttestations.isEmpty)
        var record = try #require(try c.meter(meter))
        #expect(record.last == LastReading(slot: base + 2, energy: 1_000_538, sequence: 3) && record.totalEnergy == 100)
        let capacity = try c.query("getRejectedReadings", ["meter": .string(meter.address.checksummed), "from_slot": .integer(Int64(base + 1))])
        #expect(capacity["readings"]?.arrayValue?.first?["detail"]?.stringValue == "exceeds_capacity: 438 Wh since the last reading exceeds the capacity bound 437 Wh")
        // 200 Wh claimed at midnight is refused and forfeited; the morning's 100 Wh are credited alone.
        built = try c.block(attestations: [F.attestation(F.batch(meter, [(Self.night, 1_000_738, 4), (Self.morning, 1_000_838, 5)]))])
        #expect(built.skippedAttestations.isEmpty)
        record = try #require(try c.meter(meter))
        #expect(record.last == LastReading(slot: Self.morning, energy: 1_000_838, sequence: 5) && record.totalEnergy == 200)
        #expect(try c.rejected(meter).sorted() == ["exceeds_capacity", "solar_at_night"])
        // A forfeiting refusal alone still moves the baseline: the batch is judged, the meter record written.
        built = try c.block(attestations: [F.attestation(F.batch(meter, [(Self.morning + 1, 1_001_838, 6)]),
                                                         F.batch(meter, [(Self.morning + 2, 1_001_938, 7)]))])
        record = try #require(try c.meter(meter))
        #expect(record.last == LastReading(slot: Self.morning + 2, energy: 1_001_938, sequence: 7) && record.totalEnergy == 300)
    }

    @Test func acceptedReadingsMintWholeKilowattHoursAndCarryTheRest() throws {
        let c = try EnergyChain()
        let meter = Self.m[0]
        try c.registered([meter])
        let base = Self.base
        try c.block(attestations: [F.attestation(F.batch(meter, [(base, 1_000_000, 1)]))])
        var record = try #require(try c.meter(meter))
        #expect(record.last?.slot == base && record.carried == 0 && record.totalEnergy == 0 && record.certificates == 0,
                "the first reading is the baseline and earns nothing")

        // An hour of 400 Wh slots: 4 800 Wh, 4 certificates, 800 Wh carried.
        let hour: [(slot: UInt64, energy: UInt64, sequence: UInt64)] = (UInt64(1)...12).map { i in (base + i, 1_000_000 + 400 * i, 1 + i) }
        let built = try c.block(attestations: [F.attestation(F.batch(meter, hour))])
        #expect(built.skippedAttestations.isEmpty)
        record = try #require(try c.meter(meter))
        #expect(record.carried == 800 && record.totalEnergy == 4_800 && record.certificates == 4)
        let lot = try #require(try c.database.entry(EnergyKeys.lot(0)).map { try CertificateLot(canonicalBytes: $0) })
        let device = try #require(try c.database.entry(DeviceKeys.device(meter.address)).map { try DeviceRecord(canonicalBytes: $0) })
        #expect(lot == CertificateLot(count: 4, meter: meter.address, firstSlot: base + 1, lastSlot: base + 12,
                                      epoch: EpochRewards.epoch(of: c.height, length: 6), cell: device.location!.cell,
                                      owner: C.alice.address, mintedAt: c.height))
        let event = try #require(built.executed.outcome.blockResults.attestations.first?.events.first { $0.kind == "batch" })
        #expect(event.attributes.first { $0.key == "certificates" }?.value == "4")

        // 300 Wh more completes a fifth kWh with the 800 carried.
        try c.block(attestations: [F.attestation(F.batch(meter, [(base + 13, 1_005_100, 14)]))])
        record = try #require(try c.meter(meter))
        #expect(record.carried == 100 && record.totalEnergy == 5_100 && record.certificates == 5)
        let second = try c.query("getCertificate", ["serial": 4])
        #expect(second["lot"]?.integerValue == 4 && second["count"]?.integerValue == 1 && second["first_slot"]?.integerValue == Int64(base + 13))
        #expect(try c.query("getCertificate", ["serial": 2])["lot"]?.integerValue == 0)
        #expect(throws: QueryError.self) { try c.query("getCertificate", ["serial": 5]) }
        let owned = try c.query("listCertificatesByOwner", ["owner": .string(C.alice.address.checksummed)])
        #expect(owned["lots"]?.arrayValue?.compactMap { $0["count"]?.integerValue } == [4, 1])
        let made = try c.query("listCertificatesByMeter", ["meter": .string(meter.address.checksummed), "limit": 1])
        #expect(made["lots"]?.arrayValue?.count == 1 && made["next"]?.stringValue != nil)
        let shown = try c.query("getMeter", ["meter": .string(meter.address.checksummed)])
        #expect(shown["carried"]?.integerValue == 100 && shown["certificates"]?.integerValue == 5 && shown["technology"]?.stringValue == "solar")
        let readings = try c.query("getReadings", ["meter": .string(meter.address.checksummed), "limit": 1_000])["readings"]?.arrayValue ?? []
        #expect(readings.count == 14 && readings.compactMap { $0["credited"]?.integerValue }.reduce(0, +) == 5_100)
        let cell = try #require(CellID(raw: device.location!.cell)).parent(at: 4)
        let cells = try c.query("getCellEnergy", ["cell": .string(cell.description), "epoch": .integer(Int64(lot.epoch))])
        let energies = cells["cells"]?.arrayValue?.compactMap { $0["energy"]?.integerValue } ?? []
        #expect(energies.reduce(0, +) >= 4_800)
        let byCell = try c.query("listMetersByCell", ["cell": .string(cell.description)])
        #expect(byCell["meters"]?.arrayValue?.compactMap { $0["meter"]?.stringValue } == [meter.address.checksummed])
    }

    @Test func anAttestationMustHoldLimitsAndAddSomething() throws {
        let c = try EnergyChain(energy: EnergyParameters(minBond: 1_000, bondUnlockDelay: 3, maxBatches: 2, maxBatchReadings: 3))
        let meter = Self.m[0]
        try c.registered([meter])
        let first = F.attestation(F.batch(meter, [(Self.base, 1_000_000, 1)]))
        try c.block(attestations: [first])
        let four = F.batch(meter, (1...4).map { (Self.base + UInt64($0), 1_000_000 + UInt64($0), 1 + UInt64($0)) })
        let one = F.batch(meter, [(Self.base + 1, 1_000_001, 2)])
        let future = F.attestation(F.batch(meter, [(C.lastSlot + 5, 1_000_001, 2)]))
        let refused = [first, F.attestation(four), F.attestation(ReadingBatch(meter: meter.address, readings: []).signed(with: meter, chainID: chainID)),
                       EnergyAttestation(batches: [one, one, one]), future]

        // The pool has no block time: it admits the future reading, which the block then refuses.
        func admission(_ a: EnergyAttestation) throws -> String {
            var overlay = StateOverlay(base: c.database)
            do {
                try Runtime.standard.latest.admit(try C.verified(a), context: BlockContext(chainID: chainID, height: c.height + 1, proposer: .zero), &overlay)
                return "ok"
            } catch { return (error as? AttestationRejection)?.reason ?? "\(error)" }
        }
        #expect(try refused.map(admission) == ["no_accepted_readings", "too_many_readings", "empty_batch", "too_many_batches", "ok"])
        let built = try c.block(attestations: refused)
        #expect(built.block.attestations.isEmpty)
        #expect(built.skippedAttestations.map(\.reason.reason)
                == ["no_accepted_readings", "too_many_readings", "empty_batch", "too_many_batches", "no_accepted_readings"])
        // A batch that adds its reading twice: the second copy is refused, the attestation accepted.
        let twice = try c.block(attestations: [EnergyAttestation(batches: [one, one])])
        #expect(try twice.skippedAttestations.isEmpty && c.rejected(meter) == ["slot_not_after_last"])
    }
}
