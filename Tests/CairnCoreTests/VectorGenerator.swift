import CairnCore
import CairnCrypto

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
    ]

    static func transactions() -> TransactionsFile {
        TransactionsFile(
            description: "Transactions (Specs/transactions.md): fields -> unsigned encoding -> signing preimage (encode_string(\"cairn/tx/v1\") || unsigned encoding) -> signing hash (SHA-256 of the preimage) -> signature (RFC 6979 deterministic, low-S, r||s||v) -> full encoding (unsigned || signature) -> id (SHA-256 of the full encoding) -> sender (address recovered from the signature).",
            vectors: transactionInputs.map { input in
                let u = input.tx
                let tx = u.signed(with: key(input.key))
                guard case .transfer(let to, let amount) = u.operation else { fatalError() }
                return .init(
                    comment: input.comment, privateKey: input.key, chainId: u.chainID, nonce: String(u.nonce),
                    fee: String(u.fee),
                    operation: OperationForm(type: "transfer", tag: Int(Operation.transferTag), to: to.checksummed,
                                             amount: String(amount)),
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
                   proposer: h.proposer.checksummed, protocolVersion: String(h.protocolVersion))
    }

    static func header(_ f: HeaderForm) -> BlockHeader {
        BlockHeader(chainID: f.chainId, height: UInt64(f.height)!, time: UInt64(f.time)!,
                    previousBlockID: try! Hash32(hex: f.previousBlockId), transactionsRoot: try! Hash32(hex: f.transactionsRoot),
                    attestationsRoot: try! Hash32(hex: f.attestationsRoot), stateRoot: try! Hash32(hex: f.stateRoot),
                    validatorsHash: try! Hash32(hex: f.validatorsHash), nextValidatorsHash: try! Hash32(hex: f.nextValidatorsHash),
                    lastCommitHash: try! Hash32(hex: f.lastCommitHash), evidenceRoot: try! Hash32(hex: f.evidenceRoot),
                    proposer: try! Address(hex: f.proposer), protocolVersion: UInt64(f.protocolVersion)!)
    }

    static func fill(_ byte: UInt8) -> Hash32 { Hash32(unchecked: [UInt8](repeating: byte, count: 32)) }

    static let blockTransactions: [Transaction] = transactionInputs.prefix(2).map { $0.tx.signed(with: key($0.key)) }

    static let headerInputs: [(String, BlockHeader)] = [
        ("height 1 of an empty block: previous id is the genesis hash, both roots of the empty list",
         BlockHeader(chainID: "cairn-test", height: 1, time: 1_767_225_601_000, previousBlockID: fill(0x11),
                     transactionsRoot: MerkleRoot.of([]), attestationsRoot: MerkleRoot.of([]), stateRoot: fill(0x22),
                     validatorsHash: ValidatorSet([Validator(address: key(one(1)).address, power: 10)]).hash,
                     nextValidatorsHash: ValidatorSet([Validator(address: key(one(1)).address, power: 10)]).hash,
                     lastCommitHash: Block.lastCommitHash(nil), evidenceRoot: Block.evidenceRoot([]),
                     proposer: key(one(1)).address, protocolVersion: 1)),
        ("largest height and time",
         BlockHeader(chainID: "cairn-mainnet-1", height: .max, time: .max, previousBlockID: fill(0xff),
                     transactionsRoot: fill(0xee), attestationsRoot: fill(0xdd), stateRoot: fill(0xcc),
                     validatorsHash: fill(0xbb), nextValidatorsHash: fill(0xaa), lastCommitHash: fill(0x99), evidenceRoot: fill(0x88),
                     proposer: key(keyInputs[3]).address, protocolVersion: 300)),
        ("two transactions (the first two of transactions.json)",
         BlockHeader(chainID: "cairn-test", height: 2, time: 1_767_225_602_500, previousBlockID: fill(0x33),
                     transactionsRoot: MerkleRoot.of(blockTransactions.map(\.id)), attestationsRoot: MerkleRoot.of([]),
                     stateRoot: fill(0x44), validatorsHash: fill(0x55), nextValidatorsHash: fill(0x55),
                     lastCommitHash: fill(0x66), evidenceRoot: Block.evidenceRoot([]), proposer: key(one(2)).address, protocolVersion: 1)),
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
        let headers = headerInputs.map { comment, h in
            BlocksFile.HeaderEntry(comment: comment, header: headerForm(h), encoding: Hex.prefixed(h.canonicalBytes), id: h.id.hex)
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
            description: "Blocks (Specs/blocks.md): header fields -> header encoding -> block id (SHA-256 of the header encoding); a block (header || list of transactions); vote payloads -> signing preimage (encode_string(\"cairn/vote/v1\") || payload) -> signing hash -> signature; a commit encoding.",
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
        ("operation tag 1 (undefined)", "operation", "0x01" + String(repeating: "00", count: 20) + "00"),
        ("transfer amount with non-minimal varint", "operation", "0x00" + String(repeating: "00", count: 20) + "8000"),
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
        case "operation": _ = try r.read(Operation.self)
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
        {"chain_id": "cairn-devnet", "genesis_time": "2026-03-04T05:06:07.089Z", "protocol_version": 2,
         "params": {"max_block_transactions": 1, "max_block_bytes": 16384, "min_transaction_fee": "0"},
         "accounts": [],
         "validators": [{"address": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "power": 1}]}
        """),
    ]

    static func genesis() -> GenesisVectorFile {
        GenesisVectorFile(
            description: "Genesis (Specs/genesis.md): JSON file -> genesis encoding -> genesis hash = SHA-256(encode_string(\"cairn/genesis/v1\") || encoding).",
            vectors: genesisInputs.map { comment, json in
                let g = try! GenesisFile.parse(Array(json.utf8))
                let accounts = g.allocations.map { ($0.address, Account(balance: $0.balance, nonce: 0)) }
                return .init(comment: comment, json: json, genesisTimeMs: String(g.genesisTime),
                             encoding: Hex.prefixed(g.canonicalBytes), hash: g.hash.hex,
                             stateRoot: SpecModel.stateRoot(accounts).hex)
            })
    }
}

/// A direct transcription of Specs/merkle.md §2.2, Specs/state.md and Specs/transactions.md §6,
/// independent of the tree and executor code, so the vectors check that code against the specs.
enum SpecModel {
    static func bit(_ key: [UInt8], _ i: Int) -> Int { Int(key[i / 8] >> (7 - UInt8(i % 8))) & 1 }

    /// hash(T(S, d)) of the spec, by recursion over the entries.
    static func root(_ entries: [(key: [UInt8], value: [UInt8])], depth: Int = 0) -> [UInt8] {
        if entries.isEmpty { return [UInt8](repeating: 0, count: 32) }
        if entries.count == 1 { return Hash32.sha256([0x00] + entries[0].key + entries[0].value).bytes }
        let left = entries.filter { bit($0.key, depth) == 0 }, right = entries.filter { bit($0.key, depth) == 1 }
        return Hash32.sha256([0x01] + root(left, depth: depth + 1) + root(right, depth: depth + 1)).bytes
    }

    static func stateRoot(_ accounts: [(Address, Account)]) -> Hash32 {
        Hash32(unchecked: root(accounts.map { address, account in
            var w = CanonicalWriter()
            w.write(varint: account.balance)
            w.write(varint: account.nonce)
            return (key: Hash32.sha256([0x01] + address.bytes).bytes, value: Hash32.sha256(w.bytes).bytes)
        }))
    }

    /// Applies valid transfers (the vector's inputs are chosen valid) with the spec's effects.
    static func execute(_ state: inout [Address: Account], _ txs: [(sender: Address, tx: UnsignedTransaction)],
                        proposer: Address) -> Set<Address> {
        var changed = Set<Address>()
        for (sender, tx) in txs {
            guard case .transfer(let to, let amount) = tx.operation else { fatalError() }
            var s = state[sender] ?? .empty
            precondition(tx.nonce == s.nonce && s.balance >= amount + tx.fee, "vector input must be valid")
            s.balance -= amount + tx.fee
            s.nonce += 1
            state[sender] = s
            changed.insert(sender)
            if amount > 0 { state[to, default: .empty].balance += amount; changed.insert(to) }
            if tx.fee > 0 { state[proposer, default: .empty].balance += tx.fee; changed.insert(proposer) }
        }
        return changed
    }
}

extension VectorGenerator {
    // MARK: execution.json

    static func execution() -> ExecutionFile {
        let json = genesisInputs[0].1
        let g = try! GenesisFile.parse(Array(json.utf8))
        var state = Dictionary(uniqueKeysWithValues: g.allocations.map { ($0.address, Account(balance: $0.balance, nonce: 0)) })
        let k1 = key(one(1)), k2 = key(one(2)), proposer = key(one(3)).address
        let fresh = Address(unchecked: [UInt8](repeating: 0x42, count: 20))
        let inputs: [(PrivateKey, UnsignedTransaction)] = [
            (k1, UnsignedTransaction(chainID: g.chainID, nonce: 0, fee: 1_000, operation: .transfer(to: proposer, amount: 1_000_000_000_000_000_000))),
            (k1, UnsignedTransaction(chainID: g.chainID, nonce: 1, fee: 2_000, operation: .transfer(to: k2.address, amount: 7_000))),
            (k2, UnsignedTransaction(chainID: g.chainID, nonce: 0, fee: 1_000, operation: .transfer(to: k2.address, amount: 3_000))),
            (k1, UnsignedTransaction(chainID: g.chainID, nonce: 2, fee: 1_000, operation: .transfer(to: fresh, amount: 0))),
        ]
        let txs = inputs.map { $0.1.signed(with: $0.0) }
        let genesisRoot = stateRoot(state.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let changed = SpecModel.execute(&state, inputs.map { ($0.0.address, $0.1) }, proposer: proposer).sorted()
        return ExecutionFile(
            description: "Execution of block 1 on the genesis of genesis.json's first vector (Specs/transactions.md §6, Specs/state.md): the transactions, the fees paid, every changed account and the resulting state root. The zero transfer to 0x4242…42 creates no entry.",
            genesisJson: json, genesisStateRoot: genesisRoot.hex, height: "1", proposer: proposer.checksummed,
            transactions: txs.map { Hex.prefixed($0.canonicalBytes) }, transactionIds: txs.map(\.id.hex),
            transactionsRoot: MerkleRoot.of(txs.map(\.id)).hex, feesPaid: txs.map { String($0.fee) },
            changedAccounts: changed.map { .init(address: $0.checksummed, balance: String(state[$0]!.balance), nonce: String(state[$0]!.nonce)) },
            stateRoot: stateRoot(state.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).hex)
    }

    static func stateRoot(_ accounts: [(Address, Account)]) -> Hash32 { SpecModel.stateRoot(accounts) }
}
