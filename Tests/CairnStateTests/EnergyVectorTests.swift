import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import CairnTestSupport
import Foundation
import Testing

struct EnergyVectorFile: Codable, Equatable {
    struct Reading: Codable, Equatable { var slot: UInt64; var energy: UInt64; var sequence: UInt64 }
    struct Batch: Codable, Equatable {
        var chainId: String; var meterKey: String; var meter: String; var readings: [Reading]
        var encoding: String; var digest: String; var signature: String; var attestation: String
    }
    struct Judged: Codable, Equatable { var slot: UInt64; var energy: UInt64; var sequence: UInt64; var verdict: String; var credited: UInt64 }
    struct VerdictCase: Codable, Equatable {
        var latitude: Int32; var longitude: Int32; var capacity: UInt64; var technology: String; var blockTime: UInt64
        var readings: [Judged]; var certificates: UInt64; var carried: UInt64
    }
    /// Every default by its JSON name, as decimal text (min_bond passes 2^53).
    var parameters: [String: String]
    var batch: Batch
    var verdictCase: VerdictCase
}

/// Specs/vectors/energy.json is produced by this code; with CAIRN_WRITE_VECTORS=1 the test writes
/// it. The batch bytes and digest are rebuilt byte by byte from Specs/depin/energy.md §4, and the
/// capacity bounds of the verdict case recomputed from §6.2.
@Suite struct EnergyVectorTests {
    typealias V = EnergyVectorFile
    static let key = try! PrivateKey(bytes: Hash32.sha256(Array("energy vector meter".utf8)).bytes)
    static let base: UInt64 = 5_939_880, night: UInt64 = 5_940_000, morning: UInt64 = 5_940_120
    static let now: UInt64 = 1_782_043_200

    static func generate() -> V {
        let p = EnergyParameters.defaults
        var parameters: [String: String] = [:]
        for field in EnergyParameters.fields {
            switch field {
            case .integer(let name, let path): parameters[name] = String(p[keyPath: path])
            case .amount(let name, let path): parameters[name] = String(p[keyPath: path])
            }
        }
        let readings = (0..<12).map { MeterReading(slot: base + UInt64($0), energy: 1_234_567 + 350 * UInt64($0), sequence: 7_000 + UInt64($0)) }
        let batch = ReadingBatch(meter: key.address, readings: readings)
        let signed = batch.signed(with: key, chainID: "cairn-devnet")
        let vectorBatch = V.Batch(chainId: "cairn-devnet", meterKey: Hex.prefixed(key.bytes), meter: Hex.prefixed(key.address.bytes),
                                  readings: readings.map { V.Reading(slot: $0.slot, energy: $0.energy, sequence: $0.sequence) },
                                  encoding: Hex.prefixed(batch.canonicalBytes), digest: batch.digest(chainID: "cairn-devnet").hex,
                                  signature: signed.signature.hex,
                                  attestation: Hex.prefixed(EnergyAttestation(batches: [signed]).attestation.canonicalBytes))
        return V(parameters: parameters, batch: vectorBatch, verdictCase: verdictCase(p))
    }

    static let sequence: [(UInt64, UInt64, UInt64)] = [
        (base, 1_000_000, 1), (base + 1, 1_000_400, 2), (base + 1, 1_000_500, 3), (base + 2, 1_000_800, 2),
        (base + 2, 1_000_300, 3), (base + 2, 1_000_900, 3), (night, 1_000_900, 4), (5_940_144, 1_001_000, 4),
        (5_939_566, 1_001_000, 4), (morning, 1_031_250, 4), (morning + 1, 1_031_250, 5),
    ]

    static func verdictCase(_ p: EnergyParameters) -> V.VerdictCase {
        let point = try! GeoPoint(latitude: 47_376_900, longitude: 8_541_700)
        let meter = ReadingRules.Meter(capacity: 5_000, technology: .solar, point: point)
        var last: LastReading?
        var judged: [V.Judged] = []
        var total: UInt64 = 0
        for (slot, energy, seq) in sequence {
            let reading = MeterReading(slot: slot, energy: energy, sequence: seq)
            let verdict = ReadingRules.judge(reading, last: last, meter: meter, now: now, parameters: p)
            var credited: UInt64 = 0
            if case .accepted(let wh) = verdict {
                credited = wh
                total += wh
                last = LastReading(reading)
            }
            judged.append(V.Judged(slot: slot, energy: energy, sequence: seq, verdict: verdict.reason, credited: credited))
        }
        return V.VerdictCase(latitude: point.latitude, longitude: point.longitude, capacity: 5_000, technology: "solar", blockTime: now,
                             readings: judged, certificates: total / p.certificateEnergy, carried: total % p.certificateEnergy)
    }

    @Test func vectorsMatchTheCode() throws {
        let generated = Self.generate()
        let stored = try SpecVectors.load("energy.json", generated: generated)
        #expect(stored == generated, "energy.json differs from what the code produces; rerun with CAIRN_WRITE_VECTORS=1 if the change is intended")
    }

    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    @Test func theSpecRebuildsTheBatchAndTheVerdicts() throws {
        let file = try SpecVectors.load("energy.json", generated: Self.generate())
        let b = file.batch
        // §4: meter (20) ‖ varint count ‖ each reading as slot, energy, sequence varints.
        var body = try Hex.decode(b.meter) + Self.varint(UInt64(b.readings.count))
        for r in b.readings { body += Self.varint(r.slot) + Self.varint(r.energy) + Self.varint(r.sequence) }
        #expect(Hex.prefixed(body) == b.encoding)
        let domain = Array("cairn/energy/readings/v1".utf8), chain = Array(b.chainId.utf8)
        let preimage = Self.varint(UInt64(domain.count)) + domain + Self.varint(UInt64(chain.count)) + chain + body
        #expect(Hash32.sha256(preimage).hex == b.digest)
        let signature = try RecoverableSignature(bytes: try Hex.decode(b.signature))
        #expect(try Hex.prefixed(signature.recoverAddress(digest: Hash32(hex: b.digest)).bytes) == b.meter)
        // §5.1: tag 2, then the body as bytes: a list of one signed batch.
        let signed = body + (try Hex.decode(b.signature))
        let attestationBody = Self.varint(1) + signed
        #expect(Hex.prefixed(Self.varint(2) + Self.varint(UInt64(attestationBody.count)) + attestationBody) == b.attestation)

        // §6.2 rule 12: ⌊5 000 · k · 300 · 1 050 000 / 3 600 000 000⌋ for k slots.
        let v = file.verdictCase
        #expect(ReadingRules.capacityBound(capacity: 5_000, slots: 1, parameters: .defaults) == 5_000 * 300 * 1_050_000 / 3_600_000_000)
        #expect(v.readings.map(\.verdict) == [
            "accepted", "accepted", "slot_not_after_last", "sequence_not_increasing", "energy_decreased", "exceeds_capacity",
            "solar_at_night", "future_slot", "slot_too_old", "accepted", "accepted",
        ])
        #expect(v.readings.map(\.credited).reduce(0, +) == v.certificates * 1_000 + v.carried)
        #expect(v.certificates == 31 && v.carried == 250)
    }
}
