import CairnCore
import CairnCrypto

/// The energy module's state keys and node index keys (Specs/depin/energy.md §11.1).
public enum EnergyKeys {
    /// meter → `MeterRecord`.
    public static let meter: UInt8 = 0x30
    /// empty → `EnergyGlobals`.
    public static let globals: UInt8 = 0x31
    /// u64_be(index) → meter (20): the meters with work since the last settlement, in first-work order.
    public static let openMeter: UInt8 = 0x32
    /// meter → u64 Wh verified since the last settlement (while it is in the open list).
    public static let openWork: UInt8 = 0x33
    /// u64_be(height) → `MeterList`: the meters whose bond withdrawal unlocks at that height.
    public static let unlocks: UInt8 = 0x34
    /// u64_be(lot id) → `CertificateLot`.
    public static let lot: UInt8 = 0x35
    /// owner ‖ u64_be(lot id) → empty, for lots not retired.
    public static let ownerLot: UInt8 = 0x36
    /// u64_be(epoch) → `EnergyEpochRecord`.
    public static let epoch: UInt8 = 0x37
    /// u64_be(epoch) ‖ spatial key of a resolution-8 cell → `CellEnergy`.
    public static let cell: UInt8 = 0x38
    /// Node index: meter ‖ u64_be(slot) → `AcceptedReading`.
    public static let acceptedReading: UInt8 = 0x39
    /// Node index: meter ‖ u64_be(slot) ‖ u64_be(sequence) ‖ u64_be(energy) ‖ u64_be(height) ‖ code → `ReadingRejection`.
    public static let rejectedReading: UInt8 = 0x3A
    /// Node index: meter ‖ u64_be(lot id) → empty.
    public static let meterLot: UInt8 = 0x3B
    /// Node index: u64_be(last serial of a lot) → u64 lot id, so a serial finds its lot by one forward seek.
    public static let lotEnd: UInt8 = 0x3C
    /// Node index: u64_be(retirement height) ‖ u64_be(lot id) → empty.
    public static let retired: UInt8 = 0x3D

    public static let all: [UInt8] = [meter, globals, openMeter, openWork, unlocks, lot, ownerLot, epoch, cell,
                                      acceptedReading, rejectedReading, meterLot, lotEnd, retired]
    /// The namespaces that are node index, not state (Specs/runtime.md §7.3).
    public static let indexOnly: [UInt8] = [acceptedReading, rejectedReading, meterLot, lotEnd, retired]

    static func meter(_ id: Address) -> StateKey { StateKey(namespace: meter, key: id.bytes) }
    static let globalsKey = StateKey(namespace: globals, key: [])
    static func openMeter(_ index: UInt64) -> StateKey { StateKey(namespace: openMeter, key: index.bigEndianBytes) }
    static func openWork(_ id: Address) -> StateKey { StateKey(namespace: openWork, key: id.bytes) }
    static func unlocks(_ height: UInt64) -> StateKey { StateKey(namespace: unlocks, key: height.bigEndianBytes) }
    static func lot(_ id: UInt64) -> StateKey { StateKey(namespace: lot, key: id.bigEndianBytes) }
    static func ownerLot(_ owner: Address, _ id: UInt64) -> StateKey { StateKey(namespace: ownerLot, key: owner.bytes + id.bigEndianBytes) }
    static func epoch(_ number: UInt64) -> StateKey { StateKey(namespace: epoch, key: number.bigEndianBytes) }
    static func cell(_ epoch: UInt64, spatialKey: UInt64) -> StateKey {
        StateKey(namespace: cell, key: epoch.bigEndianBytes + spatialKey.bigEndianBytes)
    }
    static func acceptedReading(_ meter: Address, slot: UInt64) -> StateKey {
        StateKey(namespace: acceptedReading, key: meter.bytes + slot.bigEndianBytes)
    }
    static func rejectedReading(_ meter: Address, _ reading: MeterReading, height: UInt64, code: UInt8) -> StateKey {
        StateKey(namespace: rejectedReading, key: meter.bytes + reading.slot.bigEndianBytes + reading.sequence.bigEndianBytes
                    + reading.energy.bigEndianBytes + height.bigEndianBytes + [code])
    }
    static func meterLot(_ meter: Address, _ id: UInt64) -> StateKey { StateKey(namespace: meterLot, key: meter.bytes + id.bigEndianBytes) }
    static func lotEnd(_ last: UInt64) -> StateKey { StateKey(namespace: lotEnd, key: last.bigEndianBytes) }
    static func retired(height: UInt64, _ id: UInt64) -> StateKey { StateKey(namespace: retired, key: height.bigEndianBytes + id.bigEndianBytes) }
}
