import CairnState
import Foundation

/// A meter's register over time: what it generates each slot (its curve) and what it reports,
/// which for a cheating meter is not the same thing. Readings come out in slot order, one per
/// slot, each with the next sequence number.
struct MeterModel: Sendable {
    let meter: SimMeter
    let slotLength: UInt64
    private var rng: SeededRandom
    private var solar: SolarCurve
    private var wind: WindCurve
    /// Wh generated (and, for the night-solar meter, fed back) since it was made.
    private var counted: Double
    /// Wh the decreasing meter's register has been wound back by.
    private var woundBack = 0.0
    private var sequence: UInt64
    private var recent: [Double] = []

    /// A decreasing meter winds its register back every this many slots.
    static let windBackEvery = 72
    /// Slots a backdated meter shifts its readings back by: three days of 5-minute slots.
    static let backdateDays: UInt64 = 3

    init(_ meter: SimMeter, slotLength: UInt64, seed: UInt64) {
        self.meter = meter
        self.slotLength = slotLength
        rng = SeededRandom(seed: seed, "energy", "meter-\(meter.index)")
        solar = SolarCurve(latitude: meter.latitude, longitude: meter.longitude)
        wind = WindCurve(mean: rng.uniform(6...10), ratedOutput: meter.device.fleetClass == .overCapacity ? 1.8 : 0.95, &rng)
        counted = Double(meter.register)
        sequence = UInt64(rng.uniform(1...100_000))
    }

    /// The readings of `slots`, as the meter reports them.
    mutating func readings(_ slots: Range<UInt64>) -> [MeterReading] {
        slots.map { slot in
            let start = Double(slot * slotLength), end = Double((slot + 1) * slotLength)
            var fraction = meter.technology == .solar ? solar.output(start: start, end: end, &rng) : wind.output(&rng)
            if meter.device.fleetClass == .nightSolar, solar.isNight(start: start, end: end) { fraction = rng.uniform(0.08...0.15) }
            let energy = fraction * Double(meter.capacity) * Double(slotLength) / 3_600
            counted += energy
            recent = Array((recent + [energy]).suffix(24))
            if meter.device.fleetClass == .decreasing, (slot + 1) % UInt64(Self.windBackEvery) == 0 {
                // Two hours' energy, and never less than an hour at the nameplate, so the next
                // readings are surely below the last one the chain accepted.
                woundBack += max(recent.reduce(0, +), Double(meter.capacity))
            }
            sequence += 1
            let reported = meter.device.fleetClass == .backdated ? slot - Self.backdateDays * 86_400 / slotLength : slot
            return MeterReading(slot: reported, energy: UInt64((counted - woundBack).rounded(.down)), sequence: sequence)
        }
    }
}
