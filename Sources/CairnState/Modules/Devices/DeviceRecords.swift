import CairnCore
import CairnCrypto

/// What a device proves (Specs/depin/devices.md §2).
public enum DeviceKind: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hotspot = 0
    case storage = 1
    case meter = 2

    public var description: String {
        switch self {
        case .hotspot: "hotspot"
        case .storage: "storage"
        case .meter: "meter"
        }
    }

    public init?(name: String) {
        guard let kind = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = kind
    }

    /// Hotspots and meters sit somewhere; a storage provider's location proves nothing.
    public var hasLocation: Bool { self != .storage }
}

/// A device's standing. Only `active` devices prove work and earn.
public enum DeviceStatus: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case active = 0
    /// By its owner, for good: the key can never be onboarded again.
    case deactivated = 1
    /// By governance (the deny list).
    case denied = 2

    public var description: String {
        switch self {
        case .active: "active"
        case .deactivated: "deactivated"
        case .denied: "denied"
        }
    }
}

/// A device's asserted place and the cell the node derived from it.
public struct DeviceLocation: Sendable, Hashable, CanonicalCodable {
    public var place: AssertedPlace
    /// The finest-resolution cell holding the point (`Specs/depin/geometry.md`).
    public var cell: UInt64
    public var assertedAt: UInt64

    public init(place: AssertedPlace, cell: UInt64, assertedAt: UInt64) {
        self.place = place
        self.cell = cell
        self.assertedAt = assertedAt
    }

    public func encode(to writer: inout CanonicalWriter) {
        place.encode(to: &writer)
        writer.write(varint: cell)
        writer.write(varint: assertedAt)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        place = try AssertedPlace(from: &reader)
        cell = try reader.readVarint("location.cell")
        assertedAt = try reader.readVarint("location.asserted_at")
    }
}

/// One onboarded device, keyed by its address (the address of its public key).
public struct DeviceRecord: Sendable, Hashable, CanonicalCodable {
    /// SEC1 compressed, 33 bytes.
    public var publicKey: [UInt8]
    public var kind: DeviceKind
    public var owner: Address
    public var maker: Address
    public var status: DeviceStatus
    public var onboardedAt: UInt64
    public var location: DeviceLocation?
    /// Location assertions so far: the device signs the next one's number, so an old signature
    /// cannot be replayed.
    public var locationNonce: UInt64
    /// Its place in its kind's dense list of active located devices, while it is in it.
    public var listPosition: UInt64?

    public init(publicKey: [UInt8], kind: DeviceKind, owner: Address, maker: Address, status: DeviceStatus,
                onboardedAt: UInt64, location: DeviceLocation? = nil, locationNonce: UInt64 = 0, listPosition: UInt64? = nil) {
        self.publicKey = publicKey
        self.kind = kind
        self.owner = owner
        self.maker = maker
        self.status = status
        self.onboardedAt = onboardedAt
        self.location = location
        self.locationNonce = locationNonce
        self.listPosition = listPosition
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(fixed: publicKey)
        writer.write(varint: UInt64(kind.rawValue))
        writer.write(address: owner)
        writer.write(address: maker)
        writer.write(varint: UInt64(status.rawValue))
        writer.write(varint: onboardedAt)
        writer.write(optional: location)
        writer.write(varint: locationNonce)
        writer.write(optional: listPosition)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        publicKey = try reader.readFixed("device.public_key", count: 33)
        let kind = try reader.readVarint("device.kind", max: 255)
        guard let k = DeviceKind(rawValue: UInt8(kind)) else { throw .invalidValue(field: "device.kind", reason: "unknown kind \(kind)") }
        self.kind = k
        owner = try reader.readAddress("device.owner")
        maker = try reader.readAddress("device.maker")
        let status = try reader.readVarint("device.status", max: 255)
        guard let s = DeviceStatus(rawValue: UInt8(status)) else {
            throw .invalidValue(field: "device.status", reason: "unknown status \(status)")
        }
        self.status = s
        onboardedAt = try reader.readVarint("device.onboarded_at")
        location = try reader.readOptional("device.location")
        locationNonce = try reader.readVarint("device.location_nonce")
        listPosition = try reader.readOptional("device.list_position")
    }
}

/// A hardware vendor whose key vouches for the devices it builds.
public struct MakerRecord: Sendable, Hashable, CanonicalCodable {
    public var name: String
    /// SEC1 compressed, 33 bytes.
    public var publicKey: [UInt8]
    public var active: Bool
    /// Devices onboarded with this maker's signature.
    public var devices: UInt64

    public static let maxNameLength = 64

    public init(name: String, publicKey: [UInt8], active: Bool = true, devices: UInt64 = 0) {
        self.name = name
        self.publicKey = publicKey
        self.active = active
        self.devices = devices
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: name)
        writer.write(fixed: publicKey)
        writer.write(bool: active)
        writer.write(varint: devices)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        name = try reader.readString("maker.name", limit: Self.maxNameLength)
        publicKey = try reader.readFixed("maker.public_key", count: 33)
        active = try reader.readBool("maker.active")
        devices = try reader.readVarint("maker.devices")
    }
}

/// Where the devices module keeps its entries (Specs/depin/devices.md §3).
public enum DeviceKeys {
    public static let device: UInt8 = 0x13
    public static let maker: UInt8 = 0x14
    /// owner ‖ device → empty: a device's entry under its current owner.
    public static let byOwner: UInt8 = 0x15
    /// kind ‖ device → empty.
    public static let byKind: UInt8 = 0x16
    /// spatial key of the device's cell (8 bytes, big-endian; `CellID.spatialKey`) ‖ device →
    /// empty, for active located devices: any cell's devices are one key range.
    public static let byCell: UInt8 = 0x17
    /// kind ‖ position (8 bytes, big-endian) → device: the active located devices of each kind
    /// as a dense list, so a seed can pick one in O(1).
    public static let located: UInt8 = 0x18
    /// kind → `DeviceCounts`.
    public static let counts: UInt8 = 0x19

    public static let all: [UInt8] = [device, maker, byOwner, byKind, byCell, located, counts]

    static func device(_ id: Address) -> StateKey { StateKey(namespace: device, key: id.bytes) }
    static func maker(_ id: Address) -> StateKey { StateKey(namespace: maker, key: id.bytes) }
    static func byOwner(_ owner: Address, _ id: Address) -> StateKey { StateKey(namespace: byOwner, key: owner.bytes + id.bytes) }
    static func byKind(_ kind: DeviceKind, _ id: Address) -> StateKey { StateKey(namespace: byKind, key: [kind.rawValue] + id.bytes) }
    static func byCell(spatialKey: UInt64, _ id: Address) -> StateKey { StateKey(namespace: byCell, key: bigEndian(spatialKey) + id.bytes) }
    static func located(_ kind: DeviceKind, _ position: UInt64) -> StateKey {
        StateKey(namespace: located, key: [kind.rawValue] + bigEndian(position))
    }
    static func counts(_ kind: DeviceKind) -> StateKey { StateKey(namespace: counts, key: [kind.rawValue]) }

    private static func bigEndian(_ v: UInt64) -> [UInt8] { v.bigEndianBytes }
}

/// Per kind: devices ever onboarded, active now, and active with a location (the length of the
/// dense located list).
public struct DeviceCounts: Sendable, Hashable, CanonicalCodable {
    public var onboarded: UInt64
    public var active: UInt64
    public var located: UInt64

    public init(onboarded: UInt64 = 0, active: UInt64 = 0, located: UInt64 = 0) {
        self.onboarded = onboarded
        self.active = active
        self.located = located
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: onboarded)
        writer.write(varint: active)
        writer.write(varint: located)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        onboarded = try reader.readVarint("counts.onboarded")
        active = try reader.readVarint("counts.active")
        located = try reader.readVarint("counts.located")
    }
}
