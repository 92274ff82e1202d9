import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import Foundation

/// Hotspots placed by distance and bearing from a challengee, with honest receipts whose RSSI is
/// the free-space budget less a fading margin, computed in Double as a physicist would.
enum CoverageFixture {
    static let parameters = CoverageParameters.defaults
    static let seed = Hash32.sha256(Array("coverage fixture seed".utf8))
    static let height: UInt64 = 1_000
    static let blockTime: UInt64 = 1_750_000_000_000
    static let origin = (latitude: Int32(47_000_000), longitude: Int32(8_000_000))
    static let metresPerMicrodegree = 0.111_195_08

    static func address(_ n: Int) -> Address {
        Address(unchecked: Array(Hash32.sha256(Array("device \(n)".utf8)).bytes.prefix(20)))
    }

    static func owner(_ n: Int) -> Address {
        Address(unchecked: Array(Hash32.sha256(Array("owner \(n)".utf8)).bytes.prefix(20)))
    }

    /// A place `metres` north-east-ish of the origin at `bearing` degrees.
    static func place(metres: Double, bearing: Double = 45, elevation: Int32 = 400, gain: UInt64 = 30) -> AssertedPlace {
        let radians = bearing * .pi / 180
        let north = metres * cos(radians) / metresPerMicrodegree
        let east = metres * sin(radians) / (metresPerMicrodegree * cos(Double(origin.latitude) / 1e6 * .pi / 180))
        return AssertedPlace(latitude: origin.latitude + Int32(north.rounded()), longitude: origin.longitude + Int32(east.rounded()),
                             elevation: elevation, antennaGain: gain)
    }

    static func record(_ place: AssertedPlace?, kind: DeviceKind = .hotspot, status: DeviceStatus = .active, owner: Int = 0) -> DeviceRecord {
        let location = place.map { p in
            DeviceLocation(place: p, cell: (try? CellID(containing: GeoPoint(latitude: p.latitude, longitude: p.longitude), resolution: 15).raw) ?? 0,
                           assertedAt: 1)
        }
        return DeviceRecord(publicKey: [2] + [UInt8](repeating: 7, count: 32), kind: kind, owner: self.owner(owner), maker: address(999),
                            status: status, onboardedAt: 1, location: location)
    }

    static let challengee = address(0)
    static let challengeeRecord = record(AssertedPlace(latitude: origin.latitude, longitude: origin.longitude, elevation: 400, antennaGain: 30))

    static func challenge(seed: Hash32 = seed) -> Challenge {
        try! AttestationRules.challenge(seed: seed, challengeHeight: height, blockTime: blockTime, height: height + 1,
                                        challengee: challengee, record: challengeeRecord, challenged: [challengee],
                                        attested: false, receipts: 0, report: (blockTime + 1_000, challengee), lastBeacon: nil,
                                        parameters: parameters)
    }

    /// Free-space RSSI in dBm×10 at `metres`, less `margin` tenths of a dB of extra loss.
    static func honestRSSI(metres: Double, frequency: UInt64, gains: Double = 6, margin: Double = 60) -> Int32 {
        let fspl = 20 * log10(metres) + 20 * log10(Double(frequency)) - 147.552_168
        return Int32(((27 + gains - fspl) * 10 - margin).rounded(.down))
    }

    /// The witness `n` at `metres`, with an honest receipt for `challenge`.
    static func witness(_ n: Int, metres: Double, bearing: Double = 45, challenge: Challenge = challenge()) -> WitnessInput {
        let id = address(n)
        let receipt = WitnessReceipt(witness: id, rssi: honestRSSI(metres: metres, frequency: challenge.beacon.frequency), snr: 55,
                                     frequency: challenge.beacon.frequency + 1_200, time: blockTime + 800,
                                     packetHash: challenge.beacon.packetHash)
        return WitnessInput(receipt: receipt, signer: id, device: record(place(metres: metres, bearing: bearing), owner: n))
    }
}
