import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import CairnTestSupport
import Foundation
import Testing

struct CoverageVectorFile: Codable, Equatable {
    struct Selection: Codable, Equatable { var seed: String; var height: UInt64; var located: UInt64; var count: UInt64; var positions: [UInt64] }
    struct BeaconVector: Codable, Equatable {
        var seed: String; var height: UInt64; var challengee: String
        var id: String; var payload: String; var packetHash: String; var channel: UInt64; var frequency: UInt64
    }
    struct Receipt: Codable, Equatable {
        var chainId: String; var beaconId: String; var witness: String; var rssi: Int32; var snr: Int32
        var frequency: UInt64; var time: UInt64; var packetHash: String; var encoding: String; var digest: String
    }
    struct Place: Codable, Equatable { var latitude: Int32; var longitude: Int32; var elevation: Int32; var antennaGain: UInt64 }
    struct Witness: Codable, Equatable {
        var witness: String; var signer: String?; var known: Bool; var kind: String; var status: String; var place: Place?
        var rssi: Int32; var snr: Int32; var frequency: UInt64; var time: UInt64; var packetHash: String
    }
    struct VerdictCase: Codable, Equatable {
        var seed: String; var height: UInt64; var blockTime: UInt64; var challengee: String; var challengeePlace: Place
        var maxWitnesses: UInt64; var witnesses: [Witness]; var verdicts: [String]
    }
    struct Beacon: Codable, Equatable { var challengee: String; var scale: UInt64; var witnesses: [String] }
    struct Payout: Codable, Equatable { var device: String; var amount: String }
    struct DensityCase: Codable, Equatable {
        var hotspotCells: [String]; var scales: [UInt64]; var pool: String; var beacons: [Beacon]; var payouts: [Payout]; var remainder: String
    }
    var parameters: [String: UInt64]
    var challengeSelections: [Selection]
    var beacons: [BeaconVector]
    var receipts: [Receipt]
    var verdictCase: VerdictCase
    var densityCase: DensityCase
}

/// Specs/vectors/coverage.json is produced by this code; with CAIRN_WRITE_VECTORS=1 the test writes
/// it. An independent model written from Specs/depin/coverage.md recomputes the beacons, the
/// selections, the receipt bytes, the verdicts and the reward split from the file alone.
@Suite struct CoverageVectorTests {
    typealias F = CoverageFixture
    typealias V = CoverageVectorFile
    static func hex(_ b: [UInt8]) -> String { Hex.prefixed(b) }
    static func place(_ p: AssertedPlace) -> V.Place { V.Place(latitude: p.latitude, longitude: p.longitude, elevation: p.elevation, antennaGain: p.antennaGain) }

    static func generate() -> V {
        let p = CoverageParameters.defaults
        var parameters: [String: UInt64] = [:]
        for field in CoverageParameters.fields { if case .integer(let name, let path) = field { parameters[name] = p[keyPath: path] } }
        let seeds = (0..<3).map { Hash32.sha256(Array("vector seed \($0)".utf8)) }
        let selections = seeds.enumerated().flatMap { i, seed in
            [(UInt64(1), UInt64(1)), (3, 3), (10, 2), (1_000_003, 4)].map { located, count in
                V.Selection(seed: seed.hex, height: UInt64(100 + i), located: located, count: count,
                            positions: ChallengeSelection.challengees(seed: seed, height: UInt64(100 + i), located: located, count: count))
            }
        }
        let beacons = seeds.enumerated().map { i, seed in
            let b = Beacon.derive(seed: seed, height: UInt64(100 + i), challengee: F.address(i), plan: p.channelPlan)
            return V.BeaconVector(seed: seed.hex, height: UInt64(100 + i), challengee: hex(F.address(i).bytes), id: b.id.hex,
                                  payload: hex(b.payload), packetHash: b.packetHash.hex, channel: b.channel, frequency: b.frequency)
        }
        let challenge = F.challenge()
        let receipts = [(1, 2_000.0), (2, 9_000.0), (3, 17_500.0)].map { n, metres in
            let r = F.witness(n, metres: metres).receipt
            return V.Receipt(chainId: "cairn-vectors", beaconId: challenge.beacon.id.hex, witness: hex(r.witness.bytes), rssi: r.rssi,
                             snr: r.snr, frequency: r.frequency, time: r.time, packetHash: r.packetHash.hex,
                             encoding: hex(r.canonicalBytes), digest: r.digest(chainID: "cairn-vectors", beaconID: challenge.beacon.id).hex)
        }
        return V(parameters: parameters, challengeSelections: selections, beacons: beacons, receipts: receipts,
                 verdictCase: verdictCase(challenge), densityCase: densityCase())
    }

    /// A dozen receipts: seven honest, one per failing rule, and enough to need selection with K = 6.
    static func verdictCase(_ challenge: Challenge) -> V.VerdictCase {
        var inputs = (1...8).map { F.witness($0, metres: 1_000 + Double($0) * 2_300, bearing: Double($0) * 41) }
        var forged = F.witness(9, metres: 4_000); forged.signer = F.address(66)
        var hot = F.witness(10, metres: 15_000); hot.receipt.rssi += 150
        let close = F.witness(11, metres: 120)
        var late = F.witness(12, metres: 3_000); late.receipt.time += 70_000
        var stranger = F.witness(13, metres: 6_000); stranger.device = nil
        inputs += [forged, hot, close, late, stranger, inputs[2]]
        let verdicts = WitnessRules.verdicts(challenge: challenge, witnesses: inputs, parameters: Self.caseParameters)
        let witnesses = inputs.map { i in
            V.Witness(witness: hex(i.receipt.witness.bytes), signer: i.signer.map { hex($0.bytes) }, known: i.device != nil,
                      kind: i.device?.kind.description ?? "hotspot", status: i.device?.status.description ?? "active",
                      place: i.device?.location.map { place($0.place) }, rssi: i.receipt.rssi, snr: i.receipt.snr,
                      frequency: i.receipt.frequency, time: i.receipt.time, packetHash: i.receipt.packetHash.hex)
        }
        return V.VerdictCase(seed: challenge.seed.hex, height: challenge.height, blockTime: challenge.blockTime,
                             challengee: hex(challenge.challengee.bytes), challengeePlace: place(F.challengeeRecord.location!.place),
                             maxWitnesses: caseParameters.maxWitnesses, witnesses: witnesses, verdicts: verdicts.map(\.reason))
    }

    static var caseParameters: CoverageParameters { var p = CoverageParameters.defaults; p.maxWitnesses = 6; return p }

    static func densityCase() -> V.DensityCase {
        let cells = (0..<12).map { CoverageRewardsTests.cell(F.place(metres: Double($0), bearing: 0)) }
            + (0..<6).map { CoverageRewardsTests.cell(F.place(metres: 520 * Double($0 + 1), bearing: 90)) }
            + [CoverageRewardsTests.cell(F.place(metres: 70_000, bearing: 200))]
        let map = DensityMap(hotspotCells: cells, levels: CoverageParameters.defaults.densityLevels)
        let scales = cells.map { map.scale(cell: $0) }
        let beacons = [(0, [12, 13, 14]), (12, [0, 13, 18]), (18, [14]), (13, [])].map { challengee, witnesses in
            RewardedBeacon(challengee: F.owner(challengee % 5), scale: scales[challengee], witnesses: witnesses.map { F.owner($0 % 5) })
        }
        let pool: Amount = 1_000 * 1_000_000_000_000_000_000 + 7
        let split = CoverageRewards.split(pool: pool, beacons: beacons, parameters: .defaults)
        return V.DensityCase(hotspotCells: cells.map { String($0, radix: 16) }, scales: scales, pool: String(pool),
                             beacons: beacons.map { V.Beacon(challengee: hex($0.challengee.bytes), scale: $0.scale,
                                                             witnesses: $0.witnesses.map { hex($0.bytes) }) },
                             payouts: split.payouts.map { V.Payout(device: hex($0.device.bytes), amount: String($0.amount)) },
                             remainder: String(split.remainder))
    }

    @Test func vectorsMatchTheCode() throws {
        let generated = Self.generate()
        let stored = try SpecVectors.load("coverage.json", generated: generated)
        #expect(stored == generated, "coverage.json differs from what the code produces; rerun with CAIRN_WRITE_VECTORS=1 if the change is intended")
    }

    @Test func anIndependentModelReproducesTheVectors() throws {
        let file = try SpecVectors.load("coverage.json", generated: Self.generate())
        let p = file.parameters
        for s in file.challengeSelections {
            #expect(CoverageModel.challengees(seed: try Hex.decode(s.seed), height: s.height, located: s.located, count: s.count) == s.positions)
        }
        for b in file.beacons {
            let m = CoverageModel.beacon(seed: try Hex.decode(b.seed), height: b.height, challengee: try Hex.decode(b.challengee),
                                         channels: p["channel_count"]!)
            #expect(Self.hex(m.id) == b.id && Self.hex(m.payload) == b.payload && Self.hex(m.packetHash) == b.packetHash)
            #expect(m.channel == b.channel && p["channel_base_frequency"]! + p["channel_spacing"]! * m.channel == b.frequency)
        }
        for r in file.receipts {
            let encoding = try CoverageModel.receiptBytes(r)
            #expect(Self.hex(encoding) == r.encoding)
            #expect(Self.hex(CoverageModel.receiptDigest(chainID: r.chainId, beaconID: try Hex.decode(r.beaconId), encoding: encoding)) == r.digest)
        }
        #expect(try CoverageModel.verdicts(file.verdictCase, parameters: p) == file.verdictCase.verdicts)
        let d = file.densityCase
        #expect(try CoverageModel.split(d, parameters: p) == d.payouts.map { [$0.device, $0.amount] } + [[d.remainder]])
        // The case exercises every outcome it claims to.
        #expect(Set(file.verdictCase.verdicts) == ["valid", "valid_not_selected", "bad_signature", "rssi_too_high", "too_close",
                                                   "late_receipt", "unknown_witness", "duplicate_witness"])
    }
}
