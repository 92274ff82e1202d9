import CairnCrypto

/// Why a receipt earns nothing (Specs/depin/coverage.md §6). `reason` is stable: it goes into
/// events and vectors so operators can see why a witness was refused, which Helium's chain never
/// told them. Each case carries the numbers its rule compared.
public enum WitnessRejection: Error, Sendable, Hashable, CustomStringConvertible {
    case badSignature(signer: Address?)
    case unknownWitness
    case witnessNotHotspot(kind: DeviceKind)
    case witnessInactive(status: DeviceStatus)
    case witnessNotLocated
    case selfWitness
    case duplicateWitness(first: Int)
    case packetMismatch(expected: Hash32)
    case frequencyOffPlan(frequency: UInt64, nearestChannel: UInt64, offset: UInt64)
    case wrongChannel(expected: UInt64, offset: UInt64)
    case earlyReceipt(time: UInt64, earliest: UInt64)
    case lateReceipt(time: UInt64, latest: UInt64)
    case tooClose(distance: UInt64, minimum: UInt64)
    case tooFar(distance: UInt64, maximum: UInt64)
    case rssiTooLow(rssi: Int32, floor: Int64)
    case rssiTooHigh(rssi: Int32, bound: Int64, pathLoss: Int32)
    case snrOutOfRange(snr: Int32, low: Int64, high: Int64)

    public var reason: String {
        switch self {
        case .badSignature: "bad_signature"
        case .unknownWitness: "unknown_witness"
        case .witnessNotHotspot: "witness_not_hotspot"
        case .witnessInactive: "witness_inactive"
        case .witnessNotLocated: "witness_not_located"
        case .selfWitness: "self_witness"
        case .duplicateWitness: "duplicate_witness"
        case .packetMismatch: "packet_mismatch"
        case .frequencyOffPlan: "frequency_off_plan"
        case .wrongChannel: "wrong_channel"
        case .earlyReceipt: "early_receipt"
        case .lateReceipt: "late_receipt"
        case .tooClose: "too_close"
        case .tooFar: "too_far"
        case .rssiTooLow: "rssi_too_low"
        case .rssiTooHigh: "rssi_too_high"
        case .snrOutOfRange: "snr_out_of_range"
        }
    }

    public var description: String {
        switch self {
        case .badSignature(let signer): "the signature recovers \(signer.map { Hex.prefixed($0.bytes) } ?? "no key"), not the witness"
        case .unknownWitness: "the witness is not an onboarded device"
        case .witnessNotHotspot(let kind): "the witness is a \(kind), not a hotspot"
        case .witnessInactive(let status): "the witness is \(status)"
        case .witnessNotLocated: "the witness has asserted no location"
        case .selfWitness: "the challengee cannot witness its own beacon"
        case .duplicateWitness(let first): "the witness already reported in receipt \(first)"
        case .packetMismatch(let expected): "the packet hash is not the beacon's \(expected)"
        case .frequencyOffPlan(let f, let channel, let offset): "\(f) Hz is \(offset) Hz from the nearest channel \(channel)"
        case .wrongChannel(let expected, let offset): "the frequency is \(offset) Hz from the beacon's channel \(expected)"
        case .earlyReceipt(let time, let earliest): "heard at \(time) ms, before \(earliest) ms"
        case .lateReceipt(let time, let latest): "heard at \(time) ms, after \(latest) ms"
        case .tooClose(let d, let minimum): "\(d) m from the challengee, nearer than \(minimum) m"
        case .tooFar(let d, let maximum): "\(d) m from the challengee, farther than \(maximum) m"
        case .rssiTooLow(let rssi, let floor): "RSSI \(rssi) dBm×10 is below the receiver floor \(floor)"
        case .rssiTooHigh(let rssi, let bound, let loss):
            "RSSI \(rssi) dBm×10 exceeds the free-space bound \(bound) (path loss \(loss) dB×10)"
        case .snrOutOfRange(let snr, let low, let high): "SNR \(snr) dB×10 is outside \(low)…\(high)"
        }
    }
}

/// A receipt's outcome: rewarded, valid but beyond the K chosen, or refused with a reason.
public enum WitnessVerdict: Sendable, Hashable, CustomStringConvertible {
    case valid
    case validNotSelected
    case invalid(WitnessRejection)

    public var reason: String {
        switch self {
        case .valid: "valid"
        case .validNotSelected: "valid_not_selected"
        case .invalid(let rejection): rejection.reason
        }
    }

    public var description: String {
        switch self {
        case .valid, .validNotSelected: reason
        case .invalid(let rejection): "\(rejection.reason): \(rejection)"
        }
    }

    public var isValid: Bool {
        if case .invalid = self { return false }
        return true
    }
}
