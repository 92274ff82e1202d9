import CairnGeo
import CairnState
import Foundation

/// The simulator's radio model (floats: only the simulator uses it, consensus never does).
///
/// Loss = free-space loss at the true distance (the chain's own integer FSPL, so the two agree to
/// the tenth) + an excess that is never negative: a log-distance term for path-loss exponent n
/// above free space's 2 beyond 100 m, clutter at both ends, a log-normal shadowing fixed per link
/// and a small fading per reception. Their sum is clamped at 0 because no real path loses less
/// than free space, so a radio at its asserted place never reports more than the free-space
/// budget: honest receipts stay below the `rssi_too_high` bound even before its 3 dB tolerance.
struct Propagation: Sendable {
    let parameters: CoverageParameters
    let seed: UInt64

    /// Weakest signal a hotspot decodes (LoRa SF12 at 125 kHz), above the chain's −140 dBm floor.
    static let sensitivityTenths: Int64 = -1_370
    /// A receiver saturates: nothing reads above −20 dBm however close.
    static let saturationTenths: Int64 = -200
    /// Thermal noise over 125 kHz (−123 dBm) plus a 6 dB noise figure.
    static let noiseFloorDBm = -117.0
    static let referenceMetres = 100.0
    static let urbanExponent = 4.5, ruralExponent = 3.8
    /// Mean extra loss at each end: buildings and trees in the city, little in the open.
    static let urbanClutterDB = 12.0, ruralClutterDB = 4.0
    static let shadowingSigmaDB = 6.0, fadingSigmaDB = 1.5

    /// The chain's free-space budget from `tx` to `rx` in dBm × 10, without the tolerance:
    /// P_tx + G_tx + G_rx − FSPL(d, f).
    func freeSpaceTenths(_ tx: Site, _ rx: Site, frequency: UInt64) -> Int64 {
        let loss = FreeSpacePathLoss.decibelsTenths(distanceMeters: max(tx.distance(to: rx), 1), frequencyHz: frequency)
        return Int64(parameters.beaconTransmitPower) + Int64(tx.gain) + Int64(rx.gain) - Int64(loss)
    }

    /// The `rssi_too_high` bound the chain applies between two asserted places.
    func boundTenths(_ tx: Site, _ rx: Site, frequency: UInt64) -> Int64 {
        freeSpaceTenths(tx, rx, frequency: frequency) + Int64(parameters.rssiTolerance)
    }

    /// What the radio of `rx` measures of a beacon from the radio of `tx`, dBm × 10; nil when
    /// it is too weak to decode (or either has no radio).
    func measured(_ tx: SimHotspot, _ rx: SimHotspot, frequency: UInt64, fading: inout SeededRandom) -> Int64? {
        guard let a = tx.radio, let b = rx.radio else { return nil }
        // A float estimate first: most pairs of a large fleet are far out of reach, and the
        // chain's integer distance and loss are the costly part.
        let estimate = max(Self.flatDistance(a, b), 1)
        let reach = Double(parameters.beaconTransmitPower + a.gain + b.gain) / 10 - Self.freeSpaceDB(estimate, Double(frequency))
            - 10 * (min(tx.urban ? Self.urbanExponent : Self.ruralExponent, rx.urban ? Self.urbanExponent : Self.ruralExponent) - 2)
            * log10(max(estimate, Self.referenceMetres) / Self.referenceMetres)
        guard reach + 5 * (Self.shadowingSigmaDB + Self.fadingSigmaDB) >= Double(Self.sensitivityTenths) / 10 else { return nil }
        let d = max(Double(a.distance(to: b)), 1)
        let exponent = ((tx.urban ? Self.urbanExponent : Self.ruralExponent) + (rx.urban ? Self.urbanExponent : Self.ruralExponent)) / 2
        let clutter = (tx.urban ? Self.urbanClutterDB : Self.ruralClutterDB) + (rx.urban ? Self.urbanClutterDB : Self.ruralClutterDB)
        let distanceTerm = 10 * (exponent - 2) * log10(max(d, Self.referenceMetres) / Self.referenceMetres)
        let freeSpace = freeSpaceTenths(a, b, frequency: frequency)
        // Out of reach even with five sigmas of luck: skip the link's draws.
        let luck = 5 * (Self.shadowingSigmaDB + Self.fadingSigmaDB)
        guard Double(freeSpace) - 10 * max(0, distanceTerm + clutter - luck) >= Double(Self.sensitivityTenths) else { return nil }
        // Shadowing is a property of the path, so both directions of a link draw the same.
        var link = SeededRandom(seed: seed, "link", "\(min(tx.index, rx.index))-\(max(tx.index, rx.index))")
        let shadowing = link.gaussian(sigma: Self.shadowingSigmaDB)
        let excess = max(0, distanceTerm + clutter + shadowing + fading.gaussian(sigma: Self.fadingSigmaDB))
        let rssi = min(freeSpace - Int64((excess * 10).rounded(.up)), Self.saturationTenths)
        return rssi >= Self.sensitivityTenths ? rssi : nil
    }

    static func freeSpaceDB(_ metres: Double, _ hertz: Double) -> Double { 20 * log10(metres) + 20 * log10(hertz) - 147.55 }

    /// Equirectangular distance in metres, within a fraction of a percent over a fleet's extent.
    static func flatDistance(_ a: Site, _ b: Site) -> Double {
        let lat = Double(a.latitude + b.latitude) / 2e6 * .pi / 180
        let north = Double(a.latitude - b.latitude) / 1e6 * LocalFrame.metresPerDegree
        let east = Double(a.longitude - b.longitude) / 1e6 * LocalFrame.metresPerDegree * cos(lat)
        return (north * north + east * east).squareRoot()
    }

    /// SNR for a measured RSSI, dB × 10: above the noise floor, with a little noise, within what
    /// a LoRa radio reports (−19.5 … +12 dB, inside the chain's ±20 dB).
    static func snr(rssiTenths: Int64, _ rng: inout SeededRandom) -> Int32 {
        let db = Double(rssiTenths) / 10 - noiseFloorDBm + rng.gaussian(sigma: 1)
        return Int32((min(max(db, -19.5), 12) * 10).rounded())
    }
}
