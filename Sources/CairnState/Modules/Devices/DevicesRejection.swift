import CairnCore
import CairnCrypto

/// Why a devices operation cannot apply (Specs/depin/devices.md §4). `reason` is stable.
public enum DevicesRejection: ModuleRejection, Equatable {
    case invalidDeviceKey
    case deviceExists(Address)
    case badMakerSignature
    case unknownMaker(Address)
    case makerInactive(Address)
    case badDeviceSignature
    case unknownDevice(Address)
    case notOwner(device: Address, owner: Address)
    case deviceInactive(Address, DeviceStatus)
    case alreadyOwner(Address)
    case locationNotApplicable(DeviceKind)
    case locationTooSoon(nextHeight: UInt64)
    case invalidLocation(String)
    case elevationOutOfRange(got: Int32, lowest: Int64, highest: Int64)
    case antennaGainOutOfRange(got: UInt64, highest: UInt64)
    case antennaGainNotApplicable
    case wrongLocationNonce(expected: UInt64, got: UInt64)

    public var reason: String {
        switch self {
        case .invalidDeviceKey: "invalid_device_key"
        case .deviceExists: "device_exists"
        case .badMakerSignature: "bad_maker_signature"
        case .unknownMaker: "unknown_maker"
        case .makerInactive: "maker_inactive"
        case .badDeviceSignature: "bad_device_signature"
        case .unknownDevice: "unknown_device"
        case .notOwner: "not_owner"
        case .deviceInactive: "device_inactive"
        case .alreadyOwner: "already_owner"
        case .locationNotApplicable: "location_not_applicable"
        case .locationTooSoon: "location_too_soon"
        case .invalidLocation: "invalid_location"
        case .elevationOutOfRange: "elevation_out_of_range"
        case .antennaGainOutOfRange: "antenna_gain_out_of_range"
        case .antennaGainNotApplicable: "antenna_gain_not_applicable"
        case .wrongLocationNonce: "wrong_location_nonce"
        }
    }

    public var description: String {
        switch self {
        case .invalidDeviceKey: "the device key is not a compressed secp256k1 point"
        case .deviceExists(let d): "device \(d.checksummed) was onboarded before; a device key is onboarded once, ever"
        case .badMakerSignature: "the maker signature recovers no key for this onboarding"
        case .unknownMaker(let m): "the maker signature recovers \(m.checksummed), which is no listed maker"
        case .makerInactive(let m): "maker \(m.checksummed) may no longer onboard devices"
        case .badDeviceSignature: "the device signature is not by the device key over these fields"
        case .unknownDevice(let d): "no device \(d.checksummed)"
        case .notOwner(let d, let o): "device \(d.checksummed) belongs to \(o.checksummed)"
        case .deviceInactive(let d, let s): "device \(d.checksummed) is \(s)"
        case .alreadyOwner(let o): "\(o.checksummed) already owns the device"
        case .locationNotApplicable(let k): "a \(k) device has no location to assert"
        case .locationTooSoon(let h): "the device asserted its location too recently; the next assertion may be in block \(h)"
        case .invalidLocation(let why): "invalid location: \(why)"
        case .elevationOutOfRange(let e, let lo, let hi): "elevation \(e) m is outside [\(lo), \(hi)]"
        case .antennaGainOutOfRange(let g, let hi): "antenna gain \(g) (dBi × 10) is above \(hi)"
        case .antennaGainNotApplicable: "only hotspots declare an antenna gain"
        case .wrongLocationNonce(let e, let g): "the device signed location assertion number \(g); the next is \(e)"
        }
    }
}
