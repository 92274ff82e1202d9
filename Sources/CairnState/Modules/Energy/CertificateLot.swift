import CairnCore
import CairnCrypto

/// Who retired certificates, for whom and why: written once, never changed.
public struct CertificateRetirement: Sendable, Hashable, CanonicalCodable {
    public var by: Address
    public var beneficiary: String
    public var purpose: String
    public var height: UInt64

    public init(by: Address, beneficiary: String, purpose: String, height: UInt64) {
        self.by = by
        self.beneficiary = beneficiary
        self.purpose = purpose
        self.height = height
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: by)
        writer.write(string: beneficiary)
        writer.write(string: purpose)
        writer.write(varint: height)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        by = try reader.readAddress("retirement.by")
        beneficiary = try reader.readString("retirement.beneficiary", limit: Int(EnergyParameters.textCap))
        purpose = try reader.readString("retirement.purpose", limit: Int(EnergyParameters.textCap))
        height = try reader.readVarint("retirement.height")
    }
}

/// A run of certificates with one history (Specs/depin/energy.md §8): serials `id … id + count − 1`,
/// one per `certificate_energy` Wh (a kWh by default) verified from `meter` in slots
/// `firstSlot … lastSlot`, in reward epoch `epoch`, at the meter's cell. Moving or retiring part of
/// a lot splits it; every certificate of a lot has the lot's fields.
public struct CertificateLot: Sendable, Hashable, CanonicalCodable {
    public var count: UInt64
    public var meter: Address
    public var firstSlot: UInt64
    public var lastSlot: UInt64
    public var epoch: UInt64
    /// The meter's resolution-15 cell (raw) when the energy was verified.
    public var cell: UInt64
    public var owner: Address
    public var mintedAt: UInt64
    public var retirement: CertificateRetirement?

    public init(count: UInt64, meter: Address, firstSlot: UInt64, lastSlot: UInt64, epoch: UInt64, cell: UInt64, owner: Address,
                mintedAt: UInt64, retirement: CertificateRetirement? = nil) {
        self.count = count
        self.meter = meter
        self.firstSlot = firstSlot
        self.lastSlot = lastSlot
        self.epoch = epoch
        self.cell = cell
        self.owner = owner
        self.mintedAt = mintedAt
        self.retirement = retirement
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: count)
        writer.write(address: meter)
        writer.write(varint: firstSlot)
        writer.write(varint: lastSlot)
        writer.write(varint: epoch)
        writer.write(varint: cell)
        writer.write(address: owner)
        writer.write(varint: mintedAt)
        writer.write(optional: retirement)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        count = try reader.readVarint("lot.count")
        meter = try reader.readAddress("lot.meter")
        firstSlot = try reader.readVarint("lot.first_slot")
        lastSlot = try reader.readVarint("lot.last_slot")
        epoch = try reader.readVarint("lot.epoch")
        cell = try reader.readVarint("lot.cell")
        owner = try reader.readAddress("lot.owner")
        mintedAt = try reader.readVarint("lot.minted_at")
        retirement = try reader.readOptional("lot.retirement")
    }
}
