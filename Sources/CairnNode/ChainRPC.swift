import CairnCore
import CairnCrypto
import CairnMempool
import CairnRPC
import CairnState
import CairnStorage

/// The chain's JSON-RPC methods (Specs/rpc.md), registered on a registry.
struct ChainRPC: Sendable {
    let chain: NodeChain
    let mempool: Mempool
    let validator: Address?
    /// Admits a transaction and hands it to peers.
    let submit: @Sendable ([UInt8]) async throws(MempoolError) -> Hash32
    /// Whether the node knows it is behind its peers.
    let syncing: @Sendable () async -> Bool
    /// Whether the validator can sign now (nil for a node that is not a validator).
    let signing: SigningHealth?

    func register(in registry: inout RPCRegistry) throws {
        try registry.register(RPCMethod(
            name: "node_status", summary: "Chain id, latest block, protocol version, whether the node is syncing and whether its validator can sign.",
            result: RPCResultSpec(name: "status", schema: RPCSchemas.nodeStatus),
            handler: { _ in try await status() }))
        try registry.register(RPCMethod(
            name: "chain_getBlock",
            summary: "A block by height or id (\"latest\" for the tip), with its commit; transaction ids, or full transactions when full is true.",
            params: [
                RPCParamSpec(name: "block", required: true,
                             schema: RPCSchemas.blockSelector,
                             description: "Height, block id, or \"latest\"."),
                RPCParamSpec(name: "full", required: false, schema: ["type": "boolean"],
                             description: "Include full transactions (default false)."),
            ],
            result: RPCResultSpec(name: "block", schema: RPCSchemas.block(chain.executor.runtime.latest)),
            errors: [RPCErrorSpec(.notFound, "no block at that height or with that id")],
            handler: { params in try block(params) }))
        try registry.register(RPCMethod(
            name: "chain_getTransaction",
            summary: "A transaction by id and its status: pending, committed (height, index, block id, result) or unknown.",
            params: [RPCParamSpec(name: "id", required: true, schema: RPCSchemas.hashInput, description: "Transaction id.")],
            result: RPCResultSpec(name: "transaction", schema: RPCSchemas.transactionStatus(chain.executor.runtime.latest)),
            handler: { params in try await transaction(params) }))
        try registry.register(RPCMethod(
            name: "state_getAccount",
            summary: "Balance and nonce of an address at the latest height, and the next nonce counting pending transactions.",
            params: [RPCParamSpec(name: "address", required: true, schema: RPCSchemas.address, description: "Account address.")],
            result: RPCResultSpec(name: "account", schema: RPCSchemas.account),
            handler: { params in try await account(params) }))
        try registry.register(RPCMethod(
            name: "state_getProof",
            summary: "A sparse Merkle proof of an account (inclusion) or of its absence (exclusion) against the state root of a height.",
            params: [
                RPCParamSpec(name: "address", required: true, schema: RPCSchemas.address, description: "Account address."),
                RPCParamSpec(name: "height", required: false, schema: RPCSchemas.height, description: "Height (default: latest)."),
            ],
            result: RPCResultSpec(name: "proof", schema: RPCSchemas.proof),
            errors: [RPCErrorSpec(.unavailable, "the height is above the chain's tip")],
            handler: { params in try proof(params) }))
        try registry.register(RPCMethod(
            name: "chain_getBlockResults",
            summary: "What a committed block's execution produced: the events of its begin and end steps, and each transaction's fee and events.",
            params: [RPCParamSpec(name: "height", required: true, schema: RPCSchemas.blockHeight,
                                  description: "A committed height.")],
            result: RPCResultSpec(name: "results", schema: RPCSchemas.blockResults),
            errors: [RPCErrorSpec(.notFound, "no block at that height")],
            handler: { params in try blockResults(params) }))
        try registry.register(RPCMethod(
            name: "state_getParams",
            summary: "The parameters records in state (every module's and the runtime's consensus and emission parameters), or one owner's, at the latest height or a given one, with the chain-version record.",
            params: [
                RPCParamSpec(name: "module", required: false, schema: ["type": "string"],
                             description: "One owner: consensus, emission, or a module name (default: all)."),
                RPCParamSpec(name: "height", required: false, schema: RPCSchemas.height, description: "Height (default: latest)."),
            ],
            result: RPCResultSpec(name: "params", schema: RPCSchemas.parameters(chain.executor.runtime.latest)),
            errors: [RPCErrorSpec(.unavailable, "the height is above the chain's tip")],
            handler: { params in try parameters(params) }))
        try registry.register(RPCMethod(
            name: "state_getModuleAccounts",
            summary: "The module accounts (fee collector, emission pools) with their addresses and balances at the latest height.",
            result: RPCResultSpec(name: "accounts", schema: RPCSchemas.moduleAccounts),
            handler: { _ in try moduleAccounts() }))
        try registry.register(RPCMethod(
            name: "tx_send",
            summary: "Submits a signed transaction (0x-hex canonical encoding); returns its id once the mempool has admitted it.",
            params: [RPCParamSpec(name: "tx", required: true, schema: RPCSchemas.transactionInput,
                                  description: "The signed transaction's canonical encoding.")],
            result: RPCResultSpec(name: "id", schema: RPCSchemas.transactionID),
            errors: [RPCErrorSpec(.transactionRejected, "the transaction was rejected; data.reason says why")],
            handler: { params in try await send(params) }))
    }

    // MARK: Handlers

    func status() async throws -> JSONValue {
        let tip = try chain.tip()
        let time = try chain.blockTime(height: tip.height)
        var o: [String: JSONValue] = [
            "chain_id": .string(chain.genesis.chainID),
            "genesis_hash": .string(chain.genesisHash.hex),
            "latest_height": JSONForms.int(tip.height),
            "latest_block_id": .string(tip.blockID.hex),
            "latest_block_time": JSONForms.int(time),
            "latest_block_time_iso": .string(JSONForms.isoTime(milliseconds: time)),
            "latest_state_root": .string(tip.stateRoot.hex),
            "protocol_version": JSONForms.int(try chain.protocolVersion()),
            "syncing": .bool(await syncing()),
        ]
        o["validator"] = validator.map { .string($0.checksummed) } ?? .null
        o["signing"] = signing.map { health -> JSONValue in
            guard let failure = health.failure else { return ["status": "ok"] }
            return ["status": "failing", "error": .string(failure.reason), "attempts": JSONForms.int(UInt64(failure.attempts))]
        } ?? .null
        return .object(o)
    }

    func block(_ params: RPCParams) throws -> JSONValue {
        let full = try params.optionalBool("full", at: 1) ?? false
        guard let selector = params.value("block", at: 0) else { throw RPCError.invalidParams("missing required parameter 'block'") }
        let block: Block
        switch selector {
        case .integer(let h) where h >= 0:
            block = try self.block(height: UInt64(h))
        case .string("latest"):
            block = try self.block(height: try chain.tip().height)
        case .string(let text):
            let id: Hash32
            do { id = try Hash32(hex: text) } catch {
                throw RPCError.invalidParams("parameter 'block': \(error); expected a height, a 0x-hex block id or \"latest\"")
            }
            guard let found = try chain.database.block(id: id) else { throw RPCError.notFound("no block with id \(id.hex)") }
            block = found
        default:
            throw RPCError.invalidParams("parameter 'block': expected a non-negative height, a 0x-hex block id or \"latest\"")
        }
        let ids = block.transactions.map(\.id)
        let rules = rules(version: block.header.protocolVersion)
        var o: [String: JSONValue] = [
            "id": .string(block.id.hex),
            "header": JSONForms.header(block.header),
            "size": JSONForms.int(UInt64(block.canonicalBytes.count)),
            "transaction_count": JSONForms.int(UInt64(block.transactions.count)),
        ]
        if full {
            let senders = try chain.database.senders(height: block.header.height) ?? []
            o["transactions"] = .array(block.transactions.indices.map { i in
                JSONForms.transaction(block.transactions[i], id: ids[i], sender: senders.indices.contains(i) ? senders[i] : nil,
                                      rules: rules)
            })
        } else {
            o["transactions"] = .array(ids.map { .string($0.hex) })
        }
        o["commit"] = try chain.database.commit(height: block.header.height).map(JSONForms.commit) ?? .null
        o["last_commit"] = block.lastCommit.map(JSONForms.commit) ?? .null
        o["evidence"] = .array(block.evidence.map(JSONForms.evidence))
        o["attestations"] = .array(block.attestations.map { a in
            ["id": .string(a.id.hex), "tag": JSONForms.int(a.tag), "raw": .string(Hex.prefixed(a.canonicalBytes))]
        })
        return .object(o)
    }

    /// The block at `height`, or a not-found error that says which height and where the chain is.
    private func block(height: UInt64) throws -> Block {
        if let found = try chain.database.block(height: height) { return found }
        let latest = try chain.tip().height
        let tip = latest == 0 ? "no block has been committed yet" : "the latest is \(latest)"
        switch height {
        case 0: throw RPCError.notFound("no block at height 0 (the genesis state, not a block); \(tip)")
        case ...latest: throw RPCError.notFound("no block at height \(height) in this node's store; \(tip)")
        default: throw RPCError.notFound("no block at height \(height); \(tip)")
        }
    }

    func transaction(_ params: RPCParams) async throws -> JSONValue {
        let id = try hash(params, "id", 0)
        if let location = try chain.database.transactionLocation(id: id),
           let block = try chain.database.block(height: location.height),
           Int(location.index) < block.transactions.count {
            let tx = block.transactions[Int(location.index)]
            let senders = try chain.database.senders(height: location.height) ?? []
            let sender = senders.indices.contains(Int(location.index)) ? senders[Int(location.index)] : nil
            return [
                "id": .string(id.hex),
                "status": "committed",
                "height": JSONForms.int(location.height),
                "index": JSONForms.int(location.index),
                "block_id": .string(block.id.hex),
                "result": JSONForms.result(location.result),
                "transaction": JSONForms.transaction(tx, id: id, sender: sender, rules: rules(version: block.header.protocolVersion)),
            ]
        }
        if let pending = await mempool.transaction(id) {
            return [
                "id": .string(id.hex),
                "status": "pending",
                "transaction": JSONForms.transaction(pending.transaction, id: id, sender: pending.sender,
                                                     rules: await mempool.rules.ruleSet),
            ]
        }
        if let dropped = await mempool.droppedReason(id) {
            return ["id": .string(id.hex), "status": "dropped", "reason": .string(dropped.reason),
                    "message": .string(dropped.message), "height": JSONForms.int(dropped.height)]
        }
        return ["id": .string(id.hex), "status": "unknown"]
    }

    /// The rule set a block of `version` ran under (the latest when this binary has none for it).
    private func rules(version: UInt64) -> RuleSet {
        chain.executor.runtime.ruleSet(version: version) ?? chain.executor.runtime.latest
    }

    func blockResults(_ params: RPCParams) throws -> JSONValue {
        let height = try params.uint64("height", at: 0)
        let block = try self.block(height: height)
        guard let results = try chain.database.blockResults(height: height) else {
            throw RPCError.notFound("no results stored for height \(height)")
        }
        var transactions: [JSONValue] = []
        for tx in block.transactions {
            let id = tx.id
            // A committed block's transactions are all indexed with it: a missing entry is local corruption.
            guard let location = try chain.database.transactionLocation(id: id) else {
                throw StorageError.corrupt(what: "index entry of transaction \(id.hex)", reason: "missing for block \(height)")
            }
            guard case .object(var o) = JSONForms.result(location.result) else { continue }
            o["id"] = .string(id.hex)
            transactions.append(.object(o))
        }
        return [
            "height": JSONForms.int(height),
            "block_id": .string(block.id.hex),
            "begin_block_events": .array(results.beginEvents.map(\.json)),
            "transactions": .array(transactions),
            "attestations": .array(zip(block.attestations, results.attestations).map { attestation, result in
                ["id": .string(attestation.id.hex), "events": .array(result.events.map(\.json))]
            }),
            "end_block_events": .array(results.endEvents.map(\.json)),
        ]
    }

    /// Parameters records at the latest height, or at `height` (read through its state root).
    func parameters(_ params: RPCParams) throws -> JSONValue {
        let module = try params.optionalString("module", at: 0)
        let snapshot = try chain.database.snapshot()
        guard let tip = try chain.database.tip(snapshot: snapshot) else { throw RPCError.unavailable("no chain yet") }
        let height = try params.optionalUInt64("height", at: 1) ?? tip.height
        guard height <= tip.height else {
            throw RPCError.unavailable("height \(height) is above the tip \(tip.height)", data: ["latest_height": JSONForms.int(tip.height)])
        }
        let reader: any StateReader
        if height == tip.height {
            reader = SnapshotState(database: chain.database, snapshot: snapshot)
        } else {
            guard let root = try chain.database.stateRoot(height: height) else {
                throw RPCError.unavailable("no state root stored for height \(height)")
            }
            reader = HistoricalState(database: chain.database, root: root)
        }
        let view = StateView(reader)
        var state = StateOverlay(base: reader)
        // The records of the version in force at that height (a module an upgrade adds has none before it).
        let rules = rules(version: try Runtime.chainVersion(&state).version)
        if let module, !rules.parameterOwners.contains(module) {
            throw RPCError.invalidParams("parameter 'module': no module or runtime record is named '\(module)' (known: \(rules.parameterOwners.joined(separator: ", ")))")
        }
        let records = try rules.parametersJSON(view, owners: module.map { [$0] })
        return [
            "height": JSONForms.int(height),
            "params": .object(Dictionary(uniqueKeysWithValues: records.map { ($0.owner, $0.json) })),
            "chain_version": try view.get(ChainVersion.self, ChainVersion.key)?.json ?? .null,
        ]
    }

    func moduleAccounts() throws -> JSONValue {
        let snapshot = try chain.database.snapshot()
        guard let tip = try chain.database.tip(snapshot: snapshot) else { throw RPCError.unavailable("no chain yet") }
        let reader = SnapshotState(database: chain.database, snapshot: snapshot)
        let view = StateView(reader)
        var state = StateOverlay(base: reader)
        let rules = try chain.executor.runtime.ruleSet(at: tip.height + 1, &state)
        return [
            "height": JSONForms.int(tip.height),
            "accounts": .array(try rules.moduleAccounts.map { name in
                let address = ModuleAccount.address(name)
                return ["name": .string(name), "address": .string(address.checksummed),
                        "balance": JSONForms.amount(try view.account(address).balance)]
            }),
        ]
    }

    func account(_ params: RPCParams) async throws -> JSONValue {
        let address = try Self.address(params, "address", 0)
        // One snapshot, so the balance and nonce are exactly those of the height reported.
        let snapshot = try chain.database.snapshot()
        guard let tip = try chain.database.tip(snapshot: snapshot) else { throw RPCError.unavailable("no chain yet") }
        let account = try chain.database.account(address, snapshot: snapshot)
        let next = await mempool.nextNonce(for: address, accountNonce: account.nonce)
        guard case .object(var o) = JSONForms.account(address, account) else { return .null }
        o["next_nonce"] = JSONForms.int(next)
        o["height"] = JSONForms.int(tip.height)
        return .object(o)
    }

    func proof(_ params: RPCParams) throws -> JSONValue {
        let address = try Self.address(params, "address", 0)
        let tip = try chain.tip()
        let height = try params.optionalUInt64("height", at: 1) ?? tip.height
        guard height <= tip.height else {
            throw RPCError.unavailable("height \(height) is above the tip \(tip.height)", data: ["latest_height": JSONForms.int(tip.height)])
        }
        guard let root = try chain.database.stateRoot(height: height) else {
            throw RPCError.unavailable("no state root stored for height \(height)")
        }
        let key = StateKey.account(address).treeKey
        let proof = try SparseMerkleTree(store: chain.database.treeNodes).prove(root: root, key: key)
        var account: JSONValue = .null
        var valueHash: JSONValue = .null
        if let leaf = proof.leaf, leaf.key == key {
            valueHash = .string(leaf.valueHash.hex)
            if let encoded = try chain.database.stateValue(hash: leaf.valueHash) {
                account = JSONForms.account(address, try Account(canonicalBytes: encoded))
            }
        }
        return [
            "address": .string(address.checksummed),
            "height": JSONForms.int(height),
            "state_root": .string(root.hex),
            "key": .string(key.hex),
            "account": account,
            "value_hash": valueHash,
            "proof": JSONForms.proof(proof),
        ]
    }

    func send(_ params: RPCParams) async throws -> JSONValue {
        let raw: [UInt8]
        do { raw = try Hex.decode(try params.string("tx", at: 0)) } catch let e as RPCError { throw e } catch {
            throw RPCError.invalidParams("parameter 'tx': \(error)")
        }
        do {
            let id = try await submit(raw)
            return .string(id.hex)
        } catch {
            throw RPCError.transactionRejected("\(error)", data: ["reason": .string(error.reasonCode)])
        }
    }

    // MARK: Params

    private func hash(_ params: RPCParams, _ name: String, _ position: Int) throws -> Hash32 {
        do { return try Hash32(hex: try params.string(name, at: position)) } catch let e as RPCError { throw e } catch {
            throw RPCError.invalidParams("parameter '\(name)': \(error)")
        }
    }

    static func address(_ params: RPCParams, _ name: String, _ position: Int) throws -> Address {
        do { return try Address(hex: try params.string(name, at: position)) } catch let e as RPCError { throw e } catch {
            throw RPCError.invalidParams("parameter '\(name)': \(error)")
        }
    }
}
