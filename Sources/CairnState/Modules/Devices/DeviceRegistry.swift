import CairnCore
import CairnCrypto
import CairnGeo

/// The devices module's records as other modules read them (coverage finds challengees and pays
/// owners through these), and the module's own writes, which keep the indexes in step.
extension StateOverlay {
    public mutating func device(_ id: Address) throws -> DeviceRecord? {
        try get(DeviceRecord.self, DeviceKeys.device(id))
    }

    public mutating func maker(_ id: Address) throws -> MakerRecord? {
        try get(MakerRecord.self, DeviceKeys.maker(id))
    }

    public mutating func deviceCounts(_ kind: DeviceKind) throws -> DeviceCounts {
        try get(DeviceCounts.self, DeviceKeys.counts(kind)) ?? DeviceCounts()
    }

    /// The active located device of `kind` at `position` of the dense list (positions run
    /// 0 ..< `deviceCounts(kind).located`; the order changes as devices leave the list).
    public mutating func locatedDevice(_ kind: DeviceKind, at position: UInt64) throws -> Address? {
        try get(Address.self, DeviceKeys.located(kind, position))
    }

    mutating func putMaker(_ id: Address, _ record: MakerRecord) {
        set(DeviceKeys.maker(id), record)
    }

    /// Writes a new device under its owner and kind, and counts it.
    mutating func addDevice(_ id: Address, _ record: DeviceRecord) throws {
        set(DeviceKeys.device(id), record)
        write(DeviceKeys.byOwner(record.owner, id), [])
        write(DeviceKeys.byKind(record.kind, id), [])
        var counts = try deviceCounts(record.kind)
        counts.onboarded += 1
        counts.active += 1
        set(DeviceKeys.counts(record.kind), counts)
    }

    /// Moves the owner index entry.
    mutating func changeOwner(_ id: Address, _ record: inout DeviceRecord, to owner: Address) {
        delete(DeviceKeys.byOwner(record.owner, id))
        write(DeviceKeys.byOwner(owner, id), [])
        record.owner = owner
        set(DeviceKeys.device(id), record)
    }

    /// Leaves the located list and the cell index; the record keeps its last location.
    mutating func deactivateDevice(_ id: Address, _ record: inout DeviceRecord, as status: DeviceStatus) throws {
        try leaveLocatedList(id, &record)
        if let location = record.location { delete(try cellEntry(location, id)) }
        var counts = try deviceCounts(record.kind)
        counts.active -= 1
        set(DeviceKeys.counts(record.kind), counts)
        record.status = status
        set(DeviceKeys.device(id), record)
    }

    /// Replaces the device's location, moving its cell entry; a device located for the first
    /// time joins its kind's located list.
    mutating func relocate(_ id: Address, _ record: inout DeviceRecord, to location: DeviceLocation) throws {
        if let old = record.location { delete(try cellEntry(old, id)) }
        write(try cellEntry(location, id), [])
        record.location = location
        record.locationNonce += 1
        if record.listPosition == nil {
            var counts = try deviceCounts(record.kind)
            record.listPosition = counts.located
            set(DeviceKeys.located(record.kind, counts.located), id)
            counts.located += 1
            set(DeviceKeys.counts(record.kind), counts)
        }
        set(DeviceKeys.device(id), record)
    }

    private func cellEntry(_ location: DeviceLocation, _ id: Address) throws -> StateKey {
        guard let cell = CellID(raw: location.cell) else { throw DevicesFault.badCell(location.cell) }
        return DeviceKeys.byCell(spatialKey: cell.spatialKey, id)
    }

    /// Swap-remove: the list's last device takes the leaving one's position.
    private mutating func leaveLocatedList(_ id: Address, _ record: inout DeviceRecord) throws {
        guard let position = record.listPosition else { return }
        var counts = try deviceCounts(record.kind)
        let last = counts.located - 1
        if position != last {
            guard let moved = try locatedDevice(record.kind, at: last), var movedRecord = try device(moved) else {
                throw DevicesFault.brokenLocatedList(kind: record.kind, position: last)
            }
            movedRecord.listPosition = position
            set(DeviceKeys.device(moved), movedRecord)
            set(DeviceKeys.located(record.kind, position), moved)
        }
        delete(DeviceKeys.located(record.kind, last))
        counts.located = last
        set(DeviceKeys.counts(record.kind), counts)
        record.listPosition = nil
    }
}

/// State the devices module wrote that no longer holds together: a local fault, not a rejection.
enum DevicesFault: Error, CustomStringConvertible {
    case brokenLocatedList(kind: DeviceKind, position: UInt64)
    case badCell(UInt64)

    var description: String {
        switch self {
        case .brokenLocatedList(let kind, let position): "the \(kind) located list has no device at position \(position)"
        case .badCell(let raw): "a device record holds \(raw), which is no cell"
        }
    }
}
