import CairnCore
import CairnCrypto

/// The JSON forms of the devices operations, as RPC shows transactions.
extension DevicesModule {
    public static func json(_ operation: DeviceOperation) -> JSONValue {
        switch operation {
        case .onboard(let o):
            ["type": "onboard_device", "public_key": .string(Hex.prefixed(o.publicKey)), "kind": .string(o.kind.description),
             "maker_signature": .string(o.makerSignature.hex), "device_signature": .string(o.deviceSignature.hex)]
        case .transfer(let device, let to):
            ["type": "transfer_device", "device": .string(device.checksummed), "to": .string(to.checksummed)]
        case .deactivate(let device):
            ["type": "deactivate_device", "device": .string(device.checksummed)]
        case .assertLocation(let a):
            ["type": "assert_location", "device": .string(a.device.checksummed),
             "latitude": .integer(Int64(a.place.latitude)), "longitude": .integer(Int64(a.place.longitude)),
             "elevation": .integer(Int64(a.place.elevation)), "antenna_gain": .integer(Int64(clamping: a.place.antennaGain)),
             "nonce": .integer(Int64(clamping: a.nonce)), "device_signature": .string(a.deviceSignature.hex)]
        }
    }

    static let publicKeySchema: JSONValue = ["type": "string", "pattern": "^0x0[23][0-9a-f]{64}$"]
    static let signatureSchema: JSONValue = ["type": "string", "pattern": "^0x[0-9a-f]{130}$"]
    static let kindSchema: JSONValue = ["enum": .array(DeviceKind.allCases.map { .string($0.description) })]
    static let signedInteger: JSONValue = ["type": "integer"]

    public static var operationSchemas: [JSONValue] {
        let address = QuerySchema.address, integer = QuerySchema.integer
        func form(_ type: String, _ fields: [String: JSONValue]) -> JSONValue {
            QuerySchema.object(fields.merging(["type": ["const": .string(type)]]) { a, _ in a })
        }
        return [
            form("onboard_device", ["public_key": publicKeySchema, "kind": kindSchema,
                                    "maker_signature": signatureSchema, "device_signature": signatureSchema]),
            form("transfer_device", ["device": address, "to": address]),
            form("deactivate_device", ["device": address]),
            form("assert_location", ["device": address, "latitude": signedInteger, "longitude": signedInteger,
                                     "elevation": signedInteger, "antenna_gain": integer, "nonce": integer,
                                     "device_signature": signatureSchema]),
        ]
    }
}
