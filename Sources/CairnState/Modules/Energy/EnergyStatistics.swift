import CairnCore
import CairnCrypto

/// A reward epoch's verified energy (Specs/depin/energy.md §11.1): what the queries report. The
/// pool's payout for the epoch is the shared settlement record (`EpochPoolRecord`).
public struct EnergyEpochRecord: Sendable, Hashable, CanonicalCodable {
    public var batches: UInt64 = 0
    public var accepted: UInt64 = 0
    public var rejected: UInt64 = 0
    /// Wh verified.
    public var energy: UInt64 = 0
    public var certificates: UInt64 = 0

    public init() {}

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: batches)
        writer.write(varint: accepted)
        writer.write(varint: rejected)
        writer.write(varint: energy)
        writer.write(varint: certificates)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        batches = try reader.readVarint("energy_epoch.batches")
        accepted = try reader.readVarint("energy_epoch.accepted")
        rejected = try reader.readVarint("energy_epoch.rejected")
        energy = try reader.readVarint("energy_epoch.energy")
        certificates = try reader.readVarint("energy_epoch.certificates")
    }

    mutating func add(_ other: EnergyEpochRecord) {
        batches &+= other.batches
        accepted &+= other.accepted
        rejected &+= other.rejected
        energy = energy.addingReportingOverflow(other.energy).overflow ? .max : energy + other.energy
        certificates &+= other.certificates
    }
}

/// One resolution-8 cell's verified energy in one epoch.
public struct CellEnergy: Sendable, Hashable, CanonicalCodable {
    /// The resolution-8 cell's raw id.
    public var cell: UInt64
    public var readings: UInt64
    public var energy: UInt64
    public var certificates: UInt64

    public init(cell: UInt64, readings: UInt64 = 0, energy: UInt64 = 0, certificates: UInt64 = 0) {
        self.cell = cell
        self.readings = readings
        self.energy = energy
        self.certificates = certificates
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: cell)
        writer.write(varint: readings)
        writer.write(varint: energy)
        writer.write(varint: certificates)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        cell = try reader.readVarint("cell_energy.cell")
        readings = try reader.readVarint("cell_energy.readings")
        energy = try reader.readVarint("cell_energy.energy")
        certificates = try reader.readVarint("cell_energy.certificates")
    }
}

/// An accepted reading as the node index keeps it: the reading, the Wh it added and the block.
public struct AcceptedReading: Sendable, Hashable, CanonicalCodable {
    public var energy: UInt64
    public var sequence: UInt64
    /// Wh credited: the rise since the previous accepted reading (0 for a meter's first, the baseline).
    public var credited: UInt64
    public var height: UInt64

    public init(energy: UInt64, sequence: UInt64, credited: UInt64, height: UInt64) {
        self.energy = energy
        self.sequence = sequence
        self.credited = credited
        self.height = height
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: energy)
        writer.write(varint: sequence)
        writer.write(varint: credited)
        writer.write(varint: height)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        energy = try reader.readVarint("accepted.energy")
        sequence = try reader.readVarint("accepted.sequence")
        credited = try reader.readVarint("accepted.credited")
        height = try reader.readVarint("accepted.height")
    }
}
