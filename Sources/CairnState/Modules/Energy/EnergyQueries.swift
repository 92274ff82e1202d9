import CairnCore
import CairnCrypto
import CairnGeo

/// The energy module's read-only queries (Specs/depin/energy.md §11.3, served as `energy_*`):
/// meters (one, or a cell's), a meter's accepted and rejected readings, certificates (one by
/// serial, an owner's, a meter's, the retired), and the energy of an epoch and of cells.
enum EnergyQueries {
    static var all: [ModuleQuery] {
        [meter, metersByCell, readings, rejectedReadings, certificate, certificatesByOwner, certificatesByMeter,
         retiredCertificates, epoch, cellEnergy]
    }

    private static let integer = QuerySchema.integer
    private static let text: JSONValue = ["type": "string"]
    private static let cellSchema: JSONValue = ["type": "string", "pattern": "^[0-9a-f]{16}$"]
    private static func nullable(_ schema: JSONValue) -> JSONValue { ["oneOf": [schema, ["type": "null"]]] }

    private static func parameters(_ view: StateView) throws -> EnergyParameters {
        try view.get(EnergyParameters.self, RuntimeNamespace.parametersKey(EnergyModule.name)) ?? .defaults
    }

    private static func int(_ v: UInt64) -> JSONValue { .integer(Int64(clamping: v)) }
    private static func address(_ a: Address) -> JSONValue { .string(a.checksummed) }
    private static func amount(_ a: Amount) -> JSONValue { .string(String(a)) }
    private static func cellText(_ raw: UInt64) -> JSONValue { .string(CellID(raw: raw)?.description ?? String(raw, radix: 16)) }
    private static func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }

    /// Where a page starts: the cursor, or `start` when the cursor is absent or before it.
    private static func from(_ page: QueryPage, _ start: [UInt8]) -> [UInt8] {
        page.from.map { $0.lexicographicallyPrecedes(start) ? start : $0 } ?? start
    }

    private static func next(_ entries: [(key: [UInt8], value: [UInt8])], _ page: QueryPage) -> JSONValue {
        entries.count == page.limit ? QueryPage.cursor(after: entries.last!.key) : .null
    }

    private static func cellID(_ args: QueryArguments) throws -> CellID {
        let text = try args.string("cell")
        guard let cell = CellID(string: text) else {
            throw QueryError.invalidArgument("parameter 'cell' must be a cell id (16 lower-case hex digits), not '\(text)'")
        }
        return cell
    }

    // MARK: meters

    static let meterSchema = QuerySchema.object([
        "meter": QuerySchema.address, "owner": QuerySchema.address, "status": text, "capacity": integer,
        "technology": EnergyModule.technologySchema, "bond": QuerySchema.amount, "registered_at": integer,
        "cell": nullable(cellSchema), "latitude": nullable(["type": "integer"]), "longitude": nullable(["type": "integer"]),
        "last_reading": nullable(QuerySchema.object(["slot": integer, "energy": integer, "sequence": integer])),
        "carried": integer, "total_energy": integer, "certificates": integer,
        "withdrawal": nullable(QuerySchema.object(["amount": QuerySchema.amount, "unlock_height": integer, "recipient": QuerySchema.address])),
        "frozen": nullable(QuerySchema.object(["height": integer, "slot": integer, "reporter": QuerySchema.address,
                                               "slashed": QuerySchema.amount])),
    ])

    static func meterForm(_ id: Address, _ m: MeterRecord, _ d: DeviceRecord?) -> JSONValue {
        let location = d?.location
        return ["meter": address(id), "owner": d.map { address($0.owner) } ?? .null, "status": .string(d?.status.description ?? "unknown"),
                "capacity": int(m.capacity), "technology": .string(m.technology.description), "bond": amount(m.bond),
                "registered_at": int(m.registeredAt), "cell": location.map { cellText($0.cell) } ?? .null,
                "latitude": location.map { .integer(Int64($0.place.latitude)) } ?? .null,
                "longitude": location.map { .integer(Int64($0.place.longitude)) } ?? .null,
                "last_reading": m.last.map { ["slot": int($0.slot), "energy": int($0.energy), "sequence": int($0.sequence)] } ?? .null,
                "carried": int(m.carried), "total_energy": int(m.totalEnergy), "certificates": int(m.certificates),
                "withdrawal": m.withdrawal.map { ["amount": amount($0.amount), "unlock_height": int($0.unlockAt), "recipient": address($0.recipient)] } ?? .null,
                "frozen": m.frozen.map { ["height": int($0.height), "slot": int($0.slot), "reporter": address($0.reporter),
                                          "slashed": amount($0.slashed)] } ?? .null]
    }

    static let meter = ModuleQuery(
        name: "getMeter",
        summary: "A registered meter: owner and device status, capacity, technology, bond (and a withdrawal in flight), location, the last accepted reading, the Wh carried toward the next certificate, totals, and whether it is frozen for equivocation.",
        parameters: [.init(name: "meter", required: true, schema: QuerySchema.address, description: "Meter device id.")],
        resultName: "meter", resultSchema: meterSchema, notFound: "no registered meter with that id",
        handler: { args, view in
            let id = try args.address("meter")
            guard let m = try view.get(MeterRecord.self, EnergyKeys.meter(id)) else {
                throw QueryError.notFound("no registered meter \(id.checksummed)")
            }
            return meterForm(id, m, try view.get(DeviceRecord.self, DeviceKeys.device(id)))
        })

    static let metersByCell = ModuleQuery(
        name: "listMetersByCell",
        summary: "A page of the registered meters whose active located device is inside a cell of any resolution, in spatial-key then id order. A page scans `limit` devices of the cell, so it may hold fewer meters; follow `next` until it is null.",
        parameters: [.init(name: "cell", required: true, schema: cellSchema, description: "A cell id (16 lower-case hex digits).")]
            + QueryPage.parameters,
        resultName: "page", resultSchema: QueryPage.schema("meters", items: meterSchema),
        handler: { args, view in
            let range = try cellID(args).spatialRange
            let page = try QueryPage(args)
            let lower = range.lowerBound.bigEndianBytes, upper = range.upperBound.bigEndianBytes
            // The devices module's cell index holds every kind; the range scan reads on past the cell.
            let entries = try view.entries(namespace: DeviceKeys.byCell, prefix: [], from: from(page, lower), limit: page.limit)
                .filter { !upper.lexicographicallyPrecedes(Array($0.key.prefix(8))) }
            var meters: [JSONValue] = []
            for entry in entries {
                let id = Address(unchecked: Array(entry.key.suffix(20)))
                guard let m = try view.get(MeterRecord.self, EnergyKeys.meter(id)) else { continue }
                meters.append(meterForm(id, m, try view.get(DeviceRecord.self, DeviceKeys.device(id))))
            }
            return ["meters": .array(meters), "next": next(entries, page)]
        })

    // MARK: readings

    private static let historyParameters: [ModuleQuery.Parameter] = [
        .init(name: "meter", required: true, schema: QuerySchema.address, description: "Meter device id."),
        .init(name: "from_slot", required: false, schema: ["type": ["integer", "null"], "minimum": 0],
              description: "Start at this slot (ignored with a cursor)."),
    ] + QueryPage.parameters

    static let readingSchema = QuerySchema.object([
        "slot": integer, "slot_start": integer, "energy": integer, "sequence": integer, "credited": integer, "height": integer,
    ])

    static let readings = ModuleQuery(
        name: "getReadings",
        summary: "A page of a meter's accepted readings, oldest slot first: the cumulative Wh and sequence the meter signed, the Wh credited (the rise over the previous accepted reading; 0 for the first, the baseline) and the including block.",
        parameters: historyParameters,
        resultName: "page", resultSchema: QueryPage.schema("readings", items: readingSchema),
        handler: { args, view in
            let meter = try args.address("meter")
            let page = try QueryPage(args)
            let p = try parameters(view)
            let start = meter.bytes + (try args.optionalUnsigned("from_slot") ?? 0).bigEndianBytes
            let entries = try view.indexEntries(namespace: EnergyKeys.acceptedReading, prefix: meter.bytes, from: from(page, start),
                                                limit: page.limit)
            let list: [JSONValue] = try entries.map { entry in
                let slot = integer(entry.key[20..<28])
                let r = try AcceptedReading(canonicalBytes: entry.value)
                return ["slot": int(slot), "slot_start": int(slot.multipliedReportingOverflow(by: p.slotLength).partialValue),
                        "energy": int(r.energy), "sequence": int(r.sequence), "credited": int(r.credited), "height": int(r.height)]
            }
            return ["readings": .array(list), "next": next(entries, page)]
        })

    static let rejectedSchema = QuerySchema.object([
        "slot": integer, "energy": integer, "sequence": integer, "height": integer, "reason": text, "detail": text,
    ])

    static let rejectedReadings = ModuleQuery(
        name: "getRejectedReadings",
        summary: "A page of the readings attestations carried for a meter that were refused, by slot, with the reason code of the rule each broke and the numbers it compared. The same reading refused twice for the same reason in one block is one line.",
        parameters: historyParameters,
        resultName: "page", resultSchema: QueryPage.schema("readings", items: rejectedSchema),
        handler: { args, view in
            let meter = try args.address("meter")
            let page = try QueryPage(args)
            let start = meter.bytes + (try args.optionalUnsigned("from_slot") ?? 0).bigEndianBytes
            let entries = try view.indexEntries(namespace: EnergyKeys.rejectedReading, prefix: meter.bytes, from: from(page, start),
                                                limit: page.limit)
            let list: [JSONValue] = try entries.map { entry in
                let k = entry.key
                let r = try ReadingRejection(canonicalBytes: entry.value)
                return ["slot": int(integer(k[20..<28])), "sequence": int(integer(k[28..<36])), "energy": int(integer(k[36..<44])),
                        "height": int(integer(k[44..<52])), "reason": .string(r.reason), "detail": .string("\(r.reason): \(r)")]
            }
            return ["readings": .array(list), "next": next(entries, page)]
        })

    // MARK: certificates

    static let lotSchema = QuerySchema.object([
        "lot": integer, "first_serial": integer, "last_serial": integer, "count": integer, "meter": QuerySchema.address,
        "first_slot": integer, "last_slot": integer, "period_start": integer, "period_end": integer, "epoch": integer,
        "cell": cellSchema, "owner": QuerySchema.address, "minted_at": integer,
        "retirement": nullable(QuerySchema.object(["by": QuerySchema.address, "beneficiary": text, "purpose": text, "height": integer])),
    ])

    static func lotForm(_ id: UInt64, _ lot: CertificateLot, _ p: EnergyParameters) -> JSONValue {
        ["lot": int(id), "first_serial": int(id), "last_serial": int(id &+ lot.count &- 1), "count": int(lot.count),
         "meter": address(lot.meter), "first_slot": int(lot.firstSlot), "last_slot": int(lot.lastSlot),
         "period_start": int(lot.firstSlot.multipliedReportingOverflow(by: p.slotLength).partialValue),
         "period_end": int(IntegerMath.add(lot.lastSlot.multipliedReportingOverflow(by: p.slotLength).partialValue, p.slotLength)),
         "epoch": int(lot.epoch), "cell": cellText(lot.cell), "owner": address(lot.owner), "minted_at": int(lot.mintedAt),
         "retirement": lot.retirement.map { ["by": address($0.by), "beneficiary": .string($0.beneficiary), "purpose": .string($0.purpose),
                                             "height": int($0.height)] } ?? .null]
    }

    /// A page of lots named by the last 8 bytes of each index key.
    private static func lotPage(_ view: StateView, _ entries: [(key: [UInt8], value: [UInt8])], _ page: QueryPage) throws -> JSONValue {
        let p = try parameters(view)
        var lots: [JSONValue] = []
        for entry in entries {
            let id = integer(entry.key.suffix(8))
            guard let lot = try view.get(CertificateLot.self, EnergyKeys.lot(id)) else {
                throw QueryError.notFound("index entry for certificate lot \(id) without its record")
            }
            lots.append(lotForm(id, lot, p))
        }
        return ["lots": .array(lots), "next": next(entries, page)]
    }

    private static let lotPageSchema = QueryPage.schema("lots", items: lotSchema)

    static let certificate = ModuleQuery(
        name: "getCertificate",
        summary: "The certificate with a serial number: the lot holding it (every certificate of a lot shares its meter, period, epoch, cell, owner and retirement). A transfer or retirement names the lot id and a serial range inside it.",
        parameters: [.init(name: "serial", required: true, schema: integer, description: "Certificate serial number.")],
        resultName: "lot", resultSchema: lotSchema, notFound: "no certificate with that serial",
        handler: { args, view in
            let serial = try args.unsigned("serial")
            guard let entry = try view.indexEntries(namespace: EnergyKeys.lotEnd, prefix: [], from: serial.bigEndianBytes, limit: 1).first,
                  let id = try? UInt64(canonicalBytes: entry.value),
                  let lot = try view.get(CertificateLot.self, EnergyKeys.lot(id)), serial >= id, serial - id < lot.count else {
                throw QueryError.notFound("no certificate \(serial)")
            }
            return lotForm(id, lot, try parameters(view))
        })

    static let certificatesByOwner = ModuleQuery(
        name: "listCertificatesByOwner",
        summary: "A page of the certificate lots an address holds and has not retired, by lot id.",
        parameters: [.init(name: "owner", required: true, schema: QuerySchema.address, description: "Holder address.")] + QueryPage.parameters,
        resultName: "page", resultSchema: lotPageSchema,
        handler: { args, view in
            let owner = try args.address("owner")
            let page = try QueryPage(args)
            let entries = try view.entries(namespace: EnergyKeys.ownerLot, prefix: owner.bytes, from: page.from, limit: page.limit)
            return try lotPage(view, entries, page)
        })

    static let certificatesByMeter = ModuleQuery(
        name: "listCertificatesByMeter",
        summary: "A page of the certificate lots a meter's energy made, by lot id, wherever they are now (held, moved or retired).",
        parameters: [.init(name: "meter", required: true, schema: QuerySchema.address, description: "Meter device id.")] + QueryPage.parameters,
        resultName: "page", resultSchema: lotPageSchema,
        handler: { args, view in
            let meter = try args.address("meter")
            let page = try QueryPage(args)
            let entries = try view.indexEntries(namespace: EnergyKeys.meterLot, prefix: meter.bytes, from: page.from, limit: page.limit)
            return try lotPage(view, entries, page)
        })

    static let retiredCertificates = ModuleQuery(
        name: "listRetiredCertificates",
        summary: "A page of the retired certificate lots, oldest retirement first, each with who retired it, for whom and for what.",
        parameters: [.init(name: "from_height", required: false, schema: ["type": ["integer", "null"], "minimum": 0],
                           description: "Start at retirements of this height (ignored with a cursor).")] + QueryPage.parameters,
        resultName: "page", resultSchema: lotPageSchema,
        handler: { args, view in
            let page = try QueryPage(args)
            let start = (try args.optionalUnsigned("from_height") ?? 0).bigEndianBytes
            let entries = try view.indexEntries(namespace: EnergyKeys.retired, prefix: [], from: from(page, start), limit: page.limit)
            return try lotPage(view, entries, page)
        })

    // MARK: energy

    static let epoch = ModuleQuery(
        name: "getEpoch",
        summary: "A reward epoch's verified energy: batches, accepted and rejected readings, Wh, certificates minted, and once settled the energy pool's balance, what it paid to how many meters and what it carried.",
        parameters: [.init(name: "epoch", required: true, schema: integer, description: "Reward epoch (the emission record's epoch_length).")],
        resultName: "epoch",
        resultSchema: QuerySchema.object([
            "epoch": integer, "batches": integer, "accepted": integer, "rejected": integer, "energy": integer, "certificates": integer,
            "settled_at": nullable(integer), "pool": nullable(QuerySchema.amount), "paid": nullable(QuerySchema.amount),
            "carried": nullable(QuerySchema.amount), "meters_paid": nullable(integer),
        ]),
        handler: { args, view in
            let epoch = try args.unsigned("epoch")
            let e = try view.get(EnergyEpochRecord.self, EnergyKeys.epoch(epoch)) ?? EnergyEpochRecord()
            let settled = try view.get(EpochPoolRecord.self, EpochRewards.poolKey(epoch: epoch, pool: EnergyModule.poolName))
            return ["epoch": int(epoch), "batches": int(e.batches), "accepted": int(e.accepted), "rejected": int(e.rejected),
                    "energy": int(e.energy), "certificates": int(e.certificates),
                    "settled_at": settled.map { int($0.settledAt) } ?? .null, "pool": settled.map { amount($0.balance) } ?? .null,
                    "paid": settled.map { amount($0.paid) } ?? .null, "carried": settled.map { amount($0.carried) } ?? .null,
                    "meters_paid": settled.map { int($0.devices) } ?? .null]
        })

    static let cellEnergy = ModuleQuery(
        name: "getCellEnergy",
        summary: "A page of the resolution-8 cells inside a cell of any resolution (or the resolution-8 cell holding a finer one) with the energy their meters verified in an epoch: accepted readings, Wh and certificates.",
        parameters: [.init(name: "cell", required: true, schema: cellSchema, description: "A cell id (16 lower-case hex digits)."),
                     .init(name: "epoch", required: true, schema: integer, description: "Reward epoch.")] + QueryPage.parameters,
        resultName: "page",
        resultSchema: QueryPage.schema("cells", items: QuerySchema.object([
            "cell": cellSchema, "readings": integer, "energy": integer, "certificates": integer,
        ])),
        handler: { args, view in
            var cell = try cellID(args)
            if cell.resolution > ReadingIntake.cellResolution { cell = try cell.parent(at: ReadingIntake.cellResolution) }
            let epoch = try args.unsigned("epoch")
            let page = try QueryPage(args)
            let range = cell.spatialRange
            let lower = epoch.bigEndianBytes + range.lowerBound.bigEndianBytes
            let upper = epoch.bigEndianBytes + range.upperBound.bigEndianBytes
            let entries = try view.entries(namespace: EnergyKeys.cell, prefix: epoch.bigEndianBytes, from: from(page, lower), limit: page.limit)
                .filter { !upper.lexicographicallyPrecedes($0.key) }
            let list: [JSONValue] = try entries.map { entry in
                let c = try CellEnergy(canonicalBytes: entry.value)
                return ["cell": cellText(c.cell), "readings": int(c.readings), "energy": int(c.energy), "certificates": int(c.certificates)]
            }
            return ["cells": .array(list), "next": next(entries, page)]
        })
}
