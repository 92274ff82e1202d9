import CairnCore
import CairnCrypto
import CairnGeo

/// The coverage module's read-only queries (Specs/rpc.md, `coverage_*`): a block's challenges,
/// a beacon's witness verdicts, a device's history and rewards, an epoch's settlement and the
/// coverage of a cell.
enum CoverageQueries {
    static var all: [ModuleQuery] { [challenges, witnessResults, deviceHistory, deviceRewards, epoch, epochRewards, cells] }

    private static let integer = QuerySchema.integer
    private static let hash: JSONValue = ["type": "string", "pattern": "^0x[0-9a-f]{64}$"]
    private static let text: JSONValue = ["type": "string"]
    private static let cellSchema: JSONValue = ["type": "string", "pattern": "^[0-9a-f]{16}$"]

    private static func parameters(_ view: StateView) throws -> CoverageParameters {
        try view.get(CoverageParameters.self, RuntimeNamespace.parametersKey(CoverageModule.name)) ?? .defaults
    }

    private static func int(_ v: UInt64) -> JSONValue { .integer(Int64(clamping: v)) }
    private static func address(_ a: Address) -> JSONValue { .string(a.checksummed) }

    // MARK: challenges

    static let challengeSchema = QuerySchema.object([
        "challengee": QuerySchema.address, "beacon_id": hash, "payload": hash, "packet_hash": hash, "channel": integer,
        "frequency": integer, "attested": ["type": "boolean"],
    ])

    static let challenges = ModuleQuery(
        name: "getChallenges",
        summary: "The hotspots a block challenged, with each beacon's payload, packet hash and channel, and the window in which an attestation of it can be included and its receipts heard.",
        parameters: [.init(name: "height", required: true, schema: QuerySchema.height, description: "The challenge block's height.")],
        resultName: "challenges",
        resultSchema: QuerySchema.object([
            "challenge_height": integer, "seed": hash, "time": integer, "last_height": integer, "earliest_time": integer,
            "latest_time": integer, "challenges": QuerySchema.array(challengeSchema),
        ]),
        handler: { args, view in
            let height = try args.unsigned("height")
            let p = try parameters(view)
            let record = try view.get(ChallengeRecord.self, CoverageKeys.challenge(height))
                ?? ChallengeRecord(seed: .zero, time: 0, challengees: [])
            let window = WitnessRules.window(blockTime: record.time, parameters: p)
            let list: [JSONValue] = try record.challengees.map { id in
                let beacon = Beacon.derive(seed: record.seed, height: height, challengee: id, plan: p.channelPlan)
                return ["challengee": address(id), "beacon_id": .string(beacon.id.hex), "payload": .string(Hex.prefixed(beacon.payload)),
                        "packet_hash": .string(beacon.packetHash.hex), "channel": int(beacon.channel), "frequency": int(beacon.frequency),
                        "attested": .bool(try view.value(CoverageKeys.beacon(beacon.id)) != nil)]
            }
            return ["challenge_height": int(height), "seed": .string(record.seed.hex), "time": int(record.time),
                    "last_height": int(IntegerMath.add(height, p.challengeWindow)), "earliest_time": int(window.lowerBound),
                    "latest_time": int(window.upperBound), "challenges": .array(list)]
        })

    // MARK: witness results

    static let verdictSchema = QuerySchema.object(["verdict": text, "detail": text])

    static func verdictForm(_ v: WitnessVerdict) -> [String: JSONValue] {
        ["verdict": .string(v.reason), "detail": .string(v.description)]
    }

    static let witnessResults = ModuleQuery(
        name: "getWitnessResults",
        summary: "A beacon's attestation: the challenge, where it was included, and each receipt's witness with its verdict (valid, valid_not_selected, or the reason code of the rule it broke) and the numbers compared.",
        parameters: [.init(name: "beacon_id", required: true, schema: hash, description: "The beacon id (coverage.md §4).")],
        resultName: "beacon",
        resultSchema: QuerySchema.object([
            "beacon_id": hash, "challenge_height": integer, "challengee": QuerySchema.address, "included_at": integer,
            "report_time": integer,
            "witnesses": QuerySchema.array(QuerySchema.object(["witness": QuerySchema.address, "verdict": text, "detail": text])),
        ]),
        notFound: "no accepted attestation of that beacon",
        handler: { args, view in
            let id = try args.hash("beacon_id")
            guard let b = try view.get(BeaconRecord.self, CoverageKeys.beacon(id)) else {
                throw QueryError.notFound("no accepted attestation of beacon \(id.hex)")
            }
            return ["beacon_id": .string(id.hex), "challenge_height": int(b.challengeHeight), "challengee": address(b.challengee),
                    "included_at": int(b.includedAt), "report_time": int(b.reportTime),
                    "witnesses": .array(b.results.map { r in .object(["witness": address(r.witness)].merging(verdictForm(r.verdict)) { a, _ in a }) })]
        })

    // MARK: device history

    static let historySchema = QuerySchema.object([
        "challenge_height": integer, "beacon_id": hash, "role": ["enum": ["beacon", "witness"]],
        "selected": ["type": ["integer", "null"]], "receipts": ["type": ["integer", "null"]],
        "verdict": ["type": ["string", "null"]], "detail": ["type": ["string", "null"]],
    ])

    static let deviceHistory = ModuleQuery(
        name: "getDeviceHistory",
        summary: "A page of a device's proof-of-coverage history, oldest challenge first: its beacons (with how many receipts and selected witnesses) and its receipts of others' beacons (with their verdicts, rejections included).",
        parameters: [.init(name: "device", required: true, schema: QuerySchema.address, description: "Device id."),
                     .init(name: "from_height", required: false, schema: ["type": ["integer", "null"], "minimum": 0],
                           description: "Start at this challenge height (ignored with a cursor).")] + QueryPage.parameters,
        resultName: "page", resultSchema: QueryPage.schema("history", items: historySchema),
        handler: { args, view in
            let device = try args.address("device")
            let page = try QueryPage(args)
            let start = device.bytes + (try args.optionalUnsigned("from_height") ?? 0).bigEndianBytes
            let from = page.from.map { $0.lexicographicallyPrecedes(start) ? start : $0 } ?? start
            let entries = try view.indexEntries(namespace: CoverageKeys.history, prefix: device.bytes, from: from, limit: page.limit)
            let lines: [JSONValue] = try entries.map { entry in
                let key = entry.key
                let height = integer(key[20..<28])
                var o: [String: JSONValue] = ["challenge_height": int(height), "beacon_id": .string(Hex.prefixed(Array(key[28..<60]))),
                                              "selected": .null, "receipts": .null, "verdict": .null, "detail": .null]
                switch try HistoryEntry(canonicalBytes: entry.value) {
                case .beaconed(let selected, let receipts):
                    o["role"] = "beacon"
                    o["selected"] = int(selected)
                    o["receipts"] = int(receipts)
                case .witnessed(let verdict):
                    o["role"] = "witness"
                    o.merge(verdictForm(verdict)) { _, new in new }
                }
                return .object(o)
            }
            return ["history": .array(lines), "next": entries.count == page.limit ? QueryPage.cursor(after: entries.last!.key) : .null]
        })

    // MARK: rewards

    static let rewardSchema = QuerySchema.object([
        "epoch": integer, "device": QuerySchema.address, "owner": QuerySchema.address, "amount": QuerySchema.amount,
        "beacons": integer, "witnesses": integer,
    ])

    static func rewardForm(epoch: UInt64, device: Address, _ r: DeviceReward) -> JSONValue {
        ["epoch": int(epoch), "device": address(device), "owner": address(r.owner), "amount": .string(String(r.amount)),
         "beacons": int(r.beacons), "witnesses": int(r.witnesses)]
    }

    /// A page of reward records under `prefix`; `names` reads the epoch and device from a key.
    private static func rewardPage(_ view: StateView, namespace: UInt8, prefix: [UInt8], page: QueryPage,
                                   names: ([UInt8]) -> (epoch: UInt64, device: Address)) throws -> JSONValue {
        let entries = try view.entries(namespace: namespace, prefix: prefix, from: page.from, limit: page.limit)
        let rewards: [JSONValue] = try entries.map { entry in
            let (epoch, device) = names(entry.key)
            return rewardForm(epoch: epoch, device: device, try DeviceReward(canonicalBytes: entry.value))
        }
        return ["rewards": .array(rewards), "next": entries.count == page.limit ? QueryPage.cursor(after: entries.last!.key) : .null]
    }

    private static func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }

    static let deviceRewards = ModuleQuery(
        name: "getDeviceRewards",
        summary: "A page of what a device earned from the coverage pool, oldest epoch first, with the owner each payment went to.",
        parameters: [.init(name: "device", required: true, schema: QuerySchema.address, description: "Device id.")] + QueryPage.parameters,
        resultName: "page", resultSchema: QueryPage.schema("rewards", items: rewardSchema),
        handler: { args, view in
            let device = try args.address("device")
            return try rewardPage(view, namespace: CoverageKeys.deviceReward, prefix: device.bytes, page: try QueryPage(args)) {
                (integer($0.suffix(8)), device)
            }
        })

    static let epochRewards = ModuleQuery(
        name: "listEpochRewards",
        summary: "A page of the devices a settled epoch paid, in device id order.",
        parameters: [.init(name: "epoch", required: true, schema: QuerySchema.integer, description: "Epoch number.")] + QueryPage.parameters,
        resultName: "page", resultSchema: QueryPage.schema("rewards", items: rewardSchema),
        handler: { args, view in
            let epoch = try args.unsigned("epoch")
            return try rewardPage(view, namespace: CoverageKeys.epochReward, prefix: epoch.bigEndianBytes, page: try QueryPage(args)) {
                (epoch, Address(unchecked: Array($0.suffix(20))))
            }
        })

    static let epoch = ModuleQuery(
        name: "getEpoch",
        summary: "An epoch's heights and tallies (beacons, receipts, selected and rejected witnesses) and, once settled, the pool it split, what it paid and to how many devices.",
        parameters: [.init(name: "epoch", required: true, schema: QuerySchema.integer, description: "Epoch number (heights e·L + 1 … (e + 1)·L).")],
        resultName: "epoch",
        resultSchema: QuerySchema.object([
            "epoch": integer, "first_height": integer, "last_height": integer, "beacons": integer, "receipts": integer,
            "selected": integer, "rejected": integer, "settled_at": ["type": ["integer", "null"]], "pool": QuerySchema.amount,
            "paid": QuerySchema.amount, "remainder": QuerySchema.amount, "devices_paid": integer,
        ]),
        handler: { args, view in
            let epoch = try args.unsigned("epoch")
            let p = try parameters(view)
            let e = try view.get(EpochRecord.self, CoverageKeys.epoch(epoch)) ?? EpochRecord()
            let first = epoch.multipliedReportingOverflow(by: p.epochLength)
            guard !first.overflow else { throw QueryError.invalidArgument("epoch \(epoch) is beyond any height") }
            return ["epoch": int(epoch), "first_height": int(first.partialValue + 1),
                    "last_height": int(IntegerMath.add(first.partialValue, p.epochLength)),
                    "beacons": int(e.beacons), "receipts": int(e.receipts), "selected": int(e.selected), "rejected": int(e.rejected),
                    "settled_at": e.settledAt.map(int) ?? .null, "pool": .string(String(e.pool)), "paid": .string(String(e.paid)),
                    "remainder": .string(String(e.pool - e.paid)), "devices_paid": int(e.devicesPaid)]
        })

    // MARK: cells

    static let cellCoverageSchema = QuerySchema.object([
        "cell": cellSchema, "hotspots": integer, "scale": integer, "beacons": integer, "witnesses": integer,
        "densities": QuerySchema.array(QuerySchema.object(["resolution": integer, "unclipped": integer, "clipped": integer])),
    ])

    static let cells = ModuleQuery(
        name: "getCellCoverage",
        summary: "A page of the resolution-8 cells inside a cell of any resolution (or the resolution-8 cell holding a finer one) as a settled epoch saw them: hotspots, HIP-17 densities, reward scale (ppm) and the beacons sent from them with their selected witnesses.",
        parameters: [.init(name: "cell", required: true, schema: cellSchema, description: "A cell id (16 lower-case hex digits)."),
                     .init(name: "epoch", required: true, schema: QuerySchema.integer, description: "A settled epoch.")] + QueryPage.parameters,
        resultName: "page", resultSchema: QueryPage.schema("cells", items: cellCoverageSchema),
        handler: { args, view in
            let textCell = try args.string("cell")
            guard var cell = CellID(string: textCell) else {
                throw QueryError.invalidArgument("parameter 'cell' must be a cell id (16 lower-case hex digits), not '\(textCell)'")
            }
            if cell.resolution > CoverageSettlement.cellResolution { cell = try cell.parent(at: CoverageSettlement.cellResolution) }
            let epoch = try args.unsigned("epoch")
            let page = try QueryPage(args)
            let range = cell.spatialRange
            let lower = epoch.bigEndianBytes + range.lowerBound.bigEndianBytes
            let upper = epoch.bigEndianBytes + range.upperBound.bigEndianBytes
            let from = page.from.map { $0.lexicographicallyPrecedes(lower) ? lower : $0 } ?? lower
            let entries = try view.entries(namespace: CoverageKeys.cell, prefix: epoch.bigEndianBytes, from: from, limit: page.limit)
                .filter { !upper.lexicographicallyPrecedes($0.key) }
            let list: [JSONValue] = try entries.map { entry in
                let c = try CellCoverage(canonicalBytes: entry.value)
                return ["cell": .string(CellID(raw: c.cell)?.description ?? String(c.cell, radix: 16)), "hotspots": int(c.hotspots), "scale": int(c.scale),
                        "beacons": int(c.beacons), "witnesses": int(c.witnesses),
                        "densities": .array(c.densities.map { ["resolution": int(UInt64($0.resolution)), "unclipped": int($0.unclipped),
                                                                "clipped": int($0.clipped)] })]
            }
            return ["cells": .array(list), "next": entries.count == page.limit ? QueryPage.cursor(after: entries.last!.key) : .null]
        })
}
