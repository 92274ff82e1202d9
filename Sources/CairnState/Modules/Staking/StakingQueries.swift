import CairnCore
import CairnCrypto

/// The staking module's read-only queries (Specs/rpc.md, `staking_*`). Each reads one view of
/// committed state, so its parts belong to the same height.
enum StakingQueries {
    static var all: [ModuleQuery] { [validator, validators, delegations, unbonding] }

    private static let address = QuerySchema.address
    private static let amount = QuerySchema.amount
    private static let integer = QuerySchema.integer
    private static let shares: JSONValue = ["type": "string", "pattern": "^(0|[1-9][0-9]*)$"]

    static let validatorSchema = QuerySchema.object([
        "address": address, "operator": address, "tokens": amount, "total_shares": shares,
        "commission_ppm": integer, "jailed": ["type": "boolean"], "jailed_until": integer,
        "tombstoned": ["type": "boolean"], "active": ["type": "boolean"], "power": integer, "created_height": integer,
    ])

    private static let entriesSchema = QuerySchema.array(QuerySchema.object([
        "creation_height": integer, "completion_height": integer, "initial_amount": amount, "balance": amount,
    ]))

    static let validator = ModuleQuery(
        name: "getValidator",
        summary: "A validator by consensus address: operator, bonded tokens, shares, commission, jail and tombstone state, voting power, downtime counters.",
        parameters: [.init(name: "validator", required: true, schema: address, description: "Consensus address.")],
        resultName: "validator",
        resultSchema: {
            guard case .object(var o) = validatorSchema, case .object(var p)? = o["properties"] else { return validatorSchema }
            p["missed_blocks"] = integer
            o["properties"] = .object(p)
            o["required"] = .array(p.keys.sorted().map { .string($0) })
            return .object(o)
        }(),
        notFound: "no validator with that consensus address",
        handler: { args, view in
            let consensus = try args.address("validator")
            guard let record = try Staking.validator(consensus, &view) else {
                throw QueryError.notFound("no validator \(consensus.checksummed)")
            }
            let active = try Staking.activeSet(&view)
            guard case .object(var o) = form(consensus, record, active: active) else { return .null }
            o["missed_blocks"] = .integer(Int64(clamping: try Staking.signingInfo(consensus, &view).missedCount))
            return .object(o)
        })

    static let validators = ModuleQuery(
        name: "getValidators",
        summary: "Every validator candidate with its bonded tokens and whether it is in the active set, the active set, and the reward pool's balance.",
        resultName: "validators",
        resultSchema: QuerySchema.object([
            "validators": QuerySchema.array(validatorSchema),
            "active_set": QuerySchema.array(QuerySchema.object(["address": address, "power": integer])),
            "reward_pool": amount,
        ]),
        handler: { _, view in
            let active = try Staking.activeSet(&view)
            return [
                "validators": .array(try Staking.validators(&view).map { form($0.address, $0.record, active: active) }),
                "active_set": .array(active.map { ["address": .string($0.address.checksummed), "power": .integer(Int64(clamping: $0.power))] }),
                "reward_pool": .string(String(try view.account(Staking.rewardPool).balance)),
            ]
        })

    static let delegations = ModuleQuery(
        name: "getDelegations",
        summary: "A delegator's delegations: shares, their current value and rewards not yet paid.",
        parameters: [.init(name: "delegator", required: true, schema: address, description: "Delegator account.")],
        resultName: "delegations",
        resultSchema: QuerySchema.object([
            "delegator": address,
            "delegations": QuerySchema.array(QuerySchema.object([
                "validator": address, "shares": shares, "tokens": amount, "pending_rewards": amount,
            ])),
        ]),
        handler: { args, view in
            let delegator = try args.address("delegator")
            return [
                "delegator": .string(delegator.checksummed),
                "delegations": .array(try Staking.delegations(of: delegator, &view).map { d in
                    ["validator": .string(d.validator.checksummed), "shares": .string(String(d.shares)),
                     "tokens": .string(String(d.tokens)), "pending_rewards": .string(String(d.pendingRewards))]
                }),
            ]
        })

    static let unbonding = ModuleQuery(
        name: "getUnbonding",
        summary: "A delegator's unbonding entries (paid out at their completion height) and redelegations still slashable for their source.",
        parameters: [.init(name: "delegator", required: true, schema: address, description: "Delegator account.")],
        resultName: "unbonding",
        resultSchema: QuerySchema.object([
            "delegator": address,
            "unbonding": QuerySchema.array(QuerySchema.object(["validator": address, "entries": entriesSchema])),
            "redelegations": QuerySchema.array(QuerySchema.object([
                "source": address, "destination": address, "entries": entriesSchema,
            ])),
        ]),
        handler: { args, view in
            let delegator = try args.address("delegator")
            func entries(_ list: [PendingEntry]) -> JSONValue {
                .array(list.map { e in
                    ["creation_height": .integer(Int64(clamping: e.creationHeight)),
                     "completion_height": .integer(Int64(clamping: e.completionHeight)),
                     "initial_amount": .string(String(e.initialAmount)), "balance": .string(String(e.balance))]
                })
            }
            return [
                "delegator": .string(delegator.checksummed),
                "unbonding": .array(try Staking.unbondings(of: delegator, &view).map {
                    ["validator": .string($0.validator.checksummed), "entries": entries($0.entries)]
                }),
                "redelegations": .array(try Staking.redelegations(of: delegator, &view).map {
                    ["source": .string($0.source.checksummed), "destination": .string($0.destination.checksummed),
                     "entries": entries($0.entries)]
                }),
            ]
        })

    static func form(_ consensus: Address, _ v: ValidatorRecord, active: [Validator]) -> JSONValue {
        let power = active.first { $0.address == consensus }?.power
        return [
            "address": .string(consensus.checksummed),
            "operator": .string(v.operatorAddress.checksummed),
            "tokens": .string(String(v.tokens)),
            "total_shares": .string(String(v.totalShares)),
            "commission_ppm": .integer(Int64(clamping: v.commission)),
            "jailed": .bool(v.jailed),
            "jailed_until": .integer(Int64(clamping: v.jailedUntil)),
            "tombstoned": .bool(v.tombstoned),
            "active": .bool(power != nil),
            "power": .integer(Int64(clamping: power ?? 0)),
            "created_height": .integer(Int64(clamping: v.createdHeight)),
        ]
    }
}
