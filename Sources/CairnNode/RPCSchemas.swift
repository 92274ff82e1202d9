import CairnCore
import CairnRPC
import CairnState

/// The JSON Schemas (a draft 2020-12 subset: `type`, `properties`, `required`,
/// `additionalProperties`, `items`, `pattern`, `enum`, `const`, `oneOf`, `minimum`) of the
/// JSON-RPC parameters and results, as the OpenRPC document publishes them (Specs/rpc.md,
/// Specs/openrpc.json).
///
/// Every result object lists each field its handler writes (JSONForms and the RPC handlers),
/// requires all of them (a field without a value is `null`, never absent) and allows no others.
/// RPCSchemaTests calls every method of `rpc_discover` and checks its live answer against these.
enum RPCSchemas {
    // MARK: Building blocks

    /// An object with exactly these fields, all required.
    static func object(_ properties: [String: JSONValue]) -> JSONValue {
        [
            "type": "object",
            "properties": .object(properties),
            "required": .array(properties.keys.sorted().map { .string($0) }),
            "additionalProperties": false,
        ]
    }

    static func array(of items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    /// `schema` or JSON `null`: a second type where the schema has one, else a `oneOf`.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        if case .object(var o) = schema, case .string(let type)? = o["type"] {
            o["type"] = [.string(type), "null"]
            return .object(o)
        }
        return ["oneOf": [schema, ["type": "null"]]]
    }

    static func string(pattern: String) -> JSONValue { ["type": "string", "pattern": .string(pattern)] }

    static func strings(_ values: String...) -> JSONValue { ["type": "string", "enum": .array(values.map { .string($0) })] }

    // MARK: Values (Specs/rpc.md, "Value conventions")

    /// A 32-byte hash or id as the node writes it: lower-case hex.
    static let hash = string(pattern: "^0x[0-9a-f]{64}$")
    /// A 32-byte hash or id as the node reads it: hex digits of either case.
    static let hashInput = string(pattern: "^0x[0-9a-fA-F]{64}$")
    /// An address: EIP-55 in results; in parameters all lower, all upper or exact EIP-55 case.
    static let address = string(pattern: "^0x[0-9a-fA-F]{40}$")
    /// An amount (or a share count): decimal base units, no sign, no leading zero.
    static let amount = string(pattern: "^(0|[1-9][0-9]*)$")
    /// A 65-byte r ‖ s ‖ v signature.
    static let signature = string(pattern: "^0x[0-9a-f]{130}$")
    static let chainID = string(pattern: "^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$")
    /// Heights (0 = the genesis state), nonces, counts, rounds, powers, milliseconds.
    static let uint: JSONValue = ["type": "integer", "minimum": 0]
    static let height = uint
    /// The height of a block: the first block is height 1 (0 is the genesis state).
    static let blockHeight: JSONValue = ["type": "integer", "minimum": 1]
    static let boolean: JSONValue = ["type": "boolean"]
    /// RFC 3339 UTC with milliseconds (`latest_block_time_iso`).
    static let isoTimeMilliseconds = string(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")
    /// RFC 3339 UTC in whole seconds (`connected_since`).
    static let isoTimeSeconds = string(pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
    /// A P2P node id: 40 lower-case hex digits, no 0x (Specs/p2p.md).
    static let nodeID = string(pattern: "^[0-9a-f]{40}$")

    // MARK: Parameters

    /// `chain_getBlock`'s `block`: a height, a block id, or "latest".
    static let blockSelector: JSONValue = ["oneOf": [blockHeight, hashInput, ["const": "latest"]]]
    /// A signed transaction's canonical encoding (`tx_send`).
    static let transactionInput = string(pattern: "^0x([0-9a-fA-F]{2})+$")

    // MARK: Chain objects (Specs/rpc.md, "Objects")

    static let header = object([
        "chain_id": chainID,
        "height": blockHeight,
        "time": uint,
        "previous_block_id": hash,
        "transactions_root": hash,
        "attestations_root": hash,
        "state_root": hash,
        "validators_hash": hash,
        "next_validators_hash": hash,
        "last_commit_hash": hash,
        "evidence_root": hash,
        "proposer": address,
        "proposer_key": string(pattern: "^0x0[23][0-9a-f]{64}$"),
        "seed": hash,
        "seed_proof": string(pattern: "^0x[0-9a-f]{162}$"),
        "protocol_version": uint,
    ])

    /// A transaction's operation, by `type`: each module's forms (its Specs page), and the form
    /// of an operation no module of the version decodes.
    static func operation(_ rules: RuleSet) -> JSONValue {
        ["oneOf": .array(rules.operationSchemas + [
            object(["type": ["const": "unknown"], "tag": uint, "body": string(pattern: "^0x([0-9a-f]{2})*$")]),
        ])]
    }

    static func transaction(_ rules: RuleSet) -> JSONValue {
        object([
        "id": hash,
        "chain_id": chainID,
        "nonce": uint,
        "fee": amount,
        "operation": operation(rules),
        "signature": signature,
        "raw": string(pattern: "^0x([0-9a-f]{2})+$"),
        "sender": nullable(address),
        ])
    }

    /// An event (Specs/runtime.md §7).
    static let event = object([
        "module": ["type": "string"],
        "kind": ["type": "string"],
        "attributes": array(of: object(["key": ["type": "string"], "value": ["type": "string"]])),
    ])

    /// What a committed transaction did.
    static let transactionResult = object(["success": ["const": true], "fee_paid": amount, "events": array(of: event)])

    static let commit = object([
        "height": blockHeight,
        "round": uint,
        "block_id": hash,
        "signatures": array(of: object(["validator": address, "signature": signature])),
    ])

    static let vote = object([
        "type": strings("prevote", "precommit"),
        "height": blockHeight,
        "round": uint,
        "block_id": nullable(hash),
        "validator": address,
        "signature": signature,
    ])

    static let evidence = object([
        "id": hash,
        "type": ["const": "duplicate_vote"],
        "validator": address,
        "height": blockHeight,
        "votes": array(of: vote),
    ])

    static let accountFields: [String: JSONValue] = ["address": address, "balance": amount, "nonce": uint]

    // MARK: Chain results

    static let nodeStatus = object([
        "chain_id": chainID,
        "genesis_hash": hash,
        "latest_height": height,
        "latest_block_id": hash,
        "latest_block_time": uint,
        "latest_block_time_iso": isoTimeMilliseconds,
        "latest_state_root": hash,
        "protocol_version": uint,
        "syncing": boolean,
        "validator": nullable(address),
        "signing": ["oneOf": [
            ["type": "null"],
            object(["status": ["const": "ok"]]),
            object(["status": ["const": "failing"], "error": ["type": "string"], "attempts": uint]),
        ]],
    ])

    static func block(_ rules: RuleSet) -> JSONValue {
        object([
        "id": hash,
        "header": header,
        "size": uint,
        "transaction_count": uint,
        // Ids, or transaction objects when `full` is true.
        "transactions": array(of: ["oneOf": [hash, transaction(rules)]]),
        "commit": nullable(commit),
        "last_commit": nullable(commit),
        "evidence": array(of: evidence),
        "attestations": array(of: object(["id": hash, "tag": uint, "raw": string(pattern: "^0x([0-9a-f]{2})+$")])),
        ])
    }

    /// `chain_getTransaction`: one shape per `status`.
    static func transactionStatus(_ rules: RuleSet) -> JSONValue {
        ["oneOf": [
            object([
                "id": hash,
                "status": ["const": "committed"],
                "height": blockHeight,
                "index": uint,
                "block_id": hash,
                "result": transactionResult,
                "transaction": transaction(rules),
            ]),
            object(["id": hash, "status": ["const": "pending"], "transaction": transaction(rules)]),
            object(["id": hash, "status": ["const": "dropped"], "reason": ["type": "string"], "message": ["type": "string"],
                    "height": height]),
            object(["id": hash, "status": ["const": "unknown"]]),
        ]]
    }

    /// `chain_getBlockResults`.
    static let blockResults = object([
        "height": blockHeight,
        "block_id": hash,
        "begin_block_events": array(of: event),
        "transactions": array(of: object(["id": hash, "success": ["const": true], "fee_paid": amount, "events": array(of: event)])),
        "attestations": array(of: object(["id": hash, "events": array(of: event)])),
        "end_block_events": array(of: event),
    ])

    /// `state_getParams`: each owner's record in its JSON form (Specs/runtime.md §4 and the
    /// modules' pages give every field).
    static func parameters(_ rules: RuleSet) -> JSONValue {
        object([
        "height": height,
        // Every owner's, or the one asked for: the owners are declared, none is required.
        "params": ["type": "object", "properties": .object(rules.parameterJSONSchemas), "required": [],
                   "additionalProperties": false],
        "chain_version": object([
            "version": uint,
            "plan": nullable(object(["name": ["type": "string"], "height": blockHeight, "version": uint])),
        ]),
        ])
    }

    /// `state_getModuleAccounts`.
    static let moduleAccounts = object([
        "height": height,
        "accounts": array(of: object(["name": ["type": "string"], "address": address, "balance": amount])),
    ])

    static let account = object(accountFields.merging(["next_nonce": uint, "height": height]) { a, _ in a })

    static let proof = object([
        "address": address,
        "height": height,
        "state_root": hash,
        "key": hash,
        "account": nullable(object(accountFields)),
        "value_hash": nullable(hash),
        "proof": object([
            "siblings": array(of: hash),
            "leaf": nullable(object(["key": hash, "value_hash": hash])),
        ]),
    ])

    /// `tx_send`: the id of the admitted transaction.
    static let transactionID = hash

    // MARK: Consensus and network results

    static let consensusValidators = object([
        "height": blockHeight,
        "total_power": uint,
        "proposer": address,
        "validators": array(of: object(["address": address, "power": uint, "proposer_priority": ["type": "integer"]])),
        "next_validators_hash": hash,
    ])

    static let voteTally = object([
        "count": uint,
        "power": uint,
        "by_block": array(of: object(["block_id": nullable(hash), "count": uint, "power": uint])),
    ])

    static let consensusState = object([
        "height": blockHeight,
        "round": uint,
        "step": strings("propose", "prevote", "precommit", "decided"),
        "proposer": address,
        "locked_round": nullable(uint),
        "locked_block": nullable(hash),
        "valid_round": nullable(uint),
        "valid_block": nullable(hash),
        "total_power": uint,
        "votes": array(of: object(["round": uint, "prevotes": voteTally, "precommits": voteTally])),
        "pending_evidence": uint,
        "latest_height": height,
        "latest_block_id": hash,
    ])

    static let netPeers = array(of: object([
        "node_id": nodeID,
        "remote_address": ["type": "string"],
        "listen_address": nullable(string(pattern: "^[0-9a-f]{40}@.+:[0-9]{1,5}$")),
        "direction": strings("inbound", "outbound"),
        "persistent": boolean,
        "moniker": ["type": "string"],
        "connected_since": isoTimeSeconds,
        "score": ["type": "integer"],
        "bytes_sent": uint,
        "bytes_received": uint,
        "messages_sent": uint,
        "messages_received": uint,
    ]))

    static let netInfo = object([
        "node_id": nodeID,
        "listen_address": string(pattern: "^.+:[0-9]{1,5}$"),
        "chain_id": chainID,
        "peers": uint,
        "inbound_peers": uint,
        "outbound_peers": uint,
        "syncing": boolean,
        "sync_height": height,
        "sync_target_height": height,
        "mempool_transactions": uint,
        "mempool_bytes": uint,
    ])
}
