import CairnCore
import CairnCrypto
import CairnRPC
import CairnState
import CairnStorage

/// `rewards_*` (Specs/rpc.md): what the proof pools paid, per epoch and per device, from the
/// common settlement's records (Specs/runtime.md §8.2), a device's lines each with its sparse
/// Merkle proof against the state root of the height read.
struct RewardsRPC: Sendable {
    let chain: NodeChain

    static let poolSchema = RPCSchemas.object([
        "pool": ["type": "string"], "settled": RPCSchemas.boolean, "work": RPCSchemas.nullable(RPCSchemas.amount),
        "unit": RPCSchemas.nullable(["type": "string"]), "balance": RPCSchemas.nullable(RPCSchemas.amount),
        "paid": RPCSchemas.nullable(RPCSchemas.amount), "carried": RPCSchemas.nullable(RPCSchemas.amount),
        "devices_paid": RPCSchemas.nullable(RPCSchemas.uint), "settled_at": RPCSchemas.nullable(RPCSchemas.height),
        "pool_balance": RPCSchemas.amount,
    ])

    static let lineSchema = RPCSchemas.object([
        "epoch": RPCSchemas.uint, "pool": ["type": "string"], "owner": RPCSchemas.address, "amount": RPCSchemas.amount,
        "work": RPCSchemas.amount, "key": RPCSchemas.hash, "value_hash": RPCSchemas.hash,
        "proof": RPCSchemas.object(["siblings": RPCSchemas.array(of: RPCSchemas.hash),
                                    "leaf": RPCSchemas.nullable(RPCSchemas.object(["key": RPCSchemas.hash, "value_hash": RPCSchemas.hash]))]),
    ])

    func register(in registry: inout RPCRegistry) throws {
        try registry.register(RPCMethod(
            name: "rewards_getEpoch",
            summary: "What each emission pool did in a reward epoch: for a pool settled by the common settlement, the work it counted (in its unit), the balance it split, what it paid to how many devices and what it carried into the next epoch; for staking_rewards, which pays the signers of the previous commit every block, settled is false and work (the signing power paid, summed over the epoch's blocks) and paid are summed from the node's index of each block's payment. Every pool's current balance is given.",
            params: [RPCParamSpec(name: "epoch", required: true, schema: RPCSchemas.uint, description: "Reward epoch number.")],
            result: RPCResultSpec(name: "epoch", schema: RPCSchemas.object([
                "epoch": RPCSchemas.uint, "height": RPCSchemas.height, "pools": RPCSchemas.array(of: Self.poolSchema),
            ])),
            handler: { params in try epoch(params) }))
        try registry.register(RPCMethod(
            name: "rewards_getDevice",
            summary: "A page of what a device earned from the proof pools, oldest epoch first: per epoch and pool the owner paid, the amount and the work counted, each line with its state key, value hash and sparse Merkle proof against the state root of the height read.",
            params: [RPCParamSpec(name: "device", required: true, schema: RPCSchemas.address, description: "Device id."),
                     RPCParamSpec(name: "cursor", required: false, schema: RPCSchemas.nullable(RPCSchemas.string(pattern: "^0x([0-9a-fA-F]{2})+$")),
                                  description: "The 'next' of the previous page."),
                     RPCParamSpec(name: "limit", required: false, schema: RPCSchemas.nullable(["type": "integer", "minimum": 1, "maximum": 100]),
                                  description: "Lines on the page (default and most: 100; each carries a proof).")],
            result: RPCResultSpec(name: "rewards", schema: RPCSchemas.object([
                "device": RPCSchemas.address, "height": RPCSchemas.height, "state_root": RPCSchemas.hash,
                "rewards": RPCSchemas.array(of: Self.lineSchema), "next": RPCSchemas.nullable(["type": "string"]),
            ])),
            handler: { params in try device(params) }))
    }

    func epoch(_ params: RPCParams) throws -> JSONValue {
        let epoch = try params.uint64("epoch", at: 0)
        let snapshot = try chain.database.snapshot()
        guard let tip = try chain.database.tip(snapshot: snapshot) else { throw RPCError.unavailable("no chain yet") }
        let view = chain.view(snapshot: snapshot)
        let pools: [JSONValue] = try chain.executor.runtime.latest.pools.map { pool in
            let balance = try view.account(ModuleAccount.address(pool)).balance
            var o: [String: JSONValue] = ["pool": .string(pool), "settled": false, "work": .null, "unit": .null, "balance": .null,
                                          "paid": .null, "carried": .null, "devices_paid": .null, "settled_at": .null,
                                          "pool_balance": .string(String(balance))]
            if let r = try view.get(EpochPoolRecord.self, EpochRewards.poolKey(epoch: epoch, pool: pool)) {
                o["settled"] = true
                o["work"] = .string(String(r.work))
                o["unit"] = .string(r.unit)
                o["balance"] = .string(String(r.balance))
                o["paid"] = .string(String(r.paid))
                o["carried"] = .string(String(r.carried))
                o["devices_paid"] = JSONForms.int(r.devices)
                o["settled_at"] = JSONForms.int(r.settledAt)
            } else if pool == Staking.rewardPoolName {
                let (paid, power) = try blockRewards(epoch: epoch, snapshot: snapshot)
                o["work"] = .string(String(power))
                o["unit"] = "signed_power_blocks"
                o["paid"] = .string(String(paid))
            }
            return .object(o)
        }
        return ["epoch": JSONForms.int(epoch), "height": JSONForms.int(tip.height), "pools": .array(pools)]
    }

    /// What staking paid over the epoch's blocks and the signing power it paid, from the node
    /// index (one entry per block that paid), read a page at a time.
    private func blockRewards(epoch: UInt64, snapshot: LevelDB.Snapshot) throws -> (paid: Amount, power: UInt128) {
        let pageSize = 4_096
        var paid: Amount = 0, power: UInt128 = 0
        var from: [UInt8]?
        while true {
            let page = try chain.database.indexEntries(namespace: StateKey.StakingNamespace.blockRewards, prefix: epoch.bigEndianBytes,
                                                       from: from, limit: pageSize, snapshot: snapshot)
            for entry in page {
                let block = try BlockRewards(canonicalBytes: entry.value)
                paid += block.paid
                power += block.signedPower
            }
            guard page.count == pageSize, let last = page.last else { return (paid, power) }
            from = last.key + [0]
        }
    }

    func device(_ params: RPCParams) throws -> JSONValue {
        let device = try ChainRPC.address(params, "device", 0)
        let limit = Int(try params.optionalUInt64("limit", at: 2) ?? 100)
        guard (1...100).contains(limit) else { throw RPCError.invalidParams("parameter 'limit' must be 1 to 100") }
        var from: [UInt8]?
        if let cursor = try params.optionalString("cursor", at: 1) {
            guard let bytes = try? Hex.decode(cursor), !bytes.isEmpty, bytes.count <= 256 else {
                throw RPCError.invalidParams("parameter 'cursor' must be the 0x-hex 'next' of the previous page")
            }
            from = bytes
        }
        let snapshot = try chain.database.snapshot()
        guard let tip = try chain.database.tip(snapshot: snapshot) else { throw RPCError.unavailable("no chain yet") }
        guard let root = try chain.database.stateRoot(height: tip.height) else {
            throw RPCError.unavailable("no state root stored for height \(tip.height)")
        }
        let entries = try chain.database.stateEntries(namespace: EpochRewards.deviceNamespace, prefix: device.bytes, from: from,
                                                      limit: limit, snapshot: snapshot)
        let tree = SparseMerkleTree(store: chain.database.treeNodes)
        let lines: [JSONValue] = try entries.map { entry in
            let reward = try DeviceEpochReward(canonicalBytes: entry.value)
            let key = StateKey(namespace: EpochRewards.deviceNamespace, key: entry.key)
            let epoch = UInt64(bigEndianBytes: entry.key[20..<28]) ?? 0
            return ["epoch": JSONForms.int(epoch), "pool": .string(String(decoding: entry.key[28...], as: UTF8.self)),
                    "owner": .string(reward.owner.checksummed), "amount": .string(String(reward.amount)),
                    "work": .string(String(reward.work)), "key": .string(key.treeKey.hex),
                    "value_hash": .string(StateKey.valueHash(encoded: entry.value).hex),
                    "proof": JSONForms.proof(try tree.prove(root: root, key: key.treeKey))]
        }
        return ["device": .string(device.checksummed), "height": JSONForms.int(tip.height), "state_root": .string(root.hex),
                "rewards": .array(lines), "next": entries.count == limit ? .string(Hex.prefixed(entries.last!.key + [0])) : .null]
    }
}
