import CairnCore
import CairnCrypto

/// The storage module's read-only queries (Specs/depin/storage.md §9.3): a deal with its current
/// challenge, lists of deals by client, provider or status, a deal's periods (challenges, proofs
/// and faults) and a provider's record.
enum StorageQueries {
    static var all: [ModuleQuery] { [deal, deals, dealPeriods, provider] }

    private static let integer = QuerySchema.integer
    private static let amount = QuerySchema.amount
    private static let hash: JSONValue = ["type": "string", "pattern": "^0x[0-9a-f]{64}$"]
    private static let nullableHash: JSONValue = ["type": ["string", "null"], "pattern": "^0x[0-9a-f]{64}$"]
    private static let text: JSONValue = ["type": "string"]

    private static func int(_ v: UInt64) -> JSONValue { .integer(Int64(clamping: v)) }
    private static func address(_ a: Address) -> JSONValue { .string(a.checksummed) }
    private static func money(_ a: Amount) -> JSONValue { .string(String(a)) }

    // MARK: deal

    static let challengeSchema = QuerySchema.object([
        "period": integer, "challenge_height": integer, "deadline": integer, "seed": nullableHash,
        "indices": ["type": ["array", "null"], "items": integer],
    ])

    static let dealSchema = QuerySchema.object([
        "deal": integer, "client": QuerySchema.address, "provider": QuerySchema.address, "data_root": hash, "size": integer,
        "chunk_size": integer, "chunk_count": integer, "challenges": integer, "price_per_period": amount, "periods": integer,
        "collateral": amount, "status": ["enum": .array(DealStatus.allCases.map { .string($0.description) })],
        "proposed_at": integer, "accept_by": integer, "started_at": integer, "proving_period": integer,
        "proof_window": integer, "period": integer, "period_state": ["enum": ["open", "proven", "faulted"]],
        "escrow": amount, "collateral_left": amount, "proven": integer, "faults": integer, "consecutive_faults": integer,
        "paid": amount, "slashed": amount, "ended_at": integer,
        "challenge": ["oneOf": [challengeSchema, ["type": "null"]]],
    ])

    static func dealForm(_ id: UInt64, _ d: DealRecord, _ view: StateView) throws -> JSONValue {
        var challenge: JSONValue = .null
        if d.status == .active {
            let seed = try view.get(ChallengeSeed.self, StorageKeys.challengeSeed(d.challengeHeight))?.seed
            let indices = seed.map {
                StorageChallenge.indices(seed: $0, deal: id, period: d.period, count: d.chunkCount, challenges: d.challenges)
            }
            challenge = ["period": int(d.period), "challenge_height": int(d.challengeHeight), "deadline": int(d.deadline),
                         "seed": seed.map { .string($0.hex) } ?? .null, "indices": indices.map { .array($0.map(int)) } ?? .null]
        }
        let periodState: String = switch d.periodState {
        case .open: "open"
        case .proven: "proven"
        case .faulted: "faulted"
        }
        return ["deal": int(id), "client": address(d.client), "provider": address(d.provider), "data_root": .string(d.dataRoot.hex),
                "size": int(d.size), "chunk_size": int(d.chunkSize), "chunk_count": int(d.chunkCount), "challenges": int(d.challenges),
                "price_per_period": money(d.pricePerPeriod), "periods": int(d.periods), "collateral": money(d.collateral),
                "status": .string(d.status.description), "proposed_at": int(d.proposedAt), "accept_by": int(d.acceptBy),
                "started_at": int(d.startedAt), "proving_period": int(d.provingPeriod), "proof_window": int(d.proofWindow),
                "period": int(d.period), "period_state": .string(periodState), "escrow": money(d.escrow),
                "collateral_left": money(d.collateralLeft), "proven": int(d.proven), "faults": int(d.faults),
                "consecutive_faults": int(d.consecutiveFaults), "paid": money(d.paid), "slashed": money(d.slashed),
                "ended_at": int(d.endedAt), "challenge": challenge]
    }

    static let deal = ModuleQuery(
        name: "getDeal",
        summary: "A deal's terms, status and money, and while it is active its current period's challenge: the height whose seed draws it, the deadline, and once drawn the seed and the chunk indices to answer.",
        parameters: [.init(name: "deal", required: true, schema: integer, description: "Deal id.")],
        resultName: "deal", resultSchema: dealSchema, notFound: "no deal with that id",
        handler: { args, view in
            let id = try args.unsigned("deal")
            guard let d = try view.get(DealRecord.self, StorageKeys.deal(id)) else { throw QueryError.notFound("no deal \(id)") }
            return try dealForm(id, d, view)
        })

    // MARK: deal lists

    static let deals = ModuleQuery(
        name: "listDeals",
        summary: "A page of deals in id order, by exactly one of: client, provider device, or status.",
        parameters: [.init(name: "client", required: false, schema: ["type": ["string", "null"]], description: "Client address."),
                     .init(name: "provider", required: false, schema: ["type": ["string", "null"]], description: "Provider device id."),
                     .init(name: "status", required: false,
                           schema: ["enum": .array(DealStatus.allCases.map { .string($0.description) } + [.null])],
                           description: "Deal status.")] + QueryPage.parameters,
        resultName: "page", resultSchema: QueryPage.schema("deals", items: dealSchema),
        handler: { args, view in
            let client = try args.optionalAddress("client"), provider = try args.optionalAddress("provider")
            let statusName = args.values["status"]?.stringValue
            guard [client != nil, provider != nil, statusName != nil].filter({ $0 }).count == 1 else {
                throw QueryError.invalidArgument("give exactly one of 'client', 'provider' and 'status'")
            }
            let prefix: [UInt8]
            if let client {
                prefix = [StorageKeys.List.client.rawValue] + client.bytes
            } else if let provider {
                prefix = [StorageKeys.List.provider.rawValue] + provider.bytes
            } else {
                guard let name = statusName, let status = DealStatus(name: name) else {
                    throw QueryError.invalidArgument("parameter 'status' must be one of \(DealStatus.allCases.map(\.description).joined(separator: ", "))")
                }
                prefix = [StorageKeys.List.status.rawValue, status.rawValue]
            }
            let page = try QueryPage(args)
            let entries = try view.entries(namespace: StorageKeys.dealList, prefix: prefix, from: page.from, limit: page.limit)
            let list: [JSONValue] = try entries.map { entry in
                let id = UInt64(bigEndianBytes: entry.key.suffix(8))!
                guard let d = try view.get(DealRecord.self, StorageKeys.deal(id)) else { throw QueryError.notFound("no deal \(id)") }
                return try dealForm(id, d, view)
            }
            return ["deals": .array(list), "next": entries.count == page.limit ? QueryPage.cursor(after: entries.last!.key) : .null]
        })

    // MARK: periods

    static let periodSchema = QuerySchema.object([
        "period": integer, "challenge_height": integer, "seed": hash, "indices": QuerySchema.array(integer), "at": integer,
        "outcome": ["enum": ["proven", "fault"]], "payment": ["oneOf": [amount, ["type": "null"]]],
        "reason": ["type": ["string", "null"]], "detail": ["type": ["string", "null"]],
        "slashed": ["oneOf": [amount, ["type": "null"]]], "to_client": ["oneOf": [amount, ["type": "null"]]],
    ])

    static let dealPeriods = ModuleQuery(
        name: "getDealPeriods",
        summary: "A page of a deal's ended or decided proving periods, oldest first: each challenge (seed and chunk indices) and its outcome, a proof with the payment it released or a fault with its reason (missed_proof, invalid_proof), what it slashed and what of that the client got.",
        parameters: [.init(name: "deal", required: true, schema: integer, description: "Deal id.")] + QueryPage.parameters,
        resultName: "page", resultSchema: QueryPage.schema("periods", items: periodSchema),
        handler: { args, view in
            let id = try args.unsigned("deal")
            let page = try QueryPage(args)
            let entries = try view.indexEntries(namespace: StorageKeys.periodLog, prefix: id.bigEndianBytes, from: page.from, limit: page.limit)
            let list: [JSONValue] = try entries.map { entry in
                let e = try PeriodLogEntry(canonicalBytes: entry.value)
                var o: [String: JSONValue] = [
                    "period": int(UInt64(bigEndianBytes: entry.key.suffix(8))!), "challenge_height": int(e.challengeHeight),
                    "seed": .string(e.seed.hex), "indices": .array(e.indices.map(int)), "at": int(e.at),
                    "payment": .null, "reason": .null, "detail": .null, "slashed": .null, "to_client": .null,
                ]
                switch e.outcome {
                case .proven(let payment):
                    o["outcome"] = "proven"
                    o["payment"] = money(payment)
                case .fault(let reason, let detail, let slashed, let toClient):
                    o["outcome"] = "fault"
                    o["reason"] = .string(reason)
                    o["detail"] = .string(detail)
                    o["slashed"] = money(slashed)
                    o["to_client"] = money(toClient)
                }
                return .object(o)
            }
            return ["periods": .array(list), "next": entries.count == page.limit ? QueryPage.cursor(after: entries.last!.key) : .null]
        })

    // MARK: provider

    static let provider = ModuleQuery(
        name: "getProvider",
        summary: "A storage provider: registered capacity, bytes committed to active deals, collateral held and required, and its active deals.",
        parameters: [.init(name: "device", required: true, schema: QuerySchema.address, description: "Provider device id.")],
        resultName: "provider",
        resultSchema: QuerySchema.object([
            "device": QuerySchema.address, "capacity": integer, "committed": integer, "collateral": amount,
            "collateral_required": amount, "active_deals": integer, "registered_at": integer,
        ]),
        notFound: "no provider registered with that device",
        handler: { args, view in
            let device = try args.address("device")
            guard let r = try view.get(ProviderRecord.self, StorageKeys.provider(device)) else {
                throw QueryError.notFound("device \(device.checksummed) is not a registered storage provider")
            }
            let p = try view.get(StorageParameters.self, RuntimeNamespace.parametersKey(StorageModule.name)) ?? .defaults
            return ["device": address(device), "capacity": int(r.capacity), "committed": int(r.committed),
                    "collateral": money(r.collateral), "collateral_required": money(p.providerCollateral(capacity: r.capacity)),
                    "active_deals": int(r.activeDeals), "registered_at": int(r.registeredAt)]
        })
}
