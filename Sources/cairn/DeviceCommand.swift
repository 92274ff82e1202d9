import ArgumentParser
import CairnCore
import CairnCrypto
import CairnGeo
import CairnNode
import CairnState

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Onboard, locate, transfer and look up devices (Specs/depin/devices.md).",
        subcommands: [NewKey.self, Onboard.self, AssertLocation.self, Transfer.self, Deactivate.self,
                      Show.self, List.self, Makers.self])

    struct NewKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-key",
            abstract: "Generate a device key into a plaintext key file (mode 0600), as the device keeps it.",
            discussion: "A device signs unattended, so like a validator key its key is a file, not a keyring entry.")
        @Option(help: "Key file to create (never overwritten).") var out: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let key = PrivateKey.generate()
            do { try KeyFile.write(key, to: out) } catch { throw UserError("--out: \(error)") }
            let fields: [(String, String)] = [("device", key.address.checksummed), ("public_key", key.publicKey.hex), ("file", out)]
            guard !json else { return print(JSONText.string(.object(Dictionary(uniqueKeysWithValues: fields.map { ($0.0, JSONValue.string($0.1)) })))) }
            for (name, value) in fields { print("\(name): \(value)") }
        }
    }

    struct Onboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a device for the sender, with its maker's signature; burns the onboarding fee.",
            discussion: "The maker signature comes from `cairn maker sign-device` for this owner, kind and chain.")
        @OptionGroup var sender: TransactionSender
        @OptionGroup var device: DeviceKeyOptions
        @Option(help: "hotspot, storage or meter (as the maker signed it).") var kind: String
        @Option(help: "The maker's 65-byte signature, 0x-hex.") var makerSignature: String

        func run() async throws {
            let deviceKind = try DeviceArgument.kind(kind)
            let signature = try DeviceArgument.signature("--maker-signature", makerSignature)
            let deviceKey = try device.choice.load(home: sender.home, passphrase: sender.passphrase)
            let session = try await sender.open()
            let claim = OnboardingClaim(chainID: session.chainID, publicKey: deviceKey.publicKey.compressed,
                                        owner: session.key.address, kind: deviceKind)
            let id = deviceKey.address
            try await sender.send(.device(.onboard(DeviceOnboarding(claim, makerSignature: signature, deviceKey: deviceKey))),
                                  in: session, extra: [("device", .string(id.checksummed))]) { owner in
                "onboard \(deviceKind) \(id) for \(owner)"
            }
        }
    }

    struct AssertLocation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assert-location",
            abstract: "Say where a hotspot or meter is, signed by the device; burns the location fee.",
            discussion: """
            Degrees are read exactly as decimal text (at most 6 decimals, i.e. micro-degrees); the \
            device signs its next location nonce, read from the node.
            """)
        @OptionGroup var sender: TransactionSender
        @OptionGroup var device: DeviceKeyOptions
        @Option(parsing: .unconditional, help: "Latitude in decimal degrees, south negative (e.g. -33.86882).") var latitude: String
        @Option(parsing: .unconditional, help: "Longitude in decimal degrees, west negative (e.g. 151.209296).") var longitude: String
        @Option(parsing: .unconditional, help: "Elevation in whole metres above sea level.") var elevation: String
        @Option(help: "Antenna gain in dBi, at most one decimal (hotspots; 0 for meters).") var antennaGain: String = "0"

        func place() throws -> AssertedPlace {
            let lat = try DeviceArgument.parse("--latitude", latitude) { try DecimalText.microDegrees($0) }
            let lon = try DeviceArgument.parse("--longitude", longitude) { try DecimalText.microDegrees($0) }
            if let error = GeoPoint.problem(latitude: lat, longitude: lon) {
                let flag = error.reason == "latitude_out_of_range" ? "--latitude '\(latitude)'" : "--longitude '\(longitude)'"
                throw ValidationError("\(flag) is out of range: \(error)")
            }
            guard let metres = Int32(elevation) else {
                throw ValidationError("--elevation must be whole metres (e.g. 34 or -5), not '\(elevation)'")
            }
            let gain = try DeviceArgument.parse("--antenna-gain", antennaGain) { try DecimalText.scaled($0, decimals: 1) }
            guard gain >= 0 else { throw ValidationError("--antenna-gain must not be negative, not '\(antennaGain)'") }
            return AssertedPlace(latitude: lat, longitude: lon, elevation: metres, antennaGain: UInt64(gain))
        }

        func run() async throws {
            let spot = try place()
            let deviceKey = try device.choice.load(home: sender.home, passphrase: sender.passphrase)
            let session = try await sender.open()
            let id = deviceKey.address
            let record = try await DeviceLookup.device(id, rpc: session.rpc)
            guard let nonce = record["location_nonce"]?.integerValue, nonce >= 0 else {
                throw UserError("devices_getDevice returned no location_nonce for \(id)")
            }
            let assertion = LocationAssertion(chainID: session.chainID, deviceKey: deviceKey, owner: session.key.address,
                                              place: spot, nonce: UInt64(nonce))
            try await sender.send(.device(.assertLocation(assertion)), in: session) { _ in
                "locate \(id) at \(latitude), \(longitude), assertion \(nonce)"
            }
        }
    }

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a device (and its future rewards) to another owner.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The device id (its address).") var device: String
        @Option(help: "The new owner's address.") var to: String

        func run() async throws {
            let id = try DeviceArgument.address("--device", device), recipient = try DeviceArgument.address("--to", to)
            try await sender.send(.device(.transfer(device: id, to: recipient))) { from in "transfer \(id) from \(from) to \(recipient)" }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a device for good: it stops earning and its key can never be onboarded again.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The device id (its address).") var device: String

        func run() async throws {
            let id = try DeviceArgument.address("--device", device)
            try await sender.send(.device(.deactivate(device: id))) { _ in "deactivate \(id)" }
        }
    }
}
