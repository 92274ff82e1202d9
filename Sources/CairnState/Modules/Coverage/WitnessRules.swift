import CairnCore
import CairnCrypto
import CairnGeo

/// One receipt as the caller found it: the signer its signature recovers (nil when it recovers
/// none) and the record of the device it names (nil when there is none).
public struct WitnessInput: Sendable, Hashable {
    public var receipt: WitnessReceipt
    public var signer: Address?
    public var device: DeviceRecord?

    public init(receipt: WitnessReceipt, signer: Address?, device: DeviceRecord?) {
        self.receipt = receipt
        self.signer = signer
        self.device = device
    }
}

/// The witness rules (Specs/depin/coverage.md §6.2), each its own reason, checked in the order of
/// `check`; then the selection of at most K (§7).
public enum WitnessRules {
    /// A verdict for every receipt, in order.
    public static func verdicts(challenge: Challenge, witnesses: [WitnessInput], parameters: CoverageParameters) -> [WitnessVerdict] {
        var verdicts: [WitnessVerdict] = []
        // Only a receipt its witness signed can make a later one a duplicate: someone else's
        // forgery naming the witness must not cancel the witness's genuine receipt.
        var signed: [Address: Int] = [:]
        for (index, input) in witnesses.enumerated() {
            let earlier = signed[input.receipt.witness]
            if input.signer == input.receipt.witness, earlier == nil { signed[input.receipt.witness] = index }
            do throws(WitnessRejection) {
                try check(input, earlier: earlier, challenge: challenge, parameters: parameters)
                verdicts.append(.valid)
            } catch {
                verdicts.append(.invalid(error))
            }
        }
        return WitnessSelection.select(verdicts: verdicts, witnesses: witnesses.map(\.receipt.witness), challenge: challenge,
                                       maxWitnesses: parameters.maxWitnesses)
    }

    /// Every rule in spec order; `earlier` is the first correctly signed receipt of the same
    /// witness before this one, if any.
    static func check(_ input: WitnessInput, earlier: Int?, challenge: Challenge,
                      parameters p: CoverageParameters) throws(WitnessRejection) {
        let receipt = input.receipt
        guard input.signer == receipt.witness else { throw .badSignature(signer: input.signer) }
        guard let device = input.device else { throw .unknownWitness }
        guard device.kind == .hotspot else { throw .witnessNotHotspot(kind: device.kind) }
        guard device.status == .active else { throw .witnessInactive(status: device.status) }
        guard let place = device.location?.place,
              let point = try? GeoPoint(latitude: place.latitude, longitude: place.longitude) else { throw .witnessNotLocated }
        guard receipt.witness != challenge.challengee else { throw .selfWitness }
        if let earlier { throw .duplicateWitness(first: earlier) }
        guard receipt.packetHash == challenge.beacon.packetHash else { throw .packetMismatch(expected: challenge.beacon.packetHash) }
        let plan = p.channelPlan
        let nearest = plan.nearest(to: receipt.frequency)
        guard nearest.offset <= p.frequencyTolerance else {
            throw .frequencyOffPlan(frequency: receipt.frequency, nearestChannel: nearest.channel, offset: nearest.offset)
        }
        let offset = plan.distance(receipt.frequency, challenge.beacon.frequency)
        guard offset <= p.frequencyTolerance else { throw .wrongChannel(expected: challenge.beacon.channel, offset: offset) }
        try checkTime(receipt.time, challenge: challenge, parameters: p)
        let distance = GreatCircle.distance3D(challenge.point, elevationA: challenge.elevation, point, elevationB: place.elevation)
        guard distance >= p.minWitnessDistance else { throw .tooClose(distance: distance, minimum: p.minWitnessDistance) }
        guard distance <= p.maxWitnessDistance else { throw .tooFar(distance: distance, maximum: p.maxWitnessDistance) }
        try checkSignal(receipt, distance: distance, witnessGain: place.antennaGain, challenge: challenge, parameters: p)
    }

    /// `early_receipt` and `late_receipt`: heard within [block time, block time + receipt_window],
    /// widened by the tolerance on both sides (u64 arithmetic that saturates instead of wrapping).
    static func checkTime(_ time: UInt64, challenge: Challenge, parameters p: CoverageParameters) throws(WitnessRejection) {
        let window = window(blockTime: challenge.blockTime, parameters: p)
        guard time >= window.lowerBound else { throw .earlyReceipt(time: time, earliest: window.lowerBound) }
        guard time <= window.upperBound else { throw .lateReceipt(time: time, latest: window.upperBound) }
    }

    /// When a beacon may be sent and heard: [block time − tolerance, block time + receipt_window +
    /// tolerance], saturating at both ends.
    static func window(blockTime: UInt64, parameters p: CoverageParameters) -> ClosedRange<UInt64> {
        let earliest = blockTime > p.receiptTimeTolerance ? blockTime - p.receiptTimeTolerance : 0
        return earliest...IntegerMath.add(IntegerMath.add(blockTime, p.receiptWindow), p.receiptTimeTolerance)
    }

    /// `rssi_too_low`, `rssi_too_high` and `snr_out_of_range`, in tenths of a dB throughout. The
    /// bound is the free-space budget P_tx + G_challengee + G_witness − FSPL(d, f_channel) plus the
    /// tolerance: free space is the least loss any real path has, so more power than that was
    /// heard from nearer than the witness claims. FSPL uses the beacon channel's centre, not the
    /// witness's report, so a witness cannot shift the bound. Every term is capped by the
    /// parameter and device rules (≤ 2 000 and 1 000 tenths), so Int64 cannot overflow.
    static func checkSignal(_ receipt: WitnessReceipt, distance: UInt64, witnessGain: UInt64, challenge: Challenge,
                            parameters p: CoverageParameters) throws(WitnessRejection) {
        let floor = -Int64(p.rssiFloor)
        guard Int64(receipt.rssi) >= floor else { throw .rssiTooLow(rssi: receipt.rssi, floor: floor) }
        let loss = FreeSpacePathLoss.decibelsTenths(distanceMeters: distance, frequencyHz: challenge.beacon.frequency)
        let gains = Int64(min(challenge.antennaGain, 10_000)) + Int64(min(witnessGain, 10_000))
        let bound = Int64(p.beaconTransmitPower) + gains - Int64(loss) + Int64(p.rssiTolerance)
        guard Int64(receipt.rssi) <= bound else { throw .rssiTooHigh(rssi: receipt.rssi, bound: bound, pathLoss: loss) }
        let low = -Int64(p.snrFloor), high = Int64(p.snrCeiling)
        guard Int64(receipt.snr) >= low, Int64(receipt.snr) <= high else { throw .snrOutOfRange(snr: receipt.snr, low: low, high: high) }
    }
}
