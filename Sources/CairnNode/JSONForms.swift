import CairnCore
import CairnCrypto
import CairnRPC
import CairnState
import CairnStorage
import Foundation

/// How chain data looks in JSON-RPC (Specs/rpc.md): bytes as 0x-hex, amounts as decimal strings
/// in base units, heights and nonces as integers, addresses EIP-55, times as milliseconds.
enum JSONForms {
    static func amount(_ a: Amount) -> JSONValue { .string(String(a)) }
    static func int(_ v: UInt64) -> JSONValue { .integer(Int64(clamping: v)) }

    /// The owning module's JSON form; an operation no module of `rules` decodes shows its tag and body.
    static func operation(_ op: CairnCore.Operation, rules: RuleSet) -> JSONValue {
        rules.json(op) ?? ["type": "unknown", "tag": int(op.tag), "body": .string(Hex.prefixed(op.body))]
    }

    static func transaction(_ tx: Transaction, id: Hash32, sender: Address?, rules: RuleSet) -> JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id.hex),
            "chain_id": .string(tx.chainID),
            "nonce": int(tx.nonce),
            "fee": amount(tx.fee),
            "operation": operation(tx.operation, rules: rules),
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
            "proposer_key": .string(h.seal.proposerKey.hex),
            "seed": .string(h.seal.seed.hex),
            "seed_proof": .string(h.seal.proof.hex),
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

    static func result(_ r: TransactionResult) -> JSONValue {
        ["success": true, "fee_paid": amount(r.feePaid), "events": .array(r.events.map(\.json))]
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
