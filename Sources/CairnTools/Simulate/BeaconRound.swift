import CairnCore
import CairnCrypto
import CairnState

/// One challenge as `coverage_getChallenges` reported it.
struct ChallengeInfo: Sendable {
    var height: UInt64
    var challengee: Address
    var beaconID: Hash32
    var packetHash: Hash32
    var channel: UInt64
    var frequency: UInt64
    /// The challenge block's time and the last ms a receipt may carry, both ms since the epoch.
    var blockTime: UInt64
    var latestTime: UInt64
}

/// A receipt put in an attestation, with the class it is booked to (FleetClass.liesAboutLocation
/// says why that is not always the witness's).
struct BookedReceipt: Sendable {
    var witness: Address
    var booked: FleetClass
}

/// Builds the attestation a challenge gets: the challengee's report, then the receipts of every
/// hotspot that hears the beacon (or claims to), each shaped by its class.
struct BeaconRound: Sendable {
    let plan: FleetPlan
    let propagation: Propagation
    let parameters: CoverageParameters
    let chainID: String
    /// Hotspots the chain knows (the unknown maker's never made it).
    let onboarded: Set<Int>

    /// A fabricator claims beacons whose challengee says it is within this of its own claimed place.
    static let fabricatorReach: UInt64 = 30_000
    /// Receipts in one attestation: `max_receipts`, and never more than 16 KiB holds (about 118).
    var receiptLimit: Int { Int(min(parameters.maxReceipts, 110)) }

    func build(_ c: ChallengeInfo, previousPacket: Hash32, seed: UInt64) -> (CoverageAttestation, [BookedReceipt])? {
        guard let ci = plan.byID[c.challengee] else { return nil }
        let challengee = plan.hotspots[ci]
        var rng = SeededRandom(seed: seed, "beacon", c.beaconID.hex)
        var drafts: [(receipt: WitnessReceipt, key: PrivateKey, booked: FleetClass)] = []

        func receipt(_ w: SimHotspot, rssi: Int64, snr: Int32? = nil, frequency: UInt64? = nil, time: UInt64? = nil,
                     packet: Hash32? = nil, booked: FleetClass) {
            let drift = UInt64(rng.uniform(0...40_000)) // ±20 kHz of crystal error
            let r = WitnessReceipt(witness: w.id, rssi: Int32(clamping: rssi), snr: snr ?? Propagation.snr(rssiTenths: rssi, &rng),
                                   frequency: frequency ?? (c.frequency + drift - 20_000),
                                   time: time ?? (c.blockTime + UInt64(rng.uniform(200...4_000))),
                                   packetHash: packet ?? c.packetHash)
            drafts.append((r, w.key, booked))
        }

        if challengee.fleetClass == .selfWitness {
            receipt(challengee, rssi: -400, snr: 100, booked: .selfWitness)
        }
        // Hotspots in the random order their receipts reach the gatherer, which forwards the first
        // ones up to what one attestation carries: the rest need not be modelled at all.
        for i in plan.hotspots.indices.shuffled(using: &rng) where i != ci && onboarded.contains(i) {
            let w = plan.hotspots[i]
            guard w.fleetClass != .selfWitness else { continue }
            if drafts.count >= receiptLimit { break }
            if w.fleetClass == .fabricator {
                // Claims a beacon of any challengee said to be near, with an RSSI out of thin air.
                guard challengee.asserted.distance(to: w.asserted) <= Self.fabricatorReach, rng.uniform(0...1) < 0.6 else { continue }
                receipt(w, rssi: Int64(rng.uniform(-1_250 ... -700)), snr: Int32(rng.uniform(-100...100)), booked: .fabricator)
                continue
            }
            guard let rssi = propagation.measured(challengee, w, frequency: c.frequency, fading: &rng) else { continue }
            let booked = w.fleetClass.cheatsAsWitness || !challengee.fleetClass.liesAboutLocation ? w.fleetClass : challengee.fleetClass
            switch w.fleetClass {
            case .inflated:
                // Beyond physics: more than free space allows between the two asserted places. A
                // pair the distance rules refuse first (a lying challengee's) would test nothing.
                let d = challengee.asserted.distance(to: w.asserted)
                guard d >= parameters.minWitnessDistance, d <= parameters.maxWitnessDistance else { continue }
                let bound = propagation.boundTenths(challengee.asserted, w.asserted, frequency: c.frequency)
                receipt(w, rssi: max(rssi + Int64(rng.uniform(200...350)), bound + Int64(rng.uniform(10...100))), snr: 100, booked: booked)
            case .replayer:
                receipt(w, rssi: rssi, packet: previousPacket, booked: booked)
            case .late:
                receipt(w, rssi: rssi, time: c.latestTime + UInt64(rng.uniform(1_000...30_000)), booked: booked)
            case .wrongFrequency:
                receipt(w, rssi: rssi, frequency: wrongFrequency(c, &rng), booked: booked)
            default:
                receipt(w, rssi: rssi, booked: booked)
            }
        }
        let signed = drafts.map { SignedReceipt(receipt: $0.receipt, signature: $0.key.sign(digest: $0.receipt.digest(chainID: chainID, beaconID: c.beaconID))) }
        let reportTime = c.blockTime + UInt64(rng.uniform(50...400))
        let report = challengee.key.sign(digest: CoverageAttestation.reportDigest(chainID: chainID, beaconID: c.beaconID, time: reportTime))
        let attestation = CoverageAttestation(challengeHeight: c.height, challengee: c.challengee, reportTime: reportTime,
                                              reportSignature: report, receipts: signed)
        return (attestation, drafts.map { BookedReceipt(witness: $0.receipt.witness, booked: $0.booked) })
    }

    /// Half the time another channel's centre (`wrong_channel`), else a frequency below the plan,
    /// further than the tolerance from every channel (`frequency_off_plan`).
    private func wrongFrequency(_ c: ChallengeInfo, _ rng: inout SeededRandom) -> UInt64 {
        let p = parameters
        if p.channelCount > 1, rng.uniform(0...1) < 0.5 {
            let other = (c.channel + UInt64.random(in: 1..<p.channelCount, using: &rng)) % p.channelCount
            return p.channelPlan.frequency(of: other) + UInt64(rng.uniform(0...10_000))
        }
        let below = p.frequencyTolerance + UInt64(rng.uniform(200_000...2_000_000))
        return p.channelBaseFrequency > below ? p.channelBaseFrequency - below : p.channelPlan.frequency(of: p.channelCount - 1) + below
    }
}
