import CairnCore
import CairnCrypto
import CairnRPC
import CairnStorage
import Foundation

/// How chain data looks in JSON-RPC (Specs/rpc.md): bytes as 0x-hex, amounts as decimal strings
/// in base units, heights and nonces as integers, addresses EIP-55, times as milliseconds.
enum JSONForms {
    static func amount(_ a: Amount) -> JSONValue { .string(String(a)) }
    static func int(_ v: UInt64) -> JSONValue { .integer(Int64(clamping: v)) }

    static func operation(_ op: CairnCore.Operation) -> JSONValue {
        switch op {
        case .transfer(let to, let amount):
            ["type": "transfer", "to": .string(to.checksummed), "amount": JSONForms.amount(amount)]
        case .staking(let op):
            staking(op)
        }
    }

    /// Field names as in Specs/staking.md §4.
    static func staking(_ op: StakingOperation) -> JSONValue {
        switch op {
        case .createValidator(let key, let commission, let selfBond):
            ["type": "create_validator", "consensus_key": .string(key.checksummed), "commission": int(commission),
             "self_bond": amount(selfBond)]
        case .editValidator(let validator, let commission):
            ["type": "edit_validator", "validator": .string(validator.checksummed),
             "commission": commission.map(int) ?? .null]
        case .delegate(let validator, let a):
            ["type": "delegate", "validator": .string(validator.checksummed), "amount": amount(a)]
        case .undelegate(let validator, let a):
            ["type": "undelegate", "validator": .string(validator.checksummed), "amount": amount(a)]
        case .redelegate(let source, let destination, let a):
            ["type": "redelegate", "source": .string(source.checksummed), "destination": .string(destination.checksummed),
             "amount": amount(a)]
        case .unjail(let validator):
            ["type": "unjail", "validator": .string(validator.checksummed)]
        case .withdrawRewards(let validator):
            ["type": "withdraw_rewards", "validator": .string(validator.checksummed)]
        }
    }

    static func transaction(_ tx: Transaction, id: Hash32, sender: Address?) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id.hex),
            "chain_id": .string(tx.chainID),
            "nonce": int(tx.nonce),
            "fee": amount(tx.fee),
            "operation": operation(tx.operation),
            "signature": .string(Hex.prefixed(tx.signature.bytes)),
            "raw": .string(Hex.prefixed(tx.canonicalBytes)),
        ]
        o["sender"] = sender.map { .string($0.checksummed) } ?? .null
        return .object(o)
    }

    static func header(_ h: BlockHeader) -> JSONValue {
        [
            "chain_id": .string(h.chainID),
            "height": int(h.height),
            "time": int(h.time),
            "previous_block_id": .string(h.previousBlockID.hex),
            "transactions_root": .string(h.transactionsRoot.hex),
            "attestations_root": .string(h.attestationsRoot.hex),
            "state_root": .string(h.stateRoot.hex),
            "validators_hash": .string(h.validatorsHash.hex),
            "next_validators_hash": .string(h.nextValidatorsHash.hex),
            "last_commit_hash": .string(h.lastCommitHash.hex),
            "evidence_root": .string(h.evidenceRoot.hex),
            "proposer": .string(h.proposer.checksummed),
            "protocol_version": int(h.protocolVersion),
        ]
    }

    static func vote(_ v: SignedVote) -> JSONValue {
        [
            "type": .string(v.type == .prevote ? "prevote" : "precommit"),
            "height": int(v.height),
            "round": int(v.round),
            "block_id": v.blockID.map { .string($0.hex) } ?? .null,
            "validator": .string(v.validator.checksummed),
            "signature": .string(Hex.prefixed(v.signature.bytes)),
        ]
    }

    static func evidence(_ e: DuplicateVoteEvidence) -> JSONValue {
        ["id": .string(e.id.hex), "type": "duplicate_vote", "validator": .string(e.validator.checksummed),
         "height": int(e.height), "votes": .array([vote(e.first), vote(e.second)])]
    }

    static func commit(_ c: Commit) -> JSONValue {
        [
            "height": int(c.height),
            "round": int(c.round),
            "block_id": .string(c.blockID.hex),
            "signatures": .array(c.signatures.map {
                ["validator": .string($0.validator.checksummed), "signature": .string(Hex.prefixed($0.signature.bytes))]
            }),
        ]
    }

    static func account(_ address: Address, _ a: Account) -> JSONValue {
        ["address": .string(address.checksummed), "balance": amount(a.balance), "nonce": int(a.nonce)]
    }

    static func proof(_ p: SparseMerkleProof) -> JSONValue {
        [
            "siblings": .array(p.siblings.map { .string($0.hex) }),
            "leaf": p.leaf.map { ["key": .string($0.key.hex), "value_hash": .string($0.valueHash.hex)] } ?? .null,
        ]
    }

    static func isoTime(milliseconds: UInt64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

extension SparseMerkleProof {
    public struct JSONError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the `proof` object of `state_getProof` (the inverse of `JSONForms.proof`), so a
    /// client can verify it against a header's state root.
    public init(json: JSONValue) throws {
        guard let siblings = json["siblings"]?.arrayValue else { throw JSONError(description: "proof has no siblings array") }
        func hash(_ value: JSONValue?, _ field: String) throws -> Hash32 {
            guard let text = value?.stringValue else { throw JSONError(description: "proof.\(field) is not a string") }
            return try Hash32(hex: text)
        }
        var leaf: SparseMerkleLeaf?
        if let l = json["leaf"], !l.isNull {
            leaf = SparseMerkleLeaf(key: try hash(l["key"], "leaf.key"), valueHash: try hash(l["value_hash"], "leaf.value_hash"))
        }
        self.init(siblings: try siblings.map { try hash($0, "siblings[]") }, leaf: leaf)
    }
}
