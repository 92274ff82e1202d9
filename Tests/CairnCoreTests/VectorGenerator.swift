import CairnCore
import CairnCrypto
import CairnState

/// Builds the contents of Specs/vectors/*.json from the code. Inputs are fixed here; every output
/// field is computed, so a test can compare the stored files with what the code produces today.
enum VectorGenerator {
    static func key(_ hexKey: String) -> PrivateKey { try! PrivateKey(hex: hexKey) }
    static func one(_ n: UInt8) -> String { Hex.prefixed([UInt8](repeating: 0, count: 31) + [n]) }
    static func preimage(_ domain: String, _ body: some CanonicalEncodable) -> [UInt8] {
        var w = CanonicalWriter()
        w.write(string: domain)
        w.write(body)
        return w.bytes
    }

    // MARK: keys.json

    static let keyInputs = [
        one(1), one(2), one(3),
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
    ]

    static func keys() -> KeysFile {
        KeysFile(
            description: "secp256k1 private key (32 bytes, big-endian) -> public key (65-byte uncompressed 0x04||X||Y and 33-byte compressed) -> address (last 20 bytes of Keccak-256(X||Y), EIP-55). See Specs/crypto.md.",
            vectors: keyInputs.map { k in
                let pub = key(k).publicKey
                return .init(privateKey: k, publicKeyUncompressed: Hex.prefixed(pub.uncompressed),
                             publicKeyCompressed: Hex.prefixed(pub.compressed), address: pub.address.checksummed)
            })
    }

    // MARK: transactions.json

    static let transactionInputs: [(comment: String, key: String, tx: UnsignedTransaction)] = [
        ("small transfer, first nonce", one(1),
         UnsignedTransaction(chainID: "cairn-test", nonce: 0, fee: 1_000,
                             operation: .transfer(to: key(one(2)).address, amount: 1_500_000_000_000_000_000))),
        ("zero fee, zero amount, to the zero address", one(2),
         UnsignedTransaction(chainID: "cairn-test", nonce: 1, fee: 0, operation: .transfer(to: .zero, amount: 0))),
        ("largest amount and fee (2^128-1), largest nonce (2^64-1)", keyInputs[3],
         UnsignedTransaction(chainID: "cairn-mainnet-1", nonce: .max, fee: .max,
                             operation: .transfer(to: key(one(1)).address, amount: .max))),
        ("varint boundaries: nonce 127, fee 128, amount 2^64", keyInputs[4],
         UnsignedTransaction(chainID: "a", nonce: 127, fee: 128,
                             operation: .transfer(to: key(keyInputs[3]).address, amount: UInt128(1) << 64))),
        ("longest chain id (48 characters), self-transfer", one(3),
         UnsignedTransaction(chainID: String(repeating: "z", count: 47) + "9", nonce: 300, fee: 16_384,
                             operation: .transfer(to: key(one(3)).address, amount: 1))),
        ("create_validator (tag 1): consensus key, commission 50 000 ppm, self-bond 10 CAIRN", one(1),
         UnsignedTransaction(chainID: "cairn-test", nonce: 2, fee: 1_000,
                             operation: .staking(.createValidator(consensusKey: key(one(3)).address, commission: 50_000,
                                                                  selfBond: 10_000_000_000_000_000_000)))),
        ("edit_validator (tag 2) setting the commission to 60 000 ppm", one(1),
         UnsignedTransaction(chainID: "cairn-test", nonce: 3, fee: 1_000,
                             operation: .staking(.editValidator(validator: key(one(3)).address, commission: 60_000)))),
        ("edit_validator (tag 2) with no commission (optional absent: flag 00)", one(1),
         UnsignedTransaction(chainID: "cairn-test", nonce: 4, fee: 1_000,
                             operation: .staking(.editValidator(validator: key(one(3)).address, commission: nil)))),
        ("delegate (tag 3) 1.5 CAIRN", one(2),
         UnsignedTransaction(chainID: "cairn-test", nonce: 0, fee: 1_000,
                             operation: .staking(.delegate(validator: key(one(3)).address, amount: 1_500_000_000_000_000_000)))),
        ("undelegate (tag 4) 1 base unit", one(2),
         UnsignedTransaction(chainID: "cairn-test", nonce: 1, fee: 1_000,
                             operation: .staking(.undelegate(validator: key(one(3)).address, amount: 1)))),
        ("redelegate (tag 5) 300 base units", one(2),
         UnsignedTransaction(chainID: "cairn-test", nonce: 2, fee: 1_000,
                             operation: .staking(.redelegate(source: key(one(3)).address, destination: key(one(1)).address, amount: 300)))),
        ("unjail (tag 6)", one(1),
         UnsignedTransaction(chainID: "cairn-test", nonce: 5, fee: 1_000,
                             operation: .staking(.unjail(validator: key(one(3)).address)))),
        ("withdraw_rewards (tag 7)", one(2),
         UnsignedTransaction(chainID: "cairn-test", nonce: 3, fee: 0,
                             operation: .staking(.withdrawRewards(validator: key(one(3)).address)))),
    ]

    static func transactions() -> TransactionsFile {
        TransactionsFile(
            description: "Transactions (Specs/transactions.md): fields (operation: a transfer, tag 0, or a staking operation, tags 1-7 of Specs/staking.md §4) -> unsigned encoding -> signing preimage (encode_string(\"cairn/tx/v1\") || unsigned encoding) -> signing hash (SHA-256 of the preimage) -> signature (RFC 6979 deterministic, low-S, r||s||v) -> full encoding (unsigned || signature) -> id (SHA-256 of the full encoding) -> sender (address recovered from the signature).",
            vectors: transactionInputs.map { input in
                let u = input.tx
                let tx = u.signed(with: key(input.key))
                return .init(
                    comment: input.comment, privateKey: input.key, chainId: u.chainID, nonce: String(u.nonce),
                    fee: String(u.fee), operation: OperationForm(u.operation),
                    unsignedEncoding: Hex.prefixed(u.canonicalBytes),
                    signingPreimage: Hex.prefixed(preimage(UnsignedTransaction.signingDomain, u)),
                    signingHash: u.signingHash.hex, signature: tx.signature.hex,
                    encoding: Hex.prefixed(tx.canonicalBytes), id: tx.id.hex,
                    sender: try! tx.recoverSender().checksummed)
            })
    }

    // MARK: blocks.json

    static func headerForm(_ h: BlockHeader) -> HeaderForm {
        HeaderForm(chainId: h.chainID, height: String(h.height), time: String(h.time),
                   previousBlockId: h.previousBlockID.hex, transactionsRoot: h.transactionsRoot.hex,
                   attestationsRoot: h.attestationsRoot.hex, stateRoot: h.stateRoot.hex,
                   validatorsHash: h.validatorsHash.hex, nextValidatorsHash: h.nextValidatorsHash.hex,
                   lastCommitHash: h.lastCommitHash.hex, evidenceRoot: h.evidenceRoot.hex,
                   proposer: h.proposer.checksummed, proposerKey: h.seal.proposerKey.hex, seed: h.seal.seed.hex,
                   seedProof: h.seal.proof.hex, protocolVersion: String(h.protocolVersion))
    }

    static func header(_ f: HeaderForm) -> BlockHeader {
        BlockHeader(chainID: f.chainId, height: UInt64(f.height)!, time: UInt64(f.time)!,
                    previousBlockID: try! Hash32(hex: f.previousBlockId), transactionsRoot: try! Hash32(hex: f.transactionsRoot),
                    attestationsRoot: try! Hash32(hex: f.attestationsRoot), stateRoot: try! Hash32(hex: f.stateRoot),
                    validatorsHash: try! Hash32(hex: f.validatorsHash), nextValidatorsHash: try! Hash32(hex: f.nextValidatorsHash),
                    lastCommitHash: try! Hash32(hex: f.lastCommitHash), evidenceRoot: try! Hash32(hex: f.evidenceRoot),
                    proposer: try! Address(hex: f.proposer),
                    seal: BlockSeal(proposerKey: try! PublicKey(bytes: Hex.decode(f.proposerKey)), seed: try! Hash32(hex: f.seed),
                                    proof: try! VRFProof(hex: f.seedProof)),
                    protocolVersion: UInt64(f.protocolVersion)!)
    }

    static func fill(_ byte: UInt8) -> Hash32 { Hash32(unchecked: [UInt8](repeating: byte, count: 32)) }

    static let blockTransactions: [Transaction] = transactionInputs.prefix(2).map { $0.tx.signed(with: key($0.key)) }

    /// The previous seed each header input's seal was proved over (Specs/depin/randomness.md §3).
    static let headerPreviousSeeds: [Hash32] = [BlockSeed.genesis(genesisHash: fill(0x11)), fill(0x77), fill(0x12)]

    static let headerInputs: [(String, BlockHeader)] = [
        ("height 1 of an empty block: previous id is the genesis hash, both roots of the empty list",
         BlockHeader(chainID: "cairn-test", height: 1, time: 1_767_225_601_000, previousBlockID: fill(0x11),
                     transactionsRoot: MerkleRoot.of([]), attestationsRoot: MerkleRoot.of([]), stateRoot: fill(0x22),
                     validatorsHash: ValidatorSet([Validator(address: key(one(1)).address, power: 10)]).hash,
                     nextValidatorsHash: ValidatorSet([Validator(address: key(one(1)).address, power: 10)]).hash,
                     lastCommitHash: Block.lastCommitHash(nil), evidenceRoot: Block.evidenceRoot([]),
                     proposer: key(one(1)).address,
                     seal: key(one(1)).seal(previousSeed: headerPreviousSeeds[0], height: 1), protocolVersion: 1)),
        ("largest height and time",
         BlockHeader(chainID: "cairn-mainnet-1", height: .max, time: .max, previousBlockID: fill(0xff),
                     transactionsRoot: fill(0xee), attestationsRoot: fill(0xdd), stateRoot: fill(0xcc),
                     validatorsHash: fill(0xbb), nextValidatorsHash: fill(0xaa), lastCommitHash: fill(0x99), evidenceRoot: fill(0x88),
                     proposer: key(keyInputs[3]).address,
                     seal: key(keyInputs[3]).seal(previousSeed: headerPreviousSeeds[1], height: .max), protocolVersion: 300)),
        ("two transactions (the first two of transactions.json)",
         BlockHeader(chainID: "cairn-test", height: 2, time: 1_767_225_602_500, previousBlockID: fill(0x33),
                     transactionsRoot: MerkleRoot.of(blockTransactions.map(\.id)), attestationsRoot: MerkleRoot.of([]),
                     stateRoot: fill(0x44), validatorsHash: fill(0x55), nextValidatorsHash: fill(0x55),
                     lastCommitHash: fill(0x66), evidenceRoot: Block.evidenceRoot([]), proposer: key(one(2)).address,
                     seal: key(one(2)).seal(previousSeed: headerPreviousSeeds[2], height: 2), protocolVersion: 1)),
    ]

    static let voteInputs: [(String, VoteSigningPayload, String)] = [
        ("prevote for a block", VoteSigningPayload(chainID: "cairn-test", type: .prevote, height: 1, round: 0,
                                                   blockID: headerInputs[0].1.id), one(1)),
        ("precommit for a block, round 2", VoteSigningPayload(chainID: "cairn-test", type: .precommit, height: 2, round: 2,
                                                              blockID: headerInputs[2].1.id), one(2)),
        ("prevote for no block (nil)", VoteSigningPayload(chainID: "cairn-test", type: .prevote, height: 7, round: 130,
                                                          blockID: nil), one(3)),
    ]

    static func blocks() -> BlocksFile {
        let headers = zip(headerInputs, headerPreviousSeeds).map { input, previousSeed in
            let (comment, h) = input
            return BlocksFile.HeaderEntry(comment: comment, header: headerForm(h), previousSeed: previousSeed.hex,
                                          encoding: Hex.prefixed(h.canonicalBytes), id: h.id.hex)
        }
        let block = Block(header: headerInputs[2].1, transactions: blockTransactions)
        let blocks = [BlocksFile.BlockEntry(
            comment: headerInputs[2].0, header: headerForm(block.header),
            transactions: block.transactions.map { Hex.prefixed($0.canonicalBytes) },
            transactionIds: block.transactions.map(\.id.hex),
            encoding: Hex.prefixed(block.canonicalBytes), id: block.id.hex)]
        let votes = voteInputs.map { comment, v, k in
            let sig = key(k).sign(digest: v.signingHash)
            return BlocksFile.VoteEntry(
                comment: comment, chainId: v.chainID, type: v.type == .prevote ? "prevote" : "precommit",
                typeValue: Int(v.type.rawValue), height: String(v.height), round: String(v.round), blockId: v.blockID?.hex,
                payloadEncoding: Hex.prefixed(v.canonicalBytes),
                signingPreimage: Hex.prefixed(preimage(VoteSigningPayload.signingDomain, v)),
                signingHash: v.signingHash.hex, privateKey: k, signature: sig.hex,
                signer: try! sig.recoverAddress(digest: v.signingHash).checksummed)
        }
        // A commit for the two-transaction block, signed by three keys, sorted by validator address.
        let target = headerInputs[2].1
        var commit = Commit(height: target.height, round: 0, blockID: target.id, signatures: [])
        let digest = commit.payload(chainID: target.chainID).signingHash
        commit.signatures = [one(1), one(2), one(3)].map { k in
            CommitSignature(validator: key(k).address, signature: key(k).sign(digest: digest))
        }.sorted { $0.validator < $1.validator }
        let commits = [BlocksFile.CommitEntry(
            comment: "precommits of three validators for the two-transaction block; each signs the precommit payload (type 2) of the commit's height, round and block id",
            chainId: target.chainID, height: String(commit.height), round: String(commit.round), blockId: commit.blockID.hex,
            signatures: commit.signatures.map { .init(validator: $0.validator.checksummed, signature: $0.signature.hex) },
            encoding: Hex.prefixed(commit.canonicalBytes))]
        return BlocksFile(
            description: "Blocks (Specs/blocks.md): header fields -> header encoding -> block id (SHA-256 of the header encoding); a block (header || list of transactions || list of evidence || optional last commit: here two transactions, no evidence, no last commit); vote payloads -> signing preimage (encode_string(\"cairn/vote/v1\") || payload) -> signing hash -> signature; a commit encoding.",
            headers: headers, blocks: blocks, votes: votes, commits: commits)
    }

    // MARK: encoding.json

    static func varint64(_ v: UInt64) -> String { var w = CanonicalWriter(); w.write(varint: v); return Hex.prefixed(w.bytes) }
    static func varint128(_ v: UInt128) -> String { var w = CanonicalWriter(); w.write(varint: v); return Hex.prefixed(w.bytes) }

    static let invalidInputs: [(comment: String, type: String, hex: String)] = [
        ("empty input", "u64", "0x"),
        ("continuation bit set on the last byte", "u64", "0x80"),
        ("zero padded with a continuation group (non-minimal 0)", "u64", "0x8000"),
        ("1 written in two bytes", "u64", "0x8100"),
        ("127 written in three bytes", "u64", "0xff8000"),
        ("2^64: the tenth byte carries more than 1 bit", "u64", "0xffffffffffffffffff02"),
        ("eleven bytes", "u64", "0xffffffffffffffffffff01"),
        ("2^128: the nineteenth byte carries more than 2 bits", "u128", "0xffffffffffffffffffffffffffffffffffff04"),
        ("twenty bytes", "u128", "0xffffffffffffffffffffffffffffffffffffff01"),
        ("bytes after the value", "u64", "0x0100"),
        ("boolean byte 2", "bool", "0x02"),
        ("string: invalid UTF-8 (0xff)", "string48", "0x0263ff"),
        ("string: length 49 above the limit 48", "string48", "0x31" + String(repeating: "61", count: 49)),
        ("string: length 3, only 2 bytes", "string48", "0x036161"),
        ("optional hash: flag 2", "optional_hash", "0x02" + String(repeating: "00", count: 32)),
        ("optional hash: present but short", "optional_hash", "0x01" + String(repeating: "00", count: 31)),
        ("operation tag 20 (no module owns it: 0 is bank's transfer, 1-7 the staking operations, 8-11 the devices ones, 12-15 storage's, 16-19 energy's)", "operation", "0x1415" + String(repeating: "00", count: 20) + "00"),
        ("operation tag 99 (no module owns it)", "operation", "0x6315" + String(repeating: "00", count: 20) + "00"),
        ("transfer amount with non-minimal varint", "operation", "0x0016" + String(repeating: "00", count: 20) + "8000"),
        ("transfer body with a byte after the amount", "operation", "0x0016" + String(repeating: "00", count: 20) + "0000"),
        ("operation body length 32, only 5 bytes", "operation", "0x0020" + String(repeating: "00", count: 5)),
    ]

    /// Decodes `bytes` as one of the encoding.json types, the whole input.
    static func decode(type: String, _ bytes: [UInt8]) throws(CanonicalDecodingError) {
        var r = CanonicalReader(bytes)
        switch type {
        case "u64": _ = try r.readVarint("value")
        case "u128": _ = try r.readVarint128("value")
        case "bool": _ = try r.readBool("value")
        case "string48": _ = try r.readString("value", limit: 48)
        case "optional_hash": _ = try r.readOptional("value") as Hash32?
        case "operation":
            // The core encoding (tag, length-prefixed body), then the owning module's body
            // (Specs/runtime.md §3); a tag no module owns is unknown.
            let operation = try r.read(Operation.self)
            switch operation.tag {
            case BankModule.operationTags[0]: _ = try BankModule.decode(operation)
            case let tag where StakingModule.operationTags.contains(tag): _ = try StakingModule.decode(operation)
            default: throw .unknownTag(type: "operation", tag: operation.tag)
            }
        default: fatalError("unknown vector type \(type)")
        }
        try r.finish()
    }

    static func encoding() -> EncodingFile {
        let u64s: [UInt64] = [0, 1, 127, 128, 255, 300, 16_383, 16_384, 1 << 32, 1 << 63, .max]
        let u128s: [UInt128] = [0, 127, 128, UInt128(UInt64.max), UInt128(1) << 64, UInt128(1) << 127, .max]
        var valid = u64s.map { EncodingFile.Valid(type: "u64", value: String($0), encoding: varint64($0)) }
        valid += u128s.map { EncodingFile.Valid(type: "u128", value: String($0), encoding: varint128($0)) }
        for b in [false, true] {
            var w = CanonicalWriter(); w.write(bool: b)
            valid.append(.init(type: "bool", value: String(b), encoding: Hex.prefixed(w.bytes)))
        }
        for s in ["", "cairn/tx/v1", "cairn/vote/v1", "cairn/genesis/v1", "é"] {
            var w = CanonicalWriter(); w.write(string: s)
            valid.append(.init(type: "string48", value: s, encoding: Hex.prefixed(w.bytes)))
        }
        for h in [nil, fill(0xab)] as [Hash32?] {
            var w = CanonicalWriter(); w.write(optional: h)
            valid.append(.init(type: "optional_hash", value: h?.hex ?? "none", encoding: Hex.prefixed(w.bytes)))
        }
        let invalid = invalidInputs.map { input -> EncodingFile.Invalid in
            do throws(CanonicalDecodingError) {
                try decode(type: input.type, try! Hex.decode(input.hex))
                fatalError("invalid vector '\(input.comment)' decodes")
            } catch {
                return .init(comment: input.comment, type: input.type, encoding: input.hex, error: error.kind, field: error.field)
            }
        }
        return EncodingFile(
            description: "Canonical encoding (Specs/encoding.md). Types: u64 / u128 = unsigned LEB128 varint of that width; bool; string48 = varint length (at most 48) then UTF-8; optional_hash = 0x00, or 0x01 then 32 bytes; operation = a transaction operation. Each invalid input must be rejected with the given error kind (field names are this implementation's and informative).",
            valid: valid, invalid: invalid)
    }

    // MARK: state.json

    static func state() -> StateFile {
        let addresses = [Address.zero, key(one(1)).address, key(keyInputs[3]).address]
        let accounts = [Account.empty, Account(balance: 1_000_000, nonce: 1), Account(balance: .max, nonce: .max)]
        return StateFile(
            description: "State entries (Specs/state.md): account tree key = SHA-256(0x01 || address); account value = varint128 balance || varint64 nonce; leaf value hash = SHA-256(value).",
            accountKeys: addresses.map { .init(address: $0.checksummed, key: StateKey.account($0).treeKey.hex) },
            accountValues: accounts.map {
                .init(balance: String($0.balance), nonce: String($0.nonce), encoding: Hex.prefixed($0.canonicalBytes),
                      valueHash: StateKey.valueHash(encoded: $0.canonicalBytes).hex)
            })
    }

    // MARK: genesis.json

    static let genesisInputs: [(String, String)] = [
        ("two accounts, one validator, whole-second time", """
        {"chain_id": "cairn-test", "genesis_time": "2026-01-01T00:00:00Z", "protocol_version": 1,
         "params": {"max_block_transactions": 10000, "max_block_bytes": 4194304, "min_transaction_fee": "1000"},
         "accounts": [{"address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "balance": "1000000000000000000000"},
                      {"address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "balance": "5"}],
         "validators": [{"address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "power": 10, "name": "one"},
                        {"address": "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69", "power": 5}]}
        """),
        ("no accounts, millisecond time", """
        {"chain_id": "cairn-devnet", "genesis_time": "2026-03-04T05:06:07.089Z", "protocol_version": 1,
         "params": {"max_block_transactions": 1, "max_block_bytes": 16384, "min_transaction_fee": "0"},
         "accounts": [],
         "validators": [{"address": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "power": 1}]}
        """),
        ("params.staking and params.emission given in part (the other fields take their defaults), three validators", """
        {"chain_id": "cairn-staking", "genesis_time": "2026-06-01T12:00:00Z", "protocol_version": 1,
         "params": {"max_block_transactions": 500, "max_block_bytes": 65536, "min_transaction_fee": "10",
                    "mempool_expiry_blocks": 100,
                    "staking": {"max_validators": 3, "power_reduction": "1000", "unbonding_blocks": 20,
                                "max_evidence_age": 20, "epoch_length": 10,
                                "min_self_bond": "500", "slash_fraction_double_sign": 200000},
                    "emission": {"epoch_length": 10, "per_epoch": "5000",
                                 "shares": [{"pool": "staking_rewards", "ppm": 1000000}]}},
         "accounts": [{"address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "balance": "77"}],
         "validators": [{"address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "power": 3},
                        {"address": "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69", "power": 1},
                        {"address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "power": 2}]}
        """),
        ("two makers in state.devices, params.devices given in part", """
        {"chain_id": "cairn-devices", "genesis_time": "2026-09-01T00:00:00Z", "protocol_version": 1,
         "params": {"max_block_transactions": 100, "max_block_bytes": 65536, "min_transaction_fee": "1",
                    "devices": {"onboarding_fee": "4000", "location_interval": 10, "max_antenna_gain": 120}},
         "state": {"devices": {"makers": [
             {"name": "acme-radio", "public_key": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
             {"name": "meterworks", "public_key": "0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"}]}},
         "accounts": [{"address": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "balance": "100000"}],
         "validators": [{"address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "power": 1}]}
        """),
    ]

    static func genesis() -> GenesisVectorFile {
        GenesisVectorFile(
            description: "Genesis (Specs/genesis.md): JSON file -> genesis encoding -> genesis hash = SHA-256(encode_string(\"cairn/genesis/v1\") || encoding); the state at height 0 (every entry: namespace, key, value encoding; accounts, the genesis validators' staking records of Specs/staking.md §9, and the runtime's records of Specs/runtime.md §9: a parameters record per owner, the chain-version record, the supply record) and its root.",
            vectors: genesisInputs.map { comment, json in
                let g = try! GenesisFile.parse(Array(json.utf8))
                let model = SpecModel.genesis(g, json: json)
                return .init(comment: comment, json: json, genesisTimeMs: String(g.genesisTime),
                             encoding: Hex.prefixed(g.canonicalBytes), hash: g.hash.hex,
                             stateEntries: model.all.map(SpecModel.form), stateRoot: model.root.hex)
            })
    }
}

/// A direct transcription of Specs/merkle.md §2.2, Specs/state.md, Specs/genesis.md §3,
/// Specs/runtime.md §4–§9, Specs/staking.md §2, §3, §9 and Specs/transactions.md §6, independent of the tree,
/// executor and staking code, so the vectors check that code against the specs. Record layouts
/// are written here field by field from the spec; only the primitive encodings (varint, bool,
/// raw address) come from `CanonicalWriter`, which encoding.json checks on its own.
///
/// It models block 1 only (no previous set, so no evidence, downtime or reward distribution in
/// beginBlock; no maturity queue) and valid transfers.
struct SpecModel {
    /// Accounts by address.
    var accounts: [Address: Account] = [:]
    /// Every other entry: state key bytes (namespace ‖ key) → value encoding.
    var entries: [[UInt8]: [UInt8]] = [:]

    static func bit(_ key: [UInt8], _ i: Int) -> Int { Int(key[i / 8] >> (7 - UInt8(i % 8))) & 1 }

    /// hash(T(S, d)) of the spec, by recursion over the entries.
    static func root(_ entries: [(key: [UInt8], value: [UInt8])], depth: Int = 0) -> [UInt8] {
        if entries.isEmpty { return [UInt8](repeating: 0, count: 32) }
        if entries.count == 1 { return Hash32.sha256([0x00] + entries[0].key + entries[0].value).bytes }
        let left = entries.filter { bit($0.key, depth) == 0 }, right = entries.filter { bit($0.key, depth) == 1 }
        return Hash32.sha256([0x01] + root(left, depth: depth + 1) + root(right, depth: depth + 1)).bytes
    }

    static func accountEncoding(_ account: Account) -> [UInt8] {
        var w = CanonicalWriter()
        w.write(varint: account.balance)
        w.write(varint: account.nonce)
        return w.bytes
    }

    /// Every entry as (state key bytes, value encoding), sorted by state key.
    var all: [(key: [UInt8], value: [UInt8])] {
        (accounts.map { (key: [0x01] + $0.key.bytes, value: Self.accountEncoding($0.value)) }
            + entries.map { (key: $0.key, value: $0.value) })
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    /// Tree key SHA-256(namespace ‖ key), leaf value SHA-256(encoding).
    var root: Hash32 {
        Hash32(unchecked: Self.root(all.map { (key: Hash32.sha256($0.key).bytes, value: Hash32.sha256($0.value).bytes) }))
    }

    static func form(_ entry: (key: [UInt8], value: [UInt8])) -> StateEntryForm {
        StateEntryForm(namespace: Int(entry.key[0]), key: Hex.prefixed(Array(entry.key.dropFirst())),
                       encoding: Hex.prefixed(entry.value))
    }

    // MARK: Staking records (Specs/staking.md §2.2)

    static let validatorNS: UInt8 = 0x02, delegationNS: UInt8 = 0x03, delegatorDelegationsNS: UInt8 = 0x09
    static let candidatesNS: UInt8 = 0x0E, globalsNS: UInt8 = 0x0F

    /// ValidatorRecord of a genesis validator: operator, tokens, total_shares, commission 0,
    /// commission_changed_epoch 0, jailed false, jailed_until 0, tombstoned false,
    /// reward_per_share 0, reward_carry 0, reward_pool 0, created_height 0.
    static func genesisValidatorRecord(_ address: Address, tokens: UInt128) -> [UInt8] {
        var w = CanonicalWriter()
        w.write(address: address)
        w.write(varint: tokens)
        w.write(varint: tokens)
        w.write(varint: UInt64(0))
        w.write(varint: UInt64(0))
        w.write(bool: false)
        w.write(varint: UInt64(0))
        w.write(bool: false)
        w.write(varint: UInt128(0))
        w.write(varint: UInt128(0))
        w.write(varint: UInt128(0))
        w.write(varint: UInt64(0))
        return w.bytes
    }

    static func addressList(_ addresses: [Address]) -> [UInt8] {
        var w = CanonicalWriter()
        w.write(varint: UInt64(addresses.count))
        for a in addresses.sorted() { w.write(address: a) }
        return w.bytes
    }

    /// The staking globals as they stand: active_set.
    struct Globals: Equatable {
        var activeSet: [(address: Address, power: UInt64)] = []

        static func == (a: Globals, b: Globals) -> Bool {
            a.activeSet.map(\.address) == b.activeSet.map(\.address) && a.activeSet.map(\.power) == b.activeSet.map(\.power)
        }

        var encoding: [UInt8] {
            var w = CanonicalWriter()
            w.write(varint: UInt64(activeSet.count))
            for v in activeSet { w.write(address: v.address); w.write(varint: v.power) }
            return w.bytes
        }
    }

    /// The model's own copy of what it wrote, so it never decodes the node's records.
    var globals = Globals()
    /// Bonded tokens and jailed flag of every validator, by consensus address.
    var validators: [Address: (tokens: UInt128, jailed: Bool)] = [:]
    /// The staking numbers the model needs, from the genesis file's JSON (Specs/staking.md §8 defaults).
    let powerReduction: UInt128, maxValidators: UInt64
    /// Emission per block of block 1 (Specs/runtime.md §8), from the JSON.
    let emissionAtHeight1: UInt128

    // MARK: Runtime records (Specs/runtime.md §4, §5, §6)

    static let parametersNS: UInt8 = 0x10, chainVersionNS: UInt8 = 0x11, supplyNS: UInt8 = 0x12, makerNS: UInt8 = 0x14

    /// The module account of `name`: the last 20 bytes of SHA-256(encode_string("cairn/module-account/v1") ‖ encode_string(name)).
    static func moduleAccount(_ name: String) -> Address {
        var w = CanonicalWriter()
        w.write(string: "cairn/module-account/v1")
        w.write(string: name)
        return Address(unchecked: Array(Hash32.sha256(w.bytes).bytes.suffix(20)))
    }

    /// A number of the genesis JSON (integer, or decimal string for amounts); `d` when absent.
    static func int(_ o: JSONValue?, _ k: String, _ d: UInt128) -> UInt128 {
        if case .integer(let v)? = o?[k] { return UInt128(v) }
        if case .string(let t)? = o?[k] { return UInt128(t)! }
        return d
    }

    static func varints(_ values: [UInt128]) -> [UInt8] {
        var w = CanonicalWriter()
        for v in values { w.write(varint: v) }
        return w.bytes
    }

    /// Every parameters record, field by field in the order of Specs/runtime.md §4 and
    /// Specs/staking.md §8, from the genesis JSON's `params` (absent fields: the defaults).
    static func parameterRecords(_ params: JSONValue) -> [String: [UInt8]] {
        let staking = params["staking"]
        let s: [(String, UInt128)] = [
            ("max_validators", 100), ("power_reduction", 1_000_000_000_000_000_000), ("unbonding_blocks", 100_800),
            ("max_entries", 7), ("max_pending_per_validator", 1_000), ("max_candidates", 1_000),
            ("max_delegations_per_delegator", 100), ("min_self_bond", 1_000_000_000_000_000_000),
            ("max_commission", 1_000_000), ("max_commission_change", 10_000), ("epoch_length", 14_400),
            ("signed_blocks_window", 10_000), ("min_signed_per_window", 500_000), ("downtime_jail_blocks", 600),
            ("slash_fraction_downtime", 100), ("slash_fraction_double_sign", 50_000), ("max_evidence_age", 100_800),
            ("max_evidence_per_block", 50),
        ]
        let emission = params["emission"]
        var e = CanonicalWriter()
        e.write(varint: int(emission, "epoch_length", 14_400))
        e.write(varint: int(emission, "per_epoch", 0))
        let shares = emission?["shares"]?.arrayValue ?? []
        e.write(varint: UInt64(shares.count))
        for share in shares {
            e.write(string: share["pool"]!.stringValue!)
            e.write(varint: int(share, "ppm", 0))
        }
        let devices = params["devices"]
        let d: [(String, UInt128)] = [
            ("onboarding_fee", 40_000_000_000_000_000_000), ("location_fee", 10_000_000_000_000_000_000),
            ("location_interval", 14_400), ("max_elevation", 9_000), ("max_depth", 500), ("max_antenna_gain", 150),
        ]
        // Specs/depin/coverage.md §2, in table order.
        let coverage = params["coverage"]
        let c: [(String, UInt128)] = [
            ("challenges_per_block", 2), ("beacon_interval", 3_600), ("challenge_window", 10), ("receipt_window", 60_000),
            ("receipt_time_tolerance", 2_000), ("max_receipts", 50), ("max_witnesses", 14), ("min_witness_distance", 300),
            ("max_witness_distance", 100_000), ("beacon_transmit_power", 270), ("rssi_tolerance", 30), ("rssi_floor", 1_400),
            ("snr_floor", 200), ("snr_ceiling", 200), ("frequency_tolerance", 100_000), ("channel_base_frequency", 867_100_000),
            ("channel_spacing", 200_000), ("channel_count", 8), ("challengee_share", 200_000), ("witness_share", 800_000),
            ("witness_redundancy", 4), ("reward_decay", 800_000), ("transmit_unit_cap", 2_000_000),
            ("density_r8_n", 2), ("density_r8_target", 1), ("density_r8_max", 4),
            ("density_r7_n", 2), ("density_r7_target", 5), ("density_r7_max", 20),
            ("density_r4_n", 1), ("density_r4_target", 250), ("density_r4_max", 800),
            ("min_beacon_interval", 900), ("epoch_length", 14_400),
        ]
        // Specs/depin/storage.md §2, in table order.
        let storage = params["storage"]
        let st: [(String, UInt128)] = [
            ("chunk_size", 1_024), ("challenges", 5), ("proving_period", 2_880), ("proof_window", 60), ("proposal_lifetime", 2_880),
            ("max_deal_size", 68_719_476_736), ("max_deal_periods", 3_650), ("fault_slash", 100_000), ("fault_client_share", 500_000),
            ("max_consecutive_faults", 3), ("min_deal_collateral", 100_000), ("provider_collateral_per_gib", 1_000_000_000_000_000),
        ]
        // Specs/depin/energy.md §2, in table order.
        let energy = params["energy"]
        let en: [(String, UInt128)] = [
            ("slot_length", 300), ("submission_window", 172_800), ("capacity_tolerance", 50_000),
            ("night_elevation_threshold", 1_000_000), ("max_capacity", 5_000_000), ("min_bond", 50_000_000_000_000_000_000),
            ("bond_unlock_delay", 100_800), ("slash_share", 500_000), ("reporter_share", 100_000), ("max_batches", 128),
            ("max_batch_readings", 24), ("certificate_energy", 1_000), ("max_beneficiary_length", 128), ("max_purpose_length", 256),
        ]
        return [
            "bank": [],
            "coverage": varints(c.map { int(coverage, $0.0, $0.1) }),
            "storage": varints(st.map { int(storage, $0.0, $0.1) }),
            "energy": varints(en.map { int(energy, $0.0, $0.1) }),
            "devices": varints(d.map { int(devices, $0.0, $0.1) }),
            "consensus": varints([int(params, "max_block_transactions", 10_000), int(params, "max_block_bytes", 4 << 20),
                                  int(params, "min_transaction_fee", 0), int(params, "mempool_expiry_blocks", 600),
                                  int(params, "max_block_attestations", 2_000), int(params, "max_block_attestation_bytes", 4 << 20)]),
            "emission": e.bytes,
            "staking": varints(s.map { int(staking, $0.0, $0.1) }),
        ]
    }

    init(params: JSONValue) {
        let int = Self.int
        powerReduction = int(params["staking"], "power_reduction", 1_000_000_000_000_000_000)
        maxValidators = UInt64(int(params["staking"], "max_validators", 100))
        let perEpoch = int(params["emission"], "per_epoch", 0), length = int(params["emission"], "epoch_length", 14_400)
        emissionAtHeight1 = perEpoch / length   // ⌊E·1/L⌋ − ⌊E·0/L⌋
    }

    mutating func storeGlobals() { entries[[Self.globalsNS]] = globals.encoding }

    /// The supply record: total, minted, burned.
    var supply: (total: UInt128, minted: UInt128, burned: UInt128) = (0, 0, 0)
    mutating func storeSupply() { entries[[Self.supplyNS]] = Self.varints([supply.total, supply.minted, supply.burned]) }

    /// The state at height 0 (Specs/genesis.md §3, Specs/runtime.md §9, Specs/staking.md §9).
    static func genesis(_ g: Genesis, json: String) -> SpecModel {
        let params = try! JSONText.parse(json)["params"]!
        var m = SpecModel(params: params)
        for (owner, record) in parameterRecords(params) { m.entries[[parametersNS] + Array(owner.utf8)] = record }
        m.entries[[chainVersionNS]] = varints([UInt128(g.protocolVersion), 0])   // version, no plan
        for a in g.allocations { m.accounts[a.address] = Account(balance: a.balance, nonce: 0) }
        m.supply.total = g.allocations.reduce(0) { $0 + $1.balance }
        let set = g.validators.validators.map { (address: $0.address, power: $0.power) }.sorted { $0.address < $1.address }
        for v in set {
            let tokens = UInt128(v.power) * m.powerReduction
            m.supply.total += tokens
            m.entries[[validatorNS] + v.address.bytes] = genesisValidatorRecord(v.address, tokens: tokens)
            var d = CanonicalWriter()
            d.write(varint: tokens)          // shares
            d.write(varint: UInt128(0))      // reward_start
            m.entries[[delegationNS] + v.address.bytes + v.address.bytes] = d.bytes
            m.entries[[delegatorDelegationsNS] + v.address.bytes] = addressList([v.address])
            m.validators[v.address] = (tokens, false)
        }
        // Specs/depin/devices.md §6: one maker record per listed maker, keyed by its address:
        // name, the 33-byte key, active, no devices yet.
        for maker in (try! JSONText.parse(json))["state"]?["devices"]?["makers"]?.arrayValue ?? [] {
            let key = try! Hex.decode(maker["public_key"]!.stringValue!)
            var w = CanonicalWriter()
            w.write(string: maker["name"]!.stringValue!)
            w.write(fixed: key)
            w.write(bool: true)
            w.write(varint: UInt64(0))
            m.entries[[makerNS] + (try! PublicKey(bytes: key)).address.bytes] = w.bytes
        }
        m.entries[[candidatesNS]] = addressList(set.map(\.address))
        m.globals.activeSet = set
        m.storeGlobals()
        m.storeSupply()
        return m
    }

    /// Block 1 of valid transfers (Specs/transactions.md §6, Specs/runtime.md §8, Specs/staking.md
    /// §3): beginBlock moves nothing at height 1 (the fee collector and the reward pool are empty);
    /// each fee goes to the fee collector; endBlock mints emission to its pools and recomputes the
    /// active set (§3.1). Returns the state keys it wrote.
    mutating func executeBlock1(_ txs: [(sender: Address, tx: UnsignedTransaction)]) -> (accounts: Set<Address>, entries: Set<[UInt8]>) {
        var changed = Set<Address>(), written = Set<[UInt8]>()
        for (sender, tx) in txs {
            // Tag 0, body = to (20 bytes) ‖ varint amount (Specs/modules/bank.md).
            precondition(tx.operation.tag == 0, "the model applies transfers only")
            let to = Address(unchecked: Array(tx.operation.body.prefix(20)))
            var r = CanonicalReader(Array(tx.operation.body.dropFirst(20)))
            let amount = try! r.readVarint128("amount")
            var s = accounts[sender] ?? .empty
            precondition(tx.nonce == s.nonce && s.balance >= amount + tx.fee, "vector input must be valid")
            s.balance -= amount + tx.fee
            s.nonce += 1
            accounts[sender] = s
            changed.insert(sender)
            if amount > 0 { accounts[to, default: .empty].balance += amount; changed.insert(to) }
            if tx.fee > 0 { accounts[Self.moduleAccount("fee_collector"), default: .empty].balance += tx.fee; changed.insert(Self.moduleAccount("fee_collector")) }
        }
        // endBlock of height 1: emission to the only pool (staking_rewards), the maturity queue
        // (empty), the active set.
        if emissionAtHeight1 > 0 {
            let pool = Self.moduleAccount("staking_rewards")
            accounts[pool, default: .empty].balance += emissionAtHeight1
            changed.insert(pool)
            supply.total += emissionAtHeight1
            supply.minted += emissionAtHeight1
            storeSupply()
            written.insert([Self.supplyNS])
        }
        let cap = UInt64((UInt64(Int64.max) / 8) / maxValidators)
        let candidates = validators.compactMap { address, v -> (address: Address, tokens: UInt128, power: UInt64)? in
            guard !v.jailed else { return nil }
            let q = v.tokens / powerReduction
            let power = q > UInt128(cap) ? cap : UInt64(q)
            return power >= 1 ? (address, v.tokens, power) : nil
        }.sorted { $0.tokens != $1.tokens ? $0.tokens > $1.tokens : $0.address < $1.address }
        let active = candidates.prefix(Int(maxValidators)).map { (address: $0.address, power: $0.power) }
            .sorted { $0.address < $1.address }
        let before = globals
        globals.activeSet = active
        if !active.isEmpty && globals != before {
            storeGlobals()
            written.insert([Self.globalsNS])
        } else {
            globals = before
        }
        return (changed, written)
    }
}

extension VectorGenerator {
    // MARK: execution.json

    static func execution() -> ExecutionFile {
        let json = genesisInputs[0].1
        let g = try! GenesisFile.parse(Array(json.utf8))
        var model = SpecModel.genesis(g, json: json)
        let k1 = key(one(1)), k2 = key(one(2)), proposer = key(one(3)).address
        let fresh = Address(unchecked: [UInt8](repeating: 0x42, count: 20))
        let inputs: [(PrivateKey, UnsignedTransaction)] = [
            (k1, UnsignedTransaction(chainID: g.chainID, nonce: 0, fee: 1_000, operation: .transfer(to: proposer, amount: 1_000_000_000_000_000_000))),
            (k1, UnsignedTransaction(chainID: g.chainID, nonce: 1, fee: 2_000, operation: .transfer(to: k2.address, amount: 7_000))),
            (k2, UnsignedTransaction(chainID: g.chainID, nonce: 0, fee: 1_000, operation: .transfer(to: k2.address, amount: 3_000))),
            (k1, UnsignedTransaction(chainID: g.chainID, nonce: 2, fee: 1_000, operation: .transfer(to: fresh, amount: 0))),
        ]
        let txs = inputs.map { $0.1.signed(with: $0.0) }
        let genesisRoot = model.root
        let changed = model.executeBlock1(inputs.map { ($0.0.address, $0.1) })
        let stakingChanges = changed.entries.sorted { $0.lexicographicallyPrecedes($1) }
            .map { SpecModel.form((key: $0, value: model.entries[$0]!)) }
        return ExecutionFile(
            description: "Execution of block 1 on the genesis of genesis.json's first vector (Specs/transactions.md §6, Specs/runtime.md §6, §8, Specs/staking.md §3, Specs/state.md): the transactions, the fees paid, every changed account (the fee collector module account among them: it collected the fees, nothing goes to the proposer), every other changed entry (none: emission per_epoch defaults to 0 and the genesis active set stands), and the resulting state root. The zero transfer to 0x4242…42 creates no entry. At height 1 beginBlock distributes nothing (there is no previous set).",
            genesisJson: json, genesisStateRoot: genesisRoot.hex, height: "1", proposer: proposer.checksummed,
            transactions: txs.map { Hex.prefixed($0.canonicalBytes) }, transactionIds: txs.map(\.id.hex),
            transactionsRoot: MerkleRoot.of(txs.map(\.id)).hex, feesPaid: txs.map { String($0.fee) },
            changedAccounts: changed.accounts.sorted().map {
                .init(address: $0.checksummed, balance: String(model.accounts[$0]!.balance), nonce: String(model.accounts[$0]!.nonce))
            },
            changedStakingEntries: stakingChanges,
            rewardPot: String(model.accounts[SpecModel.moduleAccount("fee_collector")]?.balance ?? 0),
            stateRoot: model.root.hex)
    }
}

extension VectorGenerator {
    // MARK: runtime.json

    static let runtimeRecords: [(String, String, [UInt8])] = {
        let emission = EmissionParameters(epochLength: 10, perEpoch: 5_000,
                                          shares: [EmissionShare(pool: "staking_rewards", ppm: 1_000_000)])
        let plan = UpgradePlan(name: "v2", height: 1_000, version: 2)
        return [
            ("consensus parameters, the defaults", "consensus", ConsensusParameters.defaults.canonicalBytes),
            ("consensus parameters of genesis.json's first vector", "consensus",
             ConsensusParameters(maxBlockTransactions: 10_000, maxBlockBytes: 4_194_304, minTransactionFee: 1_000).canonicalBytes),
            ("emission parameters, the defaults (no emission, no shares)", "emission", EmissionParameters.defaults.canonicalBytes),
            ("emission parameters: 5000 per 10-block epoch, all to staking_rewards", "emission", emission.canonicalBytes),
            ("bank parameters (none)", "bank", BankParameters.defaults.canonicalBytes),
            ("staking parameters, the defaults", "staking", StakingParameters.defaults.canonicalBytes),
            ("chain version 1, no plan", "", ChainVersion(version: 1).canonicalBytes),
            ("chain version 1 with a plan for version 2 at height 1000", "", ChainVersion(version: 1, plan: plan).canonicalBytes),
            ("supply record", "-", SupplyRecord(total: 1_000_000, minted: 5_000, burned: 7).canonicalBytes),
        ]
    }()

    static let runtimeEvents: [(String, Event)] = [
        ("a transfer", Event(module: "bank", kind: "transfer", ["from": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
                                                                "to": "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF", "amount": "300"])),
        ("an event without attributes", Event(module: "runtime", kind: "noop")),
        ("a parameter change refused", Event(module: "runtime", kind: "parameter_change_rejected",
                                             ["owner": "consensus", "reason": "max_block_bytes: must be 16384 to 67108864"])),
    ]

    static func runtime() -> RuntimeFile {
        func jsonText(_ v: JSONValue) -> String { JSONText.string(v) }
        let records = runtimeRecords.map { comment, owner, encoding -> RuntimeFile.RecordEntry in
            let key: StateKey
            let json: JSONValue
            switch owner {
            case "": key = ChainVersion.key; json = try! ChainVersion(canonicalBytes: encoding).json
            case "-": key = SupplyRecord.key; json = .null
            default:
                key = RuntimeNamespace.parametersKey(owner)
                json = try! Runtime.standard.latest.parametersJSON(StateView(SingleEntry(key: key, value: encoding)), owners: [owner])[0].json
            }
            return .init(comment: comment, namespace: Int(key.namespace), key: Hex.prefixed(key.key), json: jsonText(json),
                         encoding: Hex.prefixed(encoding))
        }
        let results = runtimeBlockResults
        return RuntimeFile(
            description: "The runtime (Specs/runtime.md): module account addresses = last 20 bytes of SHA-256(encode_string(\"cairn/module-account/v1\") || encode_string(name)); parameters records (namespace 0x10, key = the owner's name in UTF-8), the chain-version record (0x11), the supply record (0x12) with their JSON forms and encodings; events and a block's results with their encodings.",
            moduleAccounts: ["fee_collector", "staking_rewards"].map { .init(name: $0, address: ModuleAccount.address($0).checksummed) },
            records: records,
            events: runtimeEvents.map { .init(comment: $0.0, json: jsonText($0.1.json), encoding: Hex.prefixed($0.1.canonicalBytes)) },
            blockResults: .init(comment: "begin: the attribute-less event; one attestation with the transfer event; end: the transfer, then the refusal",
                                json: jsonText(["begin_block_events": .array(results.beginEvents.map(\.json)),
                                                "attestations": .array(results.attestations.map { .array($0.events.map(\.json)) }),
                                                "end_block_events": .array(results.endEvents.map(\.json))]),
                                encoding: Hex.prefixed(results.canonicalBytes)))
    }
}

extension VectorGenerator {
    static let runtimeBlockResults = BlockResults(beginEvents: [runtimeEvents[1].1],
                                                  attestations: [AttestationResult(events: [runtimeEvents[0].1])],
                                                  endEvents: [runtimeEvents[0].1, runtimeEvents[2].1])
}

/// A state of one entry, for reading a record's JSON form through the runtime.
private struct SingleEntry: StateReader {
    let key: StateKey
    let value: [UInt8]
    func value(at key: StateKey) throws -> [UInt8]? { key == self.key ? value : nil }
    func account(_ address: Address) throws -> Account { .empty }
}
