import CairnCore
import CairnCrypto
import CairnRPC
import CairnState
import CairnStorage

/// The staking JSON-RPC methods (Specs/rpc.md): validators, delegations, unbonding. Each answer
/// reads one LevelDB snapshot, so its parts belong to the same committed height.
struct StakingRPC: Sendable {
    let chain: NodeChain

    func register(in registry: inout RPCRegistry) throws {
        let address = RPCSchemas.address
        try registry.register(RPCMethod(
            name: "staking_getValidator",
            summary: "A validator by consensus address: operator, bonded tokens, shares, commission, jail and tombstone state, voting power, downtime counters.",
            params: [RPCParamSpec(name: "validator", required: true, schema: address, description: "Consensus address.")],
            result: RPCResultSpec(name: "validator", schema: RPCSchemas.stakingValidator),
            errors: [RPCErrorSpec(.notFound, "no validator with that consensus address")],
            handler: { params in try validator(params) }))
        try registry.register(RPCMethod(
            name: "staking_getValidators",
            summary: "Every validator candidate with its bonded tokens and whether it is in the active set, and the staking totals.",
            result: RPCResultSpec(name: "validators", schema: RPCSchemas.stakingValidators),
            handler: { _ in try validators() }))
        try registry.register(RPCMethod(
            name: "staking_getDelegations",
            summary: "A delegator's delegations: shares, their current value and rewards not yet paid.",
            params: [RPCParamSpec(name: "delegator", required: true, schema: address, description: "Delegator account.")],
            result: RPCResultSpec(name: "delegations", schema: RPCSchemas.stakingDelegations),
            handler: { params in try delegations(params) }))
        try registry.register(RPCMethod(
            name: "staking_getUnbonding",
            summary: "A delegator's unbonding entries (paid out at their completion height) and redelegations still slashable for their source.",
            params: [RPCParamSpec(name: "delegator", required: true, schema: address, description: "Delegator account.")],
            result: RPCResultSpec(name: "unbonding", schema: RPCSchemas.stakingUnbonding),
            handler: { params in try unbonding(params) }))
    }

    /// Committed state at one snapshot, read through the staking module's own accessors.
    private func read<T>(_ body: (inout StateOverlay, UInt64) throws -> T) throws -> T {
        let snapshot = try chain.database.snapshot()
        guard let tip = try chain.database.tip(snapshot: snapshot) else { throw RPCError.unavailable("no chain yet") }
        var overlay = StateOverlay(base: SnapshotState(database: chain.database, snapshot: snapshot))
        return try body(&overlay, tip.height)
    }

    func validator(_ params: RPCParams) throws -> JSONValue {
        let consensus = try ChainRPC.address(params, "validator", 0)
        return try read { state, height in
            guard let record = try Staking.validator(consensus, &state) else {
                throw RPCError.notFound("no validator \(consensus.checksummed)")
            }
            let active = try Staking.activeSet(&state)
            guard case .object(var o) = Self.form(consensus, record, active: active) else { return .null }
            let signing = try Staking.signingInfo(consensus, &state)
            o["missed_blocks"] = JSONForms.int(signing.missedCount)
            o["height"] = JSONForms.int(height)
            return .object(o)
        }
    }

    func validators() throws -> JSONValue {
        try read { state, height in
            let active = try Staking.activeSet(&state)
            let globals = try Staking.globals(&state)
            return [
                "height": JSONForms.int(height),
                "validators": .array(try Staking.validators(&state).map { Self.form($0.address, $0.record, active: active) }),
                "active_set": .array(active.map { ["address": .string($0.address.checksummed), "power": JSONForms.int($0.power)] }),
                "reward_pot": JSONForms.amount(globals.rewardPot),
                "emitted": JSONForms.amount(globals.emitted),
                "burned": JSONForms.amount(globals.burned),
            ]
        }
    }

    func delegations(_ params: RPCParams) throws -> JSONValue {
        let delegator = try ChainRPC.address(params, "delegator", 0)
        return try read { state, height in
            [
                "delegator": .string(delegator.checksummed),
                "height": JSONForms.int(height),
                "delegations": .array(try Staking.delegations(of: delegator, &state).map { d in
                    [
                        "validator": .string(d.validator.checksummed),
                        "shares": .string(String(d.shares)),
                        "tokens": JSONForms.amount(d.tokens),
                        "pending_rewards": JSONForms.amount(d.pendingRewards),
                    ]
                }),
            ]
        }
    }

    func unbonding(_ params: RPCParams) throws -> JSONValue {
        let delegator = try ChainRPC.address(params, "delegator", 0)
        func entries(_ list: [PendingEntry]) -> JSONValue {
            .array(list.map { e in
                [
                    "creation_height": JSONForms.int(e.creationHeight),
                    "completion_height": JSONForms.int(e.completionHeight),
                    "initial_amount": JSONForms.amount(e.initialAmount),
                    "balance": JSONForms.amount(e.balance),
                ]
            })
        }
        return try read { state, height in
            [
                "delegator": .string(delegator.checksummed),
                "height": JSONForms.int(height),
                "unbonding": .array(try Staking.unbondings(of: delegator, &state).map {
                    ["validator": .string($0.validator.checksummed), "entries": entries($0.entries)]
                }),
                "redelegations": .array(try Staking.redelegations(of: delegator, &state).map {
                    ["source": .string($0.source.checksummed), "destination": .string($0.destination.checksummed),
                     "entries": entries($0.entries)]
                }),
            ]
        }
    }

    static func form(_ consensus: Address, _ v: ValidatorRecord, active: [Validator]) -> JSONValue {
        let power = active.first { $0.address == consensus }?.power
        return [
            "address": .string(consensus.checksummed),
            "operator": .string(v.operatorAddress.checksummed),
            "tokens": JSONForms.amount(v.tokens),
            "total_shares": .string(String(v.totalShares)),
            "commission_ppm": JSONForms.int(v.commission),
            "jailed": .bool(v.jailed),
            "jailed_until": JSONForms.int(v.jailedUntil),
            "tombstoned": .bool(v.tombstoned),
            "active": .bool(power != nil),
            "power": power.map(JSONForms.int) ?? .integer(0),
            "created_height": JSONForms.int(v.createdHeight),
        ]
    }
}

/// Committed state as of one LevelDB snapshot.
struct SnapshotState: StateReader {
    let database: ChainDatabase
    let snapshot: LevelDB.Snapshot

    func value(at key: StateKey) throws -> [UInt8]? { try database.entry(key, snapshot: snapshot) }
    func account(_ address: Address) throws -> Account { try database.account(address, snapshot: snapshot) }
}
