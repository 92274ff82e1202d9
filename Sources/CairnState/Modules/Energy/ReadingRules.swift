import CairnCore
import CairnCrypto
import CairnGeo

/// The reading rules (Specs/depin/energy.md §6.2) as pure functions of the reading, what the
/// meter last had accepted and the block: no state, no clock but the block's.
public enum ReadingRules {
    /// What a batch's readings are judged against: the meter as it stands.
    public struct Meter: Sendable, Hashable {
        public var capacity: UInt64
        public var technology: MeterTechnology
        public var point: GeoPoint

        public init(capacity: UInt64, technology: MeterTechnology, point: GeoPoint) {
            self.capacity = capacity
            self.technology = technology
            self.point = point
        }
    }

    /// Rules 1–6, which hold for the whole batch: the meter, or the rejection of every reading.
    public static func meter(_ id: Address, signer: Address?, record: MeterRecord?, device: DeviceRecord?,
                             parameters p: EnergyParameters) -> Result<Meter, ReadingRejection> {
        guard signer == id else { return .failure(.badSignature(signer: signer)) }
        guard let record, let device else { return .failure(.meterNotRegistered) }
        guard device.status == .active else { return .failure(.meterInactive(status: device.status)) }
        if let frozen = record.frozen { return .failure(.meterFrozen(since: frozen.height)) }
        guard record.bond >= p.minBond else { return .failure(.insufficientBond(bond: record.bond, minimum: p.minBond)) }
        guard let place = device.location?.place,
              let point = try? GeoPoint(latitude: place.latitude, longitude: place.longitude) else {
            return .failure(.meterNotLocated)
        }
        return .success(Meter(capacity: record.capacity, technology: record.technology, point: point))
    }

    /// Rules 7–13 for one reading. `now` is the block's time in whole seconds, nil in admission
    /// (the pool has no block time: rules 7 and 8 are then left to the block). The Wh a reading
    /// adds is its rise over `last`; a meter's first reading is its baseline and adds nothing.
    public static func judge(_ reading: MeterReading, last: LastReading?, meter: Meter, now: UInt64?,
                             parameters p: EnergyParameters) -> ReadingVerdict {
        let (end, overflow) = reading.slot.multipliedReportingOverflow(by: p.slotLength)
        let slotEnd = overflow ? UInt64.max : IntegerMath.add(end, p.slotLength)
        if let now {
            guard slotEnd <= now else { return .rejected(.futureSlot(slotEnd: slotEnd, blockTime: now)) }
            let earliest = now > p.submissionWindow ? now - p.submissionWindow : 0
            guard slotEnd >= earliest else { return .rejected(.slotTooOld(slotEnd: slotEnd, earliest: earliest)) }
        }
        guard let last else { return .accepted(wh: 0) }
        guard reading.slot > last.slot else { return .rejected(.slotNotAfterLast(slot: reading.slot, last: last.slot)) }
        guard reading.sequence > last.sequence else {
            return .rejected(.sequenceNotIncreasing(sequence: reading.sequence, last: last.sequence))
        }
        guard reading.energy >= last.energy else { return .rejected(.energyDecreased(energy: reading.energy, last: last.energy)) }
        let rise = reading.energy - last.energy
        let bound = capacityBound(capacity: meter.capacity, slots: reading.slot - last.slot, parameters: p)
        guard rise <= bound else { return .rejected(.exceedsCapacity(energy: rise, bound: bound)) }
        // A slot beyond 2^64 s is refused as future by any block; only admission gets here with one.
        if meter.technology == .solar && rise > 0 && !overflow {
            let peak = SolarElevation.maxElevation(at: meter.point, from: Int64(clamping: end), to: Int64(clamping: slotEnd - 1))
            guard Int64(peak) >= -Int64(p.nightElevationThreshold) else {
                return .rejected(.solarAtNight(maxElevation: peak, threshold: p.nightElevationThreshold))
            }
        }
        return .accepted(wh: rise)
    }

    /// ⌊capacity · slots · slot_length · (10^6 + capacity_tolerance) / (3 600 · 10^6)⌋ Wh: the most
    /// a meter of `capacity` W can make in `slots` whole slots, floored, saturating at 2^64 − 1.
    public static func capacityBound(capacity: UInt64, slots: UInt64, parameters p: EnergyParameters) -> UInt64 {
        // capacity ≤ 10^9, slot_length ≤ 86 400, the factor ≤ 2·10^6: the product fits 128 bits.
        let perSlot = UInt128(capacity) * UInt128(p.slotLength) * UInt128(EnergyParameters.ppm + p.capacityTolerance)
        let bound = IntegerMath.mulDiv(perSlot, UInt128(slots), 3_600 * UInt128(EnergyParameters.ppm)) ?? .max
        return UInt64(clamping: bound)
    }
}
