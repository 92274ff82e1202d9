import CairnCore
import CairnCrypto
import CairnGeo

/// The devices module's read-only queries (Specs/rpc.md, `devices_*`): one device, pages of
/// devices by owner, kind or cell (any resolution), the makers and the counts.
enum DevicesQueries {
    static var all: [ModuleQuery] { [device, byOwner, byKind, byCell, makers, counts] }

    private static let integer = QuerySchema.integer
    private static let cellSchema: JSONValue = ["type": "string", "pattern": "^[0-9a-f]{16}$"]

    static let locationSchema = QuerySchema.object([
        "latitude": DevicesModule.signedInteger, "longitude": DevicesModule.signedInteger,
        "elevation": DevicesModule.signedInteger, "antenna_gain": integer, "cell": cellSchema, "asserted_at": integer,
    ])

    static let deviceSchema = QuerySchema.object([
        "device": QuerySchema.address, "public_key": DevicesModule.publicKeySchema, "kind": DevicesModule.kindSchema,
        "owner": QuerySchema.address, "maker": QuerySchema.address,
        "status": ["enum": .array(DeviceStatus.allCases.map { .string($0.description) })],
        "onboarded_at": integer, "location": ["oneOf": [locationSchema, ["type": "null"]]], "location_nonce": integer,
    ])

    static func form(_ id: Address, _ d: DeviceRecord) -> JSONValue {
        let location: JSONValue = d.location.map { l in
            ["latitude": .integer(Int64(l.place.latitude)), "longitude": .integer(Int64(l.place.longitude)),
             "elevation": .integer(Int64(l.place.elevation)), "antenna_gain": .integer(Int64(clamping: l.place.antennaGain)),
             "cell": .string(CellID(raw: l.cell)?.description ?? String(l.cell, radix: 16)),
             "asserted_at": .integer(Int64(clamping: l.assertedAt))]
        } ?? .null
        return ["device": .string(id.checksummed), "public_key": .string(Hex.prefixed(d.publicKey)),
                "kind": .string(d.kind.description), "owner": .string(d.owner.checksummed),
                "maker": .string(d.maker.checksummed), "status": .string(d.status.description),
                "onboarded_at": .integer(Int64(clamping: d.onboardedAt)), "location": location,
                "location_nonce": .integer(Int64(clamping: d.locationNonce))]
    }

    static let device = ModuleQuery(
        name: "getDevice",
        summary: "A device by id (the address of its key): kind, owner, maker, status, asserted location and cell.",
        parameters: [.init(name: "device", required: true, schema: QuerySchema.address, description: "Device id.")],
        resultName: "device", resultSchema: deviceSchema, notFound: "no device with that id",
        handler: { args, view in
            let id = try args.address("device")
            guard let record = try view.get(DeviceRecord.self, DeviceKeys.device(id)) else {
                throw QueryError.notFound("no device \(id.checksummed)")
            }
            return form(id, record)
        })

    /// A page of an index whose keys end with a device id: each entry's device record.
    private static func devicePage(_ view: StateView, namespace: UInt8, prefix: [UInt8], page: QueryPage,
                                   until upper: [UInt8]? = nil) throws -> JSONValue {
        let from = page.from.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
        var entries = try view.entries(namespace: namespace, prefix: upper == nil ? prefix : [], from: from, limit: page.limit)
        // A range scan reads on past the range's end; what lies beyond is not this cell's.
        if let upper { entries = entries.filter { !upper.lexicographicallyPrecedes(Array($0.key.prefix(upper.count))) } }
        var devices: [JSONValue] = []
        for entry in entries {
            let id = Address(unchecked: Array(entry.key.suffix(20)))
            guard let record = try view.get(DeviceRecord.self, DeviceKeys.device(id)) else {
                throw QueryError.notFound("index entry for device \(id.checksummed) without its record")
            }
            devices.append(form(id, record))
        }
        let full = entries.count == page.limit
        return ["devices": .array(devices), "next": full ? QueryPage.cursor(after: entries.last!.key) : .null]
    }

    private static let pageSchema = QueryPage.schema("devices", items: deviceSchema)

    static let byOwner = ModuleQuery(
        name: "listByOwner", summary: "A page of the devices an address owns, in id order.",
        parameters: [.init(name: "owner", required: true, schema: QuerySchema.address, description: "Owner address.")] + QueryPage.parameters,
        resultName: "page", resultSchema: pageSchema,
        handler: { args, view in
            try devicePage(view, namespace: DeviceKeys.byOwner, prefix: try args.address("owner").bytes, page: try QueryPage(args))
        })

    static let byKind = ModuleQuery(
        name: "listByKind", summary: "A page of the devices of one kind (active or not), in id order.",
        parameters: [.init(name: "kind", required: true, schema: DevicesModule.kindSchema, description: "hotspot, storage or meter.")]
            + QueryPage.parameters,
        resultName: "page", resultSchema: pageSchema,
        handler: { args, view in
            let name = try args.string("kind")
            guard let kind = DeviceKind(name: name) else {
                throw QueryError.invalidArgument("parameter 'kind' must be hotspot, storage or meter, not '\(name)'")
            }
            return try devicePage(view, namespace: DeviceKeys.byKind, prefix: [kind.rawValue], page: try QueryPage(args))
        })

    static let byCell = ModuleQuery(
        name: "listByCell",
        summary: "A page of the active located devices inside a cell of any resolution, in spatial-key then id order.",
        parameters: [.init(name: "cell", required: true, schema: cellSchema, description: "A cell id (16 lower-case hex digits).")]
            + QueryPage.parameters,
        resultName: "page", resultSchema: pageSchema,
        handler: { args, view in
            let text = try args.string("cell")
            guard let cell = CellID(string: text) else {
                throw QueryError.invalidArgument("parameter 'cell' must be a cell id (16 lower-case hex digits), not '\(text)'")
            }
            let range = cell.spatialRange
            return try devicePage(view, namespace: DeviceKeys.byCell, prefix: range.lowerBound.bigEndianBytes,
                                  page: try QueryPage(args), until: range.upperBound.bigEndianBytes)
        })

    static let makerSchema = QuerySchema.object([
        "maker": QuerySchema.address, "name": ["type": "string"], "public_key": DevicesModule.publicKeySchema,
        "active": ["type": "boolean"], "devices": integer,
    ])

    static let makers = ModuleQuery(
        name: "getMakers", summary: "A page of the makers whose keys may vouch for devices, in address order.",
        parameters: QueryPage.parameters, resultName: "page", resultSchema: QueryPage.schema("makers", items: makerSchema),
        handler: { args, view in
            let page = try QueryPage(args)
            let entries = try view.entries(namespace: DeviceKeys.maker, prefix: [], from: page.from, limit: page.limit)
            let makers: [JSONValue] = try entries.map { entry in
                let m = try MakerRecord(canonicalBytes: entry.value)
                return ["maker": .string(Address(unchecked: entry.key).checksummed), "name": .string(m.name),
                        "public_key": .string(Hex.prefixed(m.publicKey)), "active": .bool(m.active),
                        "devices": .integer(Int64(clamping: m.devices))]
            }
            return ["makers": .array(makers), "next": entries.count == page.limit ? QueryPage.cursor(after: entries.last!.key) : .null]
        })

    static let counts = ModuleQuery(
        name: "getCounts", summary: "Per kind: devices onboarded ever, active now, and active with a location.",
        resultName: "counts",
        resultSchema: QuerySchema.object(Dictionary(uniqueKeysWithValues: DeviceKind.allCases.map {
            ($0.description, QuerySchema.object(["onboarded": integer, "active": integer, "located": integer]))
        })),
        handler: { _, view in
            var o: [String: JSONValue] = [:]
            for kind in DeviceKind.allCases {
                let c = try view.get(DeviceCounts.self, DeviceKeys.counts(kind)) ?? DeviceCounts()
                o[kind.description] = ["onboarded": .integer(Int64(clamping: c.onboarded)),
                                       "active": .integer(Int64(clamping: c.active)), "located": .integer(Int64(clamping: c.located))]
            }
            return .object(o)
        })
}
