import CairnCore
import CairnCrypto

/// The energy operations (Specs/depin/energy.md §7): tags 16–19. The sender is the meter's owner
/// for the bond operations, the reporter for evidence, the holder for certificates.
public enum EnergyOperation: Sendable, Hashable {
    case register(MeterRegistration)
    case topUpBond(meter: Address, amount: Amount)
    case withdrawBond(meter: Address, amount: Amount)
    case reportEquivocation(EquivocationEvidence)
    case transferCertificates(CertificateRange, to: Address)
    case retireCertificates(CertificateRange, beneficiary: String, purpose: String)

    public static let registerTag: UInt64 = 16
    public static let bondTag: UInt64 = 17
    public static let equivocationTag: UInt64 = 18
    public static let certificatesTag: UInt64 = 19
    public static let tags: ClosedRange<UInt64> = 16...19

    /// The first byte of a tag-17 or tag-19 body: which of the tag's two operations it is.
    enum Kind: UInt8 {
        case first = 0, second = 1
    }

    public var operation: Operation {
        switch self {
        case .register(let r):
            Operation(tag: Self.registerTag) { w in
                w.write(address: r.meter)
                w.write(varint: r.capacity)
                w.write(varint: UInt64(r.technology.rawValue))
                w.write(varint: r.bond)
            }
        case .topUpBond(let meter, let amount), .withdrawBond(let meter, let amount):
            Operation(tag: Self.bondTag) { w in
                if case .topUpBond = self { w.write(fixed: [Kind.first.rawValue]) } else { w.write(fixed: [Kind.second.rawValue]) }
                w.write(address: meter)
                w.write(varint: amount)
            }
        case .reportEquivocation(let e):
            Operation(tag: Self.equivocationTag) { w in e.encode(to: &w) }
        case .transferCertificates(let range, let to):
            Operation(tag: Self.certificatesTag) { w in
                w.write(fixed: [Kind.first.rawValue])
                range.encode(to: &w)
                w.write(address: to)
            }
        case .retireCertificates(let range, let beneficiary, let purpose):
            Operation(tag: Self.certificatesTag) { w in
                w.write(fixed: [Kind.second.rawValue])
                range.encode(to: &w)
                w.write(string: beneficiary)
                w.write(string: purpose)
            }
        }
    }

    public init(_ operation: Operation) throws(CanonicalDecodingError) {
        var r = operation.reader
        func kind(_ field: String) throws(CanonicalDecodingError) -> Kind {
            let raw = try r.readByte(field)
            guard let kind = Kind(rawValue: raw) else { throw .unknownTag(type: field, tag: UInt64(raw)) }
            return kind
        }
        switch operation.tag {
        case Self.registerTag:
            let meter = try r.readAddress("register_meter.meter")
            let capacity = try r.readVarint("register_meter.capacity")
            let raw = try r.readVarint("register_meter.technology", max: 255)
            guard let technology = MeterTechnology(rawValue: UInt8(raw)) else { throw .unknownTag(type: "meter technology", tag: raw) }
            self = .register(MeterRegistration(meter: meter, capacity: capacity, technology: technology,
                                               bond: try r.readVarint128("register_meter.bond")))
        case Self.bondTag:
            let k = try kind("bond.kind")
            let meter = try r.readAddress("bond.meter")
            let amount = try r.readVarint128("bond.amount")
            self = k == .first ? .topUpBond(meter: meter, amount: amount) : .withdrawBond(meter: meter, amount: amount)
        case Self.equivocationTag:
            self = .reportEquivocation(try EquivocationEvidence(from: &r))
        case Self.certificatesTag:
            let k = try kind("certificates.kind")
            let range = try CertificateRange(from: &r)
            if k == .first {
                self = .transferCertificates(range, to: try r.readAddress("transfer_certificates.to"))
            } else {
                let cap = Int(EnergyParameters.textCap)
                self = .retireCertificates(range, beneficiary: try r.readString("retire_certificates.beneficiary", limit: cap),
                                           purpose: try r.readString("retire_certificates.purpose", limit: cap))
            }
        default:
            throw .invalidValue(field: "operation.tag", reason: "\(operation.tag) is not an energy operation")
        }
        try r.finish()
    }
}

/// An owner's registration of one of its meter devices.
public struct MeterRegistration: Sendable, Hashable {
    public var meter: Address
    /// Nameplate watts.
    public var capacity: UInt64
    public var technology: MeterTechnology
    /// Base units taken from the sender into the `energy_bonds` account.
    public var bond: Amount

    public init(meter: Address, capacity: UInt64, technology: MeterTechnology, bond: Amount) {
        self.meter = meter
        self.capacity = capacity
        self.technology = technology
        self.bond = bond
    }
}

/// Certificates `first … first + count − 1` of the lot whose id (first serial) is `lot`. A lot
/// is a run of serials minted, moved or retired together; naming it lets a rule find the run
/// without searching.
public struct CertificateRange: Sendable, Hashable, CanonicalCodable {
    public var lot: UInt64
    public var first: UInt64
    public var count: UInt64

    public init(lot: UInt64, first: UInt64, count: UInt64) {
        self.lot = lot
        self.first = first
        self.count = count
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: lot)
        writer.write(varint: first)
        writer.write(varint: count)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        lot = try reader.readVarint("certificates.lot")
        first = try reader.readVarint("certificates.first")
        count = try reader.readVarint("certificates.count")
    }
}

/// Two signed readings of one meter for one slot that differ: reading `firstIndex` of `first`
/// and reading `secondIndex` of `second`.
public struct EquivocationEvidence: Sendable, Hashable, CanonicalCodable {
    public var first: SignedBatch
    public var firstIndex: UInt64
    public var second: SignedBatch
    public var secondIndex: UInt64

    public init(first: SignedBatch, firstIndex: UInt64, second: SignedBatch, secondIndex: UInt64) {
        self.first = first
        self.firstIndex = firstIndex
        self.second = second
        self.secondIndex = secondIndex
    }

    public func encode(to writer: inout CanonicalWriter) {
        first.encode(to: &writer)
        writer.write(varint: firstIndex)
        second.encode(to: &writer)
        writer.write(varint: secondIndex)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        first = try SignedBatch(from: &reader)
        firstIndex = try reader.readVarint("equivocation.first_index")
        second = try SignedBatch(from: &reader)
        secondIndex = try reader.readVarint("equivocation.second_index")
    }
}

extension Operation {
    public static func energy(_ op: EnergyOperation) -> Operation { op.operation }
}
