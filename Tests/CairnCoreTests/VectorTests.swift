import CairnCore
import CairnCrypto
import CairnState
import Foundation
import CairnTestSupport
import Testing

/// Specs/vectors/*.json are produced by this code. With CAIRN_WRITE_VECTORS=1 the tests (re)write
/// them; otherwise they read them and require the code to reproduce every field, and check the
/// files in the other direction too (decode the encodings, recover the signers).
@Suite("Spec vectors")
struct VectorTests {
    /// Writes `generated` (writing mode) or returns the stored file after checking it equals `generated`.
    static func roundTrip<F: Codable & Equatable>(_ name: String, _ generated: F) throws -> F {
        let stored = try SpecVectors.load(name, generated: generated)
        #expect(stored == generated, "\(name) differs from what the code produces; rerun with CAIRN_WRITE_VECTORS=1 if the change is intended")
        return stored
    }

    @Test func keys() throws {
        let file = try Self.roundTrip("keys.json", VectorGenerator.keys())
        #expect(file.vectors.contains { $0.address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" })
        for v in file.vectors {
            let key = try PrivateKey(hex: v.privateKey)
            #expect(Hex.prefixed(key.publicKey.uncompressed) == v.publicKeyUncompressed)
            #expect(try PublicKey(bytes: Hex.decode(v.publicKeyCompressed)).address.checksummed == v.address)
        }
    }

    @Test func transactions() throws {
        let file = try Self.roundTrip("transactions.json", VectorGenerator.transactions())
        #expect(file.vectors.count >= 5)
        // Every operation tag has a vector.
        #expect(Set(file.vectors.map(\.operation.tag)) == Set(0...7))
        for v in file.vectors {
            let tx = try Transaction.decode(Hex.decode(v.encoding))
            #expect(tx.chainID == v.chainId)
            #expect(String(tx.nonce) == v.nonce)
            #expect(String(tx.fee) == v.fee)
            #expect(OperationForm(tx.operation) == v.operation)
            // The tag is the first byte after chain id, nonce and fee (all tags are below 128).
            var w = CanonicalWriter()
            w.write(string: tx.chainID); w.write(varint: tx.nonce); w.write(varint: tx.fee)
            #expect(try Hex.decode(v.unsignedEncoding)[w.bytes.count] == UInt8(v.operation.tag))
            #expect(Hex.prefixed(tx.unsigned.canonicalBytes) == v.unsignedEncoding)
            #expect(try Hash32.sha256(Hex.decode(v.signingPreimage)).hex == v.signingHash)
            #expect(try tx.recoverSender().checksummed == v.sender)
            #expect(try PrivateKey(hex: v.privateKey).address.checksummed == v.sender)
            #expect(try Hash32.sha256(Hex.decode(v.encoding)).hex == v.id)
            // Deterministic signing: the same key and transaction give the same signature bytes.
            #expect(tx.unsigned.signed(with: try PrivateKey(hex: v.privateKey)).signature.hex == v.signature)
        }
    }

    @Test func blocks() throws {
        let file = try Self.roundTrip("blocks.json", VectorGenerator.blocks())
        for v in file.headers {
            let h = try BlockHeader(canonicalBytes: Hex.decode(v.encoding))
            #expect(VectorGenerator.headerForm(h) == v.header)
            #expect(try Hash32.sha256(Hex.decode(v.encoding)).hex == v.id)
            // The seal sits between the proposer and the protocol version: key 33 ‖ seed 32 ‖ proof 81.
            let bytes = try Hex.decode(v.encoding)
            let seal = try Hex.decode(v.header.proposerKey) + Hex.decode(v.header.seed) + Hex.decode(v.header.seedProof)
            var version = CanonicalWriter()
            version.write(varint: h.protocolVersion)
            #expect(Array(bytes.suffix(seal.count + version.bytes.count)) == seal + version.bytes)
            #expect(Array(bytes.dropLast(seal.count + version.bytes.count).suffix(20)) == (try Address(hex: v.header.proposer)).bytes)
            #expect(throws: Never.self) { try h.seal.check(proposer: h.proposer, previousSeed: Hash32(hex: v.previousSeed), height: h.height) }
        }
        for v in file.blocks {
            let block = try Block(canonicalBytes: Hex.decode(v.encoding))
            #expect(block.header == VectorGenerator.header(v.header))
            #expect(block.transactions.map { Hex.prefixed($0.canonicalBytes) } == v.transactions)
            #expect(MerkleRoot.of(try v.transactionIds.map { try Hash32(hex: $0) }).hex == v.header.transactionsRoot)
            #expect(block.id.hex == v.id)
        }
        for v in file.votes {
            let hash = try Hash32(hex: v.signingHash)
            #expect(try Hash32.sha256(Hex.decode(v.signingPreimage)) == hash)
            #expect(try RecoverableSignature(hex: v.signature).recoverAddress(digest: hash).checksummed == v.signer)
            #expect(try PrivateKey(hex: v.privateKey).address.checksummed == v.signer)
        }
        for v in file.commits {
            let commit = try Commit(canonicalBytes: Hex.decode(v.encoding))
            let set = ValidatorSet(try v.signatures.map { Validator(address: try Address(hex: $0.validator), power: 1) })
            try set.verify(commit: commit, chainID: v.chainId, height: UInt64(v.height)!, blockID: try Hash32(hex: v.blockId))
        }
    }

    @Test func encoding() throws {
        let file = try Self.roundTrip("encoding.json", VectorGenerator.encoding())
        for v in file.valid {
            #expect(throws: Never.self) { try VectorGenerator.decode(type: v.type, Hex.decode(v.encoding)) }
        }
        for v in file.invalid {
            do throws(CanonicalDecodingError) {
                try VectorGenerator.decode(type: v.type, try! Hex.decode(v.encoding))
                Issue.record("\(v.comment) decodes")
            } catch {
                #expect(error.kind == v.error, "\(v.comment)")
            }
        }
        let kinds = Set(file.invalid.map(\.error))
        #expect(kinds.isSuperset(of: ["truncated", "trailing_bytes", "non_minimal_varint", "varint_overflow",
                                      "length_exceeds_limit", "unknown_tag", "invalid_value"]))
    }

    @Test func state() throws {
        let file = try Self.roundTrip("state.json", VectorGenerator.state())
        for v in file.accountKeys {
            #expect(try Hash32.sha256([0x01] + Address(hex: v.address).bytes).hex == v.key)
        }
        for v in file.accountValues {
            let account = try Account(canonicalBytes: Hex.decode(v.encoding))
            #expect(String(account.balance) == v.balance && String(account.nonce) == v.nonce)
        }
    }

    @Test func genesis() throws {
        let file = try Self.roundTrip("genesis.json", VectorGenerator.genesis())
        for v in file.vectors {
            let g = try GenesisFile.parse(Array(v.json.utf8))
            #expect(String(g.genesisTime) == v.genesisTimeMs)
            var w = CanonicalWriter()
            w.write(string: "cairn/genesis/v1")
            #expect(try Hash32.sha256(w.bytes + Hex.decode(v.encoding)).hex == v.hash)
            #expect(g.hash.hex == v.hash)
            // The listed entries are the whole state: their root is the state root, accounts
            // and one validator record per genesis validator among them.
            let entries = try v.stateEntries.map { e -> (key: [UInt8], value: [UInt8]) in
                let stateKey = [UInt8(e.namespace)] + (try Hex.decode(e.key))
                return (key: Hash32.sha256(stateKey).bytes, value: Hash32.sha256(try Hex.decode(e.encoding)).bytes)
            }
            #expect(Hex.prefixed(SpecModel.root(entries)) == v.stateRoot)
            #expect(v.stateEntries.filter { $0.namespace == 0x01 }.count == g.allocations.count)
            #expect(v.stateEntries.filter { $0.namespace == 0x02 }.map(\.key)
                    == g.validators.validators.map { Hex.prefixed($0.address.bytes) })
            #expect(v.stateEntries.map(\.namespace).filter { (0x10...0x12).contains($0) } == [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x11, 0x12],
                    "the parameters records of bank, consensus, coverage, devices, emission, energy, staking and storage, the chain version, the supply")
            let makers = try JSONText.parse(v.json)["state"]?["devices"]?["makers"]?.arrayValue ?? []
            #expect(v.stateEntries.filter { $0.namespace == 0x14 }.count == makers.count, "a maker record per genesis maker")
        }
        #expect(file.vectors.contains { $0.json.contains("\"staking\"") }, "a vector sets params.staking")
    }

    @Test func execution() throws {
        let file = try Self.roundTrip("execution.json", VectorGenerator.execution())
        #expect(file.changedAccounts.map(\.address).contains("0x4242424242424242424242424242424242424242") == false)
        let txs = try file.transactions.map { try Transaction.decode(Hex.decode($0)) }
        #expect(txs.map(\.id.hex) == file.transactionIds)
        #expect(MerkleRoot.of(txs.map(\.id)).hex == file.transactionsRoot)
        // Fees go to the reward pot, not to the proposer (Specs/transactions.md §6).
        #expect(file.rewardPot == String(txs.reduce(Amount(0)) { $0 + $1.fee }))
        #expect(file.changedStakingEntries.isEmpty)
        #expect(file.changedAccounts.contains { $0.address == ModuleAccount.feeCollector.checksummed && $0.balance == file.rewardPot })
        #expect(file.changedAccounts.first { $0.address == file.proposer }?.balance == "1000000000000000000")
    }

    /// The runtime's records and events, recomputed here from the Specs: module-account
    /// addresses by their derivation, records and events field by field.
    @Test func runtime() throws {
        let file = try Self.roundTrip("runtime.json", VectorGenerator.runtime())
        for entry in file.moduleAccounts {
            #expect(SpecModel.moduleAccount(entry.name).checksummed == entry.address)
        }
        let byComment = Dictionary(uniqueKeysWithValues: file.records.map { ($0.comment, $0) })
        // Consensus: max_block_transactions, max_block_bytes, min_transaction_fee, mempool_expiry_blocks.
        #expect(byComment["consensus parameters, the defaults"]?.encoding == Hex.prefixed(SpecModel.varints([10_000, 4 << 20, 0, 600, 2_000, 4 << 20])))
        #expect(byComment["consensus parameters, the defaults"]?.key == Hex.prefixed(Array("consensus".utf8)))
        // Emission: epoch_length, per_epoch, shares (count, then pool name and ppm each).
        var w = CanonicalWriter()
        w.write(varint: UInt64(10)); w.write(varint: UInt128(5_000)); w.write(varint: UInt64(1))
        w.write(string: "staking_rewards"); w.write(varint: UInt64(1_000_000))
        #expect(byComment["emission parameters: 5000 per 10-block epoch, all to staking_rewards"]?.encoding == Hex.prefixed(w.bytes))
        #expect(byComment["bank parameters (none)"]?.encoding == "0x")
        // Chain version: version, then an optional plan (flag, name, height, version).
        var plan = CanonicalWriter()
        plan.write(varint: UInt64(1)); plan.write(bool: true); plan.write(string: "v2"); plan.write(varint: UInt64(1_000)); plan.write(varint: UInt64(2))
        #expect(byComment["chain version 1 with a plan for version 2 at height 1000"]?.encoding == Hex.prefixed(plan.bytes))
        #expect(byComment["chain version 1, no plan"]?.encoding == "0x0100")
        #expect(byComment["supply record"]?.encoding == Hex.prefixed(SpecModel.varints([1_000_000, 5_000, 7])))
        // Events: module, kind, then the attributes (count, key and value each) as strings.
        for (entry, (_, event)) in zip(file.events, VectorGenerator.runtimeEvents) {
            var e = CanonicalWriter()
            e.write(string: event.module); e.write(string: event.kind); e.write(varint: UInt64(event.attributes.count))
            for a in event.attributes { e.write(string: a.key); e.write(string: a.value) }
            #expect(entry.encoding == Hex.prefixed(e.bytes))
            #expect(try Event(canonicalBytes: Hex.decode(entry.encoding)) == event)
        }
        // A block's results: begin events, then one list of events per attestation, then end events.
        let r = VectorGenerator.runtimeBlockResults
        var results = CanonicalWriter()
        results.write(list: r.beginEvents)
        results.write(varint: UInt64(r.attestations.count))
        for a in r.attestations { results.write(list: a.events) }
        results.write(list: r.endEvents)
        #expect(file.blockResults.encoding == Hex.prefixed(results.bytes))
    }

    /// The spec model's tree root agrees with the worked example of Specs/merkle.md §3.
    @Test func specModelMatchesTheMerkleSpecExample() {
        func h(_ s: String) -> [UInt8] { Hash32.sha256(Array(s.utf8)).bytes }
        let entries = ["alice", "carol", "dave"].map { (key: h($0), value: h("value of " + $0)) }
        #expect(Hex.prefixed(SpecModel.root(entries)) == "0x037d93187d0500ffd982edc96aeb75773d94e7f3638ec8bff0e19aa412227114")
        #expect(SpecModel.root([]) == [UInt8](repeating: 0, count: 32))
    }
}
