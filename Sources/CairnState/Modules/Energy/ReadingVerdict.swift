import CairnCore
import CairnCrypto

/// Why a reading earns nothing (Specs/depin/energy.md §6.2). `reason` is stable: it is what the
/// rejected-readings query and the vectors show. Each case carries the numbers its rule compared.
public enum ReadingRejection: Error, Sendable, Hashable, CustomStringConvertible {
    case badSignature(signer: Address?)
    case meterNotRegistered
    case meterInactive(status: DeviceStatus)
    case meterFrozen(since: UInt64)
    case insufficientBond(bond: Amount, minimum: Amount)
    case meterNotLocated
    case futureSlot(slotEnd: UInt64, blockTime: UInt64)
    case slotTooOld(slotEnd: UInt64, earliest: UInt64)
    case slotNotAfterLast(slot: UInt64, last: UInt64)
    case sequenceNotIncreasing(sequence: UInt64, last: UInt64)
    case energyDecreased(energy: UInt64, last: UInt64)
    case exceedsCapacity(energy: UInt64, bound: UInt64)
    case solarAtNight(maxElevation: Int32, threshold: UInt64)

    /// Rules 12 and 13 refuse energy the meter's register did count: refused, it is forfeited
    /// (the reading becomes the baseline) rather than left for the next reading to claim.
    public var forfeitsEnergy: Bool {
        switch self {
        case .exceedsCapacity, .solarAtNight: true
        default: false
        }
    }

    public var reason: String {
        switch self {
        case .badSignature: "bad_signature"
        case .meterNotRegistered: "meter_not_registered"
        case .meterInactive: "meter_inactive"
        case .meterFrozen: "meter_frozen"
        case .insufficientBond: "insufficient_bond"
        case .meterNotLocated: "meter_not_located"
        case .futureSlot: "future_slot"
        case .slotTooOld: "slot_too_old"
        case .slotNotAfterLast: "slot_not_after_last"
        case .sequenceNotIncreasing: "sequence_not_increasing"
        case .energyDecreased: "energy_decreased"
        case .exceedsCapacity: "exceeds_capacity"
        case .solarAtNight: "solar_at_night"
        }
    }

    public var description: String {
        switch self {
        case .badSignature(let signer): "the batch signature recovers \(signer.map { Hex.prefixed($0.bytes) } ?? "no key"), not the meter"
        case .meterNotRegistered: "the meter is not registered with the energy module"
        case .meterInactive(let status): "the meter's device is \(status)"
        case .meterFrozen(let height): "the meter was frozen for equivocation at height \(height)"
        case .insufficientBond(let bond, let minimum): "the meter's bond \(bond) is below the minimum \(minimum)"
        case .meterNotLocated: "the meter has asserted no location"
        case .futureSlot(let end, let now): "the slot ends at \(end) s, after the block's time \(now) s"
        case .slotTooOld(let end, let earliest): "the slot ended at \(end) s, before the submission window opened at \(earliest) s"
        case .slotNotAfterLast(let slot, let last): "slot \(slot) is not after the last accepted slot \(last)"
        case .sequenceNotIncreasing(let s, let last): "sequence \(s) is not above the last accepted \(last)"
        case .energyDecreased(let e, let last): "cumulative \(e) Wh is below the last accepted \(last) Wh"
        case .exceedsCapacity(let e, let bound): "\(e) Wh since the last reading exceeds the capacity bound \(bound) Wh"
        case .solarAtNight(let elevation, let threshold):
            "a solar meter claims energy in a slot whose sun peaks at \(elevation) µ°, below −\(threshold) µ°"
        }
    }
}

/// A reading's outcome: accepted (with the Wh it adds), or refused with a reason.
public enum ReadingVerdict: Sendable, Hashable, CustomStringConvertible {
    case accepted(wh: UInt64)
    case rejected(ReadingRejection)

    public var reason: String {
        switch self {
        case .accepted: "accepted"
        case .rejected(let r): r.reason
        }
    }

    public var description: String {
        switch self {
        case .accepted(let wh): "accepted: \(wh) Wh"
        case .rejected(let r): "\(r.reason): \(r)"
        }
    }

    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }
}

/// A rejection as the node index stores it (Specs/depin/energy.md §11.2): a code byte in rule
/// order, then the numbers the rule compared.
extension ReadingRejection: CanonicalCodable {
    /// 1 … 13, the reading rules in order (0 is an accepted reading).
    public var code: UInt8 {
        switch self {
        case .badSignature: 1
        case .meterNotRegistered: 2
        case .meterInactive: 3
        case .meterFrozen: 4
        case .insufficientBond: 5
        case .meterNotLocated: 6
        case .futureSlot: 7
        case .slotTooOld: 8
        case .slotNotAfterLast: 9
        case .sequenceNotIncreasing: 10
        case .energyDecreased: 11
        case .exceedsCapacity: 12
        case .solarAtNight: 13
        }
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(fixed: [code])
        switch self {
        case .badSignature(let signer): writer.write(optional: signer)
        case .meterNotRegistered, .meterNotLocated: break
        case .meterInactive(let status): writer.write(fixed: [status.rawValue])
        case .meterFrozen(let since): writer.write(varint: since)
        case .insufficientBond(let bond, let minimum):
            writer.write(varint: bond)
            writer.write(varint: minimum)
        case .futureSlot(let a, let b), .slotTooOld(let a, let b), .slotNotAfterLast(let a, let b),
             .sequenceNotIncreasing(let a, let b), .energyDecreased(let a, let b), .exceedsCapacity(let a, let b):
            writer.write(varint: a)
            writer.write(varint: b)
        case .solarAtNight(let elevation, let threshold):
            writer.write(int32: elevation)
            writer.write(varint: threshold)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let code = try reader.readByte("reading_verdict.code")
        func pair() throws(CanonicalDecodingError) -> (UInt64, UInt64) {
            (try reader.readVarint("reading_verdict.value"), try reader.readVarint("reading_verdict.limit"))
        }
        switch code {
        case 1: self = .badSignature(signer: try reader.readOptional("reading_verdict.signer"))
        case 2: self = .meterNotRegistered
        case 3:
            let raw = try reader.readByte("reading_verdict.status")
            guard let status = DeviceStatus(rawValue: raw) else { throw .unknownTag(type: "device status", tag: UInt64(raw)) }
            self = .meterInactive(status: status)
        case 4: self = .meterFrozen(since: try reader.readVarint("reading_verdict.since"))
        case 5: self = .insufficientBond(bond: try reader.readVarint128("reading_verdict.bond"),
                                         minimum: try reader.readVarint128("reading_verdict.minimum"))
        case 6: self = .meterNotLocated
        case 7: let (a, b) = try pair(); self = .futureSlot(slotEnd: a, blockTime: b)
        case 8: let (a, b) = try pair(); self = .slotTooOld(slotEnd: a, earliest: b)
        case 9: let (a, b) = try pair(); self = .slotNotAfterLast(slot: a, last: b)
        case 10: let (a, b) = try pair(); self = .sequenceNotIncreasing(sequence: a, last: b)
        case 11: let (a, b) = try pair(); self = .energyDecreased(energy: a, last: b)
        case 12: let (a, b) = try pair(); self = .exceedsCapacity(energy: a, bound: b)
        case 13: self = .solarAtNight(maxElevation: try reader.readInt32("reading_verdict.max_elevation"),
                                      threshold: try reader.readVarint("reading_verdict.threshold"))
        default: throw .unknownTag(type: "reading verdict", tag: UInt64(code))
        }
    }
}
