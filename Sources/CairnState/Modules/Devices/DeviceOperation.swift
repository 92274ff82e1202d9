import CairnCore
import CairnCrypto

/// The devices operations (Specs/depin/devices.md §4): tags 8–11. The sender is the owner.
public enum DeviceOperation: Sendable, Hashable {
    case onboard(DeviceOnboarding)
    case transfer(device: Address, to: Address)
    case deactivate(device: Address)
    case assertLocation(LocationAssertion)

    public static let onboardTag: UInt64 = 8
    public static let transferTag: UInt64 = 9
    public static let deactivateTag: UInt64 = 10
    public static let assertLocationTag: UInt64 = 11
    public static let tags: ClosedRange<UInt64> = 8...11

    public var operation: Operation {
        switch self {
        case .onboard(let o):
            Operation(tag: Self.onboardTag) { w in
                w.write(fixed: o.publicKey)
                w.write(varint: UInt64(o.kind.rawValue))
                w.write(o.makerSignature)
                w.write(o.deviceSignature)
            }
        case .transfer(let device, let to):
            Operation(tag: Self.transferTag) { w in
                w.write(address: device)
                w.write(address: to)
            }
        case .deactivate(let device):
            Operation(tag: Self.deactivateTag) { w in w.write(address: device) }
        case .assertLocation(let a):
            Operation(tag: Self.assertLocationTag) { w in
                w.write(address: a.device)
                a.place.encode(to: &w)
                w.write(varint: a.nonce)
                w.write(a.deviceSignature)
            }
        }
    }

    public init(_ operation: Operation) throws(CanonicalDecodingError) {
        var r = operation.reader
        switch operation.tag {
        case Self.onboardTag:
            let key = try r.readFixed("onboard.public_key", count: 33)
            let kindValue = try r.readVarint("onboard.kind", max: 255)
            guard let kind = DeviceKind(rawValue: UInt8(kindValue)) else {
                throw .invalidValue(field: "onboard.kind", reason: "unknown device kind \(kindValue)")
            }
            self = .onboard(DeviceOnboarding(publicKey: key, kind: kind, makerSignature: try r.read(RecoverableSignature.self),
                                             deviceSignature: try r.read(RecoverableSignature.self)))
        case Self.transferTag:
            self = .transfer(device: try r.readAddress("transfer_device.device"), to: try r.readAddress("transfer_device.to"))
        case Self.deactivateTag:
            self = .deactivate(device: try r.readAddress("deactivate_device.device"))
        case Self.assertLocationTag:
            self = .assertLocation(LocationAssertion(device: try r.readAddress("assert_location.device"),
                                                     place: try AssertedPlace(from: &r),
                                                     nonce: try r.readVarint("assert_location.nonce"),
                                                     deviceSignature: try r.read(RecoverableSignature.self)))
        default:
            throw .invalidValue(field: "operation.tag", reason: "\(operation.tag) is not a devices operation")
        }
        try r.finish()
    }
}

/// An owner's request to register a device, vouched for by its maker and signed by the device.
public struct DeviceOnboarding: Sendable, Hashable {
    /// SEC1 compressed, 33 bytes.
    public var publicKey: [UInt8]
    public var kind: DeviceKind
    public var makerSignature: RecoverableSignature
    public var deviceSignature: RecoverableSignature

    public init(publicKey: [UInt8], kind: DeviceKind, makerSignature: RecoverableSignature, deviceSignature: RecoverableSignature) {
        self.publicKey = publicKey
        self.kind = kind
        self.makerSignature = makerSignature
        self.deviceSignature = deviceSignature
    }
}

/// What the maker and the device each sign to onboard a device: the device key, its future
/// owner, its kind and the chain. Two domains, so neither signature stands for the other.
public struct OnboardingClaim: Sendable, Hashable, CanonicalEncodable {
    public var chainID: String
    public var publicKey: [UInt8]
    public var owner: Address
    public var kind: DeviceKind

    public static let makerDomain = "cairn/device/maker/v1"
    public static let deviceDomain = "cairn/device/possession/v1"

    public init(chainID: String, publicKey: [UInt8], owner: Address, kind: DeviceKind) {
        self.chainID = chainID
        self.publicKey = publicKey
        self.owner = owner
        self.kind = kind
    }

    public var makerDigest: Hash32 { domainHash(Self.makerDomain) }
    public var deviceDigest: Hash32 { domainHash(Self.deviceDomain) }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(fixed: publicKey)
        writer.write(address: owner)
        writer.write(varint: UInt64(kind.rawValue))
    }
}

/// Where an owner says a device is, before the node derives its cell.
public struct AssertedPlace: Sendable, Hashable, CanonicalCodable {
    /// Micro-degrees.
    public var latitude: Int32
    public var longitude: Int32
    /// Metres above sea level.
    public var elevation: Int32
    /// dBi × 10; 0 for a meter.
    public var antennaGain: UInt64

    public init(latitude: Int32, longitude: Int32, elevation: Int32, antennaGain: UInt64) {
        self.latitude = latitude
        self.longitude = longitude
        self.elevation = elevation
        self.antennaGain = antennaGain
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(int32: latitude)
        writer.write(int32: longitude)
        writer.write(int32: elevation)
        writer.write(varint: antennaGain)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        latitude = try reader.readInt32("place.latitude")
        longitude = try reader.readInt32("place.longitude")
        elevation = try reader.readInt32("place.elevation")
        antennaGain = try reader.readVarint("place.antenna_gain")
    }
}

/// An owner's location assertion, signed by the device over the place, the owner and the
/// assertion's number.
public struct LocationAssertion: Sendable, Hashable {
    public var device: Address
    public var place: AssertedPlace
    /// The device's count of assertions so far.
    public var nonce: UInt64
    public var deviceSignature: RecoverableSignature

    public init(device: Address, place: AssertedPlace, nonce: UInt64, deviceSignature: RecoverableSignature) {
        self.device = device
        self.place = place
        self.nonce = nonce
        self.deviceSignature = deviceSignature
    }
}

/// What a device signs to assert its location.
public struct LocationClaim: Sendable, Hashable, CanonicalEncodable {
    public var chainID: String
    public var device: Address
    public var owner: Address
    public var place: AssertedPlace
    public var nonce: UInt64

    public static let domain = "cairn/device/location/v1"

    public init(chainID: String, device: Address, owner: Address, place: AssertedPlace, nonce: UInt64) {
        self.chainID = chainID
        self.device = device
        self.owner = owner
        self.place = place
        self.nonce = nonce
    }

    public var digest: Hash32 { domainHash(Self.domain) }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(address: device)
        writer.write(address: owner)
        place.encode(to: &writer)
        writer.write(varint: nonce)
    }
}

extension Operation {
    public static func device(_ op: DeviceOperation) -> Operation { op.operation }
}
