import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import CairnStorage
import Foundation
import Testing

/// Meters, bonds, equivocation, certificates and settlement through the runtime
/// (Specs/depin/energy.md §7–§10).
@Suite("Energy module")
struct EnergyModuleTests {
    typealias C = EnergyChain
    typealias F = EnergyFixture
    static let m = (1...4).map(C.meterKey)
    static let base = EnergyReadingTests.base

    static func register(_ key: PrivateKey, capacity: UInt64 = 5_000, bond: Amount = 2_000) -> EnergyOperation {
        .register(MeterRegistration(meter: key.address, capacity: capacity, technology: .solar, bond: bond))
    }

    @Test func registrationTakesTheBondAndRefusesEachBrokenRule() throws {
        let c = try C()
        let meter = Self.m[0], hotspot = Self.m[1], gone = Self.m[2]
        try c.onboard([meter])
        try c.onboard([hotspot], kind: .hotspot, owner: C.alice, located: false)
        try c.onboard([gone], located: false)
        #expect(try c.block([c.device(.deactivate(device: gone.address), from: C.alice)]).skipped.isEmpty)
        let cases: [(EnergyOperation, PrivateKey, String)] = [
            (Self.register(C.meterKey(99)), C.alice, "unknown_device"),
            (Self.register(hotspot), C.alice, "not_a_meter"),
            (Self.register(meter), C.bob, "not_owner"),
            (Self.register(gone), C.alice, "device_inactive"),
            (Self.register(meter, capacity: 0), C.alice, "capacity_out_of_range"),
            (Self.register(meter, capacity: 5_000_001), C.alice, "capacity_out_of_range"),
            (Self.register(meter, bond: 999), C.alice, "bond_too_low"),
            (Self.register(meter, bond: 2_000_000), C.alice, "insufficient_funds"),
        ]
        let balance = try c.balance(C.alice.address)
        #expect(try cases.map { try c.submit($0.0, from: $0.1) } == cases.map(\.2))
        #expect(try c.balance(C.alice.address) == balance && c.meter(meter) == nil)
        #expect(try c.submit(Self.register(meter), from: C.alice) == nil)
        #expect(try c.balance(C.alice.address) == balance - 2_000 - 10)
        #expect(try c.balance(EnergyModule.bonds) == 2_000)
        let record = try #require(try c.meter(meter))
        #expect(record == MeterRecord(capacity: 5_000, technology: .solar, bond: 2_000, registeredAt: c.height))
        #expect(try c.submit(Self.register(meter), from: C.alice) == "meter_registered")
        // Decoding refuses a technology it does not know.
        let body = EnergyOperation.register(MeterRegistration(meter: meter.address, capacity: 1, technology: .other, bond: 1)).operation
        var bytes = body.body
        bytes[21] = 7
        #expect(throws: CanonicalDecodingError.self) { _ = try EnergyOperation(CairnCore.Operation(tag: body.tag, body: bytes)) }
    }

    @Test func theBondTopsUpAndAWithdrawalPaysOutOnlyAfterTheDelay() throws {
        let c = try C()
        let meter = Self.m[0]
        try c.registered([meter])
        let id = meter.address
        let cases: [(EnergyOperation, PrivateKey, String?)] = [
            (.topUpBond(meter: Self.m[3].address, amount: 5), C.alice, "meter_not_registered"),
            (.topUpBond(meter: id, amount: 5), C.bob, "not_owner"),
            (.topUpBond(meter: id, amount: 0), C.alice, "zero_amount"),
            (.topUpBond(meter: id, amount: 500), C.alice, nil),
            (.withdrawBond(meter: id, amount: 0), C.alice, "zero_amount"),
            (.withdrawBond(meter: id, amount: 2_501), C.alice, "amount_exceeds_bond"),
            (.withdrawBond(meter: id, amount: 1_501), C.alice, "bond_below_minimum"),
            (.withdrawBond(meter: id, amount: 1_500), C.alice, nil),
            (.withdrawBond(meter: id, amount: 1), C.alice, "withdrawal_pending"),
        ]
        var requested: UInt64 = 0
        for (op, key, reason) in cases {
            #expect(try c.submit(op, from: key) == reason, "\(op)")
            if case .withdrawBond = op, reason == nil { requested = c.height }
        }
        var record = try #require(try c.meter(meter))
        #expect(record.bond == 1_000 && record.withdrawal == BondWithdrawal(amount: 1_500, unlockAt: requested + 3, recipient: C.alice.address))
        let balance = try c.balance(C.alice.address)
        while c.height < requested + 2 { try c.block() }
        #expect(try c.balance(C.alice.address) == balance && c.balance(EnergyModule.bonds) == 2_500, "still slashable")
        let paid = try c.block()
        #expect(try c.balance(C.alice.address) == balance + 1_500 && c.balance(EnergyModule.bonds) == 1_000)
        #expect(paid.executed.outcome.blockResults.endEvents.contains { $0.module == "energy" && $0.kind == "bond_withdrawn" })
        record = try #require(try c.meter(meter))
        #expect(record.withdrawal == nil && record.bond == 1_000)
        #expect(try c.database.entry(EnergyKeys.unlocks(requested + 3)) == nil)
    }

    @Test func equivocationFreezesTheMeterAndSlashesItsBond() throws {
        let c = try C(energy: EnergyParameters(minBond: 1_000, bondUnlockDelay: 20))
        let meter = Self.m[0], other = Self.m[1], stranger = Self.m[2]
        try c.registered([meter, other])
        try c.onboard([stranger])
        #expect(try c.submit(.withdrawBond(meter: meter.address, amount: 500), from: C.alice) == nil)
        let unlock = c.height + 20
        let slot = Self.base
        let a = F.batch(meter, [(slot, 100, 1), (slot + 1, 200, 2)])
        let b = F.batch(meter, [(slot + 1, 250, 2)])
        let sameAsA = F.batch(meter, [(slot + 1, 200, 2)])
        let forged = ReadingBatch(meter: meter.address, readings: [MeterReading(slot: slot + 1, energy: 250, sequence: 2)])
            .signed(with: other, chainID: chainID)
        func evidence(_ x: SignedBatch, _ i: UInt64, _ y: SignedBatch, _ j: UInt64) -> EnergyOperation {
            .reportEquivocation(EquivocationEvidence(first: x, firstIndex: i, second: y, secondIndex: j))
        }
        let supply = try c.supply()
        let cases: [(EnergyOperation, String?)] = [
            (evidence(a, 1, F.batch(other, [(slot + 1, 250, 2)]), 0), "different_meters"),
            (evidence(a, 5, b, 0), "reading_index_out_of_range"),
            (evidence(a, 0, b, 0), "different_slots"),
            (evidence(a, 1, sameAsA, 0), "identical_readings"),
            (evidence(a, 1, forged, 0), "bad_evidence_signature"),
            (evidence(F.batch(stranger, [(slot, 1, 1)]), 0, F.batch(stranger, [(slot, 2, 1)]), 0), "meter_not_registered"),
        ]
        #expect(try cases.map { try c.submit($0.0, from: C.bob) } == cases.map(\.1))
        let bob = try c.balance(C.bob.address)
        let reported = try c.block([c.energy(evidence(a, 1, b, 0), from: C.bob)])
        #expect(reported.skipped.isEmpty)
        // The pending 500 came back into the bond: half of 2 000 slashed, a tenth of it to the reporter.
        #expect(try c.balance(C.bob.address) == bob - 10 + 100)
        #expect(try c.supply().burned == supply.burned + 900)
        #expect(try c.balance(EnergyModule.bonds) == 2_000 + 2_000 - 1_000)
        let after = try c.supply()
        #expect(after.total == supply.total + (after.minted - supply.minted) - 900, "every token slashed is paid or burned")
        let record = try #require(try c.meter(meter))
        #expect(record.bond == 1_000 && record.withdrawal == nil
                && record.frozen == MeterFreeze(height: c.height, slot: slot + 1, reporter: C.bob.address, slashed: 1_000))
        #expect(try c.submit(evidence(a, 1, b, 0), from: C.carol) == "already_reported")
        #expect(try c.submit(evidence(F.batch(meter, [(slot + 7, 1, 9)]), 0, F.batch(meter, [(slot + 7, 2, 9)]), 0), from: C.carol)
                == "meter_frozen")
        #expect(try c.submit(.topUpBond(meter: meter.address, amount: 1), from: C.alice) == "meter_frozen")
        #expect(try c.submit(.withdrawBond(meter: meter.address, amount: 1_000), from: C.alice) == "meter_frozen")
        // Its readings are refused from now on; the cancelled withdrawal never pays out.
        try c.block(attestations: [F.attestation(F.batch(meter, [(slot, 100, 1)]), F.batch(other, [(slot, 100, 1)]))])
        #expect(try c.rejected(meter) == ["meter_frozen"])
        while c.height <= unlock { try c.block() }
        #expect(try c.balance(EnergyModule.bonds) == 3_000)
        let shown = try c.query("getMeter", ["meter": .string(meter.address.checksummed)])
        #expect(shown["frozen"]?["reporter"]?.stringValue == C.bob.address.checksummed)
    }

    @Test func certificatesMoveInRangesAndRetiredOnesNeverMoveAgain() throws {
        let c = try C()
        let meter = Self.m[0]
        try c.registered([meter])
        try c.block(attestations: [F.attestation(F.batch(meter, [(Self.base, 0, 1), (Self.base + 12, 5_000, 2)]))])
        #expect(try #require(try c.meter(meter)).certificates == 5)
        let alice = C.alice, bob = C.bob
        func range(_ lot: UInt64, _ first: UInt64, _ count: UInt64) -> CertificateRange { CertificateRange(lot: lot, first: first, count: count) }
        #expect(try c.submit(.transferCertificates(range(0, 1, 2), to: bob.address), from: alice) == nil)
        func lots() throws -> [UInt64: CertificateLot] {
            var all: [UInt64: CertificateLot] = [:]
            for entry in try c.database.stateEntries(namespace: EnergyKeys.lot, prefix: [], from: nil, limit: 100) {
                all[entry.key.reduce(0) { $0 << 8 | UInt64($1) }] = try CertificateLot(canonicalBytes: entry.value)
            }
            return all
        }
        var split = try lots()
        #expect(split.keys.sorted() == [0, 1, 3])
        #expect(split[0]?.count == 1 && split[0]?.owner == alice.address)
        #expect(split[1]?.count == 2 && split[1]?.owner == bob.address)
        #expect(split[3]?.count == 2 && split[3]?.owner == alice.address)
        let cases: [(EnergyOperation, PrivateKey, String)] = [
            (.transferCertificates(range(0, 0, 0), to: bob.address), alice, "empty_range"),
            (.transferCertificates(range(2, 2, 1), to: bob.address), bob, "unknown_lot"),
            (.transferCertificates(range(0, 0, 2), to: bob.address), alice, "range_outside_lot"),
            (.transferCertificates(range(1, 0, 1), to: alice.address), bob, "range_outside_lot"),
            (.transferCertificates(range(0, 0, 1), to: bob.address), bob, "not_certificate_owner"),
            (.transferCertificates(range(3, 3, 1), to: alice.address), alice, "already_owner"),
            (.retireCertificates(range(1, 2, 1), beneficiary: String(repeating: "b", count: 129), purpose: ""), bob, "beneficiary_too_long"),
            (.retireCertificates(range(1, 2, 1), beneficiary: "", purpose: String(repeating: "p", count: 257)), bob, "purpose_too_long"),
        ]
        #expect(try cases.map { try c.submit($0.0, from: $0.1) } == cases.map(\.2))
        #expect(try lots() == split, "a refused operation moves nothing")
        #expect(try c.submit(.retireCertificates(range(1, 2, 1), beneficiary: "Acme GmbH", purpose: "2026 scope 2"), from: bob) == nil)
        split = try lots()
        #expect(split.keys.sorted() == [0, 1, 2, 3] && split.values.map(\.count).reduce(0, +) == 5)
        #expect(split[2]?.retirement == CertificateRetirement(by: bob.address, beneficiary: "Acme GmbH", purpose: "2026 scope 2", height: c.height))
        for (op, key) in [(EnergyOperation.transferCertificates(range(2, 2, 1), to: alice.address), bob),
                          (.retireCertificates(range(2, 2, 1), beneficiary: "x", purpose: "y"), bob),
                          (.transferCertificates(range(2, 2, 1), to: bob.address), alice)] {
            #expect(try c.submit(op, from: key) == "certificates_retired")
        }
        let retired = try c.query("listRetiredCertificates", [:])["lots"]?.arrayValue ?? []
        #expect(retired.count == 1 && retired[0]["retirement"]?["beneficiary"]?.stringValue == "Acme GmbH")
        let held = try c.query("listCertificatesByOwner", ["owner": .string(bob.address.checksummed)])["lots"]?.arrayValue ?? []
        #expect(held.compactMap { $0["lot"]?.integerValue } == [1])
        for serial in 0..<5 {
            let lot = try c.query("getCertificate", ["serial": .integer(Int64(serial))])
            #expect(lot["lot"]?.integerValue == [0, 1, 2, 3, 3][serial], "serial \(serial)")
        }
        let byMeter = try c.query("listCertificatesByMeter", ["meter": .string(meter.address.checksummed)])["lots"]?.arrayValue ?? []
        #expect(byMeter.compactMap { $0["lot"]?.integerValue } == [0, 1, 2, 3])
    }

    @Test func settlementPaysTheEnergyPoolProRataAndKeepsWhatItCannotPay() throws {
        let c = try C()
        let sun = Self.m[0], wind = Self.m[1], frozen = Self.m[2]
        try c.registered([sun])
        try c.registered([wind], owner: C.bob, technology: .wind)
        try c.registered([frozen])
        try c.block(attestations: [F.attestation(F.batch(sun, [(Self.base, 0, 1)]), F.batch(wind, [(Self.base, 0, 1)]),
                                                 F.batch(frozen, [(Self.base, 0, 1)]))])
        while c.height % 6 != 0 { try c.block() }
        let alice = try c.balance(C.alice.address), bob = try c.balance(C.bob.address)
        // 3 000 Wh and 1 000 Wh, and a meter that is frozen before the epoch ends.
        try c.block(attestations: [F.attestation(F.batch(sun, [(Self.base + 12, 3_000, 2)]), F.batch(wind, [(Self.base + 12, 1_000, 2)]),
                                                 F.batch(frozen, [(Self.base + 12, 2_000, 2)]))])
        let evidence = EquivocationEvidence(first: F.batch(frozen, [(Self.base + 13, 1, 3)]), firstIndex: 0,
                                            second: F.batch(frozen, [(Self.base + 13, 2, 3)]), secondIndex: 0)
        #expect(try c.submit(.reportEquivocation(evidence), from: C.carol) == nil)
        while c.height % 6 != 5 { try c.block() }
        let settling = try c.block()
        let epoch = EpochRewards.epoch(of: c.height, length: 6)
        // Nothing was paid before (baselines earn nothing): the pool holds every block's emission.
        let balance = UInt128(1_000_000) * UInt128(c.height)
        let record = try #require(try c.database.entry(EpochRewards.poolKey(epoch: epoch, pool: "energy")).map { try EpochPoolRecord(canonicalBytes: $0) })
        #expect(record.balance == balance && record.work == 4_000 && record.devices == 2 && record.unit == "wh")
        #expect(try c.balance(C.alice.address) - alice == balance * 3 / 4)
        #expect(try c.balance(C.bob.address) - bob == balance / 4)
        #expect(record.paid == balance * 3 / 4 + balance / 4)
        #expect(try c.balance(EnergyModule.pool) == record.carried)
        // Everything emission minted is paid or still in the pool.
        let paid = try (0...epoch).compactMap { e in
            try c.database.entry(EpochRewards.poolKey(epoch: e, pool: "energy")).map { try EpochPoolRecord(canonicalBytes: $0).paid }
        }.reduce(0, +)
        #expect(try c.supply().minted == paid + c.balance(EnergyModule.pool))
        #expect(settling.executed.outcome.blockResults.endEvents.contains { $0.kind == "epoch_settled" && $0.module == "energy" })
        #expect(try c.database.entry(EnergyKeys.globalsKey).map { try EnergyGlobals(canonicalBytes: $0).openMeters } == 0)
        #expect(try c.database.stateEntries(namespace: EnergyKeys.openWork, prefix: [], from: nil, limit: 10).isEmpty)
        let shown = try c.query("getEpoch", ["epoch": .integer(Int64(epoch))])
        #expect(shown["energy"]?.integerValue == 6_000 && shown["meters_paid"]?.integerValue == 2)
    }
}
