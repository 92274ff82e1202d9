import CairnCore
import CairnCrypto

/// What produces a meter's energy. Only solar meters are held to the sun (the night rule).
public enum MeterTechnology: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case solar = 0
    case wind = 1
    case other = 2

    public var description: String {
        switch self {
        case .solar: "solar"
        case .wind: "wind"
        case .other: "other"
        }
    }

    public init?(name: String) {
        guard let t = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = t
    }
}

/// The reading a meter's next reading is judged against.
public struct LastReading: Sendable, Hashable, CanonicalCodable {
    public var slot: UInt64
    public var energy: UInt64
    public var sequence: UInt64

    public init(slot: UInt64, energy: UInt64, sequence: UInt64) {
        self.slot = slot
        self.energy = energy
        self.sequence = sequence
    }

    init(_ reading: MeterReading) { self.init(slot: reading.slot, energy: reading.energy, sequence: reading.sequence) }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: slot)
        writer.write(varint: energy)
        writer.write(varint: sequence)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        slot = try reader.readVarint("last.slot")
        energy = try reader.readVarint("last.energy")
        sequence = try reader.readVarint("last.sequence")
    }
}

/// Bond on its way out: still slashable until `unlockAt`, then paid to `recipient`.
public struct BondWithdrawal: Sendable, Hashable, CanonicalCodable {
    public var amount: Amount
    public var unlockAt: UInt64
    /// The owner who asked, when they asked: a device sold meanwhile does not redirect it.
    public var recipient: Address

    public init(amount: Amount, unlockAt: UInt64, recipient: Address) {
        self.amount = amount
        self.unlockAt = unlockAt
        self.recipient = recipient
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: amount)
        writer.write(varint: unlockAt)
        writer.write(address: recipient)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        amount = try reader.readVarint128("withdrawal.amount")
        unlockAt = try reader.readVarint("withdrawal.unlock_at")
        recipient = try reader.readAddress("withdrawal.recipient")
    }
}

/// Why and when a meter was frozen, for good.
public struct MeterFreeze: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    /// The slot the two conflicting readings were for.
    public var slot: UInt64
    public var reporter: Address
    public var slashed: Amount

    public init(height: UInt64, slot: UInt64, reporter: Address, slashed: Amount) {
        self.height = height
        self.slot = slot
        self.reporter = reporter
        self.slashed = slashed
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: height)
        writer.write(varint: slot)
        writer.write(address: reporter)
        writer.write(varint: slashed)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        height = try reader.readVarint("freeze.height")
        slot = try reader.readVarint("freeze.slot")
        reporter = try reader.readAddress("freeze.reporter")
        slashed = try reader.readVarint128("freeze.slashed")
    }
}

/// A registered meter (Specs/depin/energy.md §3). The device record keeps its owner, status and
/// place; this keeps what the energy rules need.
public struct MeterRecord: Sendable, Hashable, CanonicalCodable {
    /// Nameplate watts.
    public var capacity: UInt64
    public var technology: MeterTechnology
    /// Base units held in the `energy_bonds` account for this meter, withdrawals in flight excluded.
    public var bond: Amount
    public var registeredAt: UInt64
    public var last: LastReading?
    /// Wh verified but not yet in a whole certificate.
    public var carried: UInt64
    /// Wh verified ever.
    public var totalEnergy: UInt64
    /// Certificates minted ever.
    public var certificates: UInt64
    public var withdrawal: BondWithdrawal?
    public var frozen: MeterFreeze?

    public init(capacity: UInt64, technology: MeterTechnology, bond: Amount, registeredAt: UInt64, last: LastReading? = nil,
                carried: UInt64 = 0, totalEnergy: UInt64 = 0, certificates: UInt64 = 0, withdrawal: BondWithdrawal? = nil,
                frozen: MeterFreeze? = nil) {
        self.capacity = capacity
        self.technology = technology
        self.bond = bond
        self.registeredAt = registeredAt
        self.last = last
        self.carried = carried
        self.totalEnergy = totalEnergy
        self.certificates = certificates
        self.withdrawal = withdrawal
        self.frozen = frozen
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: capacity)
        writer.write(varint: UInt64(technology.rawValue))
        writer.write(varint: bond)
        writer.write(varint: registeredAt)
        writer.write(optional: last)
        writer.write(varint: carried)
        writer.write(varint: totalEnergy)
        writer.write(varint: certificates)
        writer.write(optional: withdrawal)
        writer.write(optional: frozen)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        capacity = try reader.readVarint("meter.capacity")
        let raw = try reader.readVarint("meter.technology", max: 255)
        guard let t = MeterTechnology(rawValue: UInt8(raw)) else { throw .unknownTag(type: "meter technology", tag: raw) }
        technology = t
        bond = try reader.readVarint128("meter.bond")
        registeredAt = try reader.readVarint("meter.registered_at")
        last = try reader.readOptional("meter.last")
        carried = try reader.readVarint("meter.carried")
        totalEnergy = try reader.readVarint("meter.total_energy")
        certificates = try reader.readVarint("meter.certificates")
        withdrawal = try reader.readOptional("meter.withdrawal")
        frozen = try reader.readOptional("meter.frozen")
    }
}

/// The module's counters: the next certificate serial, and the length of the open work list.
public struct EnergyGlobals: Sendable, Hashable, CanonicalCodable {
    public var nextSerial: UInt64 = 0
    public var openMeters: UInt64 = 0

    public init(nextSerial: UInt64 = 0, openMeters: UInt64 = 0) {
        self.nextSerial = nextSerial
        self.openMeters = openMeters
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: nextSerial)
        writer.write(varint: openMeters)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        nextSerial = try reader.readVarint("globals.next_serial")
        openMeters = try reader.readVarint("globals.open_meters")
    }
}

/// Meter ids, in the order they were added.
public struct MeterList: Sendable, Hashable, CanonicalCodable {
    public var meters: [Address]

    public init(_ meters: [Address] = []) { self.meters = meters }

    public func encode(to writer: inout CanonicalWriter) { writer.write(list: meters) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        meters = try reader.readList("meter_list.meters", limit: 1 << 20)
    }
}

/// An index entry that is only a key.
struct IndexMark: CanonicalEncodable {
    func encode(to writer: inout CanonicalWriter) {}
}

extension StateOverlay {
    /// The energy module's record of `id`, if it is registered.
    public mutating func meter(_ id: Address) throws -> MeterRecord? {
        try get(MeterRecord.self, EnergyKeys.meter(id))
    }

    mutating func energyGlobals() throws -> EnergyGlobals {
        try get(EnergyGlobals.self, EnergyKeys.globalsKey) ?? EnergyGlobals()
    }
}
