import CairnCrypto

/// A block header. Its id is SHA-256 of its canonical encoding.
public struct BlockHeader: Sendable, Hashable, CanonicalCodable {
    public var chainID: String
    public var height: UInt64
    /// Milliseconds since the Unix epoch, as proposed; strictly greater than the parent's.
    public var time: UInt64
    /// The parent's id; the genesis hash for height 1.
    public var previousBlockID: Hash32
    /// `MerkleRoot.of` the transaction ids, in block order.
    public var transactionsRoot: Hash32
    /// `MerkleRoot.of` the attestation ids (none exist yet: the root of the empty list).
    public var attestationsRoot: Hash32
    /// The state root after executing this block.
    public var stateRoot: Hash32
    /// `ValidatorSet.hash` of the set that votes on this height.
    public var validatorsHash: Hash32
    /// `ValidatorSet.hash` of the set that votes on the next height.
    public var nextValidatorsHash: Hash32
    /// SHA-256 of the encoding of the block's `lastCommit` (an optional, so height 1 hashes `0x00`).
    public var lastCommitHash: Hash32
    /// `MerkleRoot.of` the ids of the block's evidence.
    public var evidenceRoot: Hash32
    public var proposer: Address
    /// The proposer's key, and its VRF seed for this height with the proof.
    public var seal: BlockSeal
    public var protocolVersion: UInt64

    public init(chainID: String, height: UInt64, time: UInt64, previousBlockID: Hash32,
                transactionsRoot: Hash32, attestationsRoot: Hash32, stateRoot: Hash32,
                validatorsHash: Hash32, nextValidatorsHash: Hash32, lastCommitHash: Hash32, evidenceRoot: Hash32,
                proposer: Address, seal: BlockSeal, protocolVersion: UInt64) {
        self.chainID = chainID
        self.height = height
        self.time = time
        self.previousBlockID = previousBlockID
        self.transactionsRoot = transactionsRoot
        self.attestationsRoot = attestationsRoot
        self.stateRoot = stateRoot
        self.validatorsHash = validatorsHash
        self.nextValidatorsHash = nextValidatorsHash
        self.lastCommitHash = lastCommitHash
        self.evidenceRoot = evidenceRoot
        self.proposer = proposer
        self.seal = seal
        self.protocolVersion = protocolVersion
    }

    public var id: Hash32 { Hash32.sha256(canonicalBytes) }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(varint: height)
        writer.write(varint: time)
        writer.write(hash: previousBlockID)
        writer.write(hash: transactionsRoot)
        writer.write(hash: attestationsRoot)
        writer.write(hash: stateRoot)
        writer.write(hash: validatorsHash)
        writer.write(hash: nextValidatorsHash)
        writer.write(hash: lastCommitHash)
        writer.write(hash: evidenceRoot)
        writer.write(address: proposer)
        writer.write(fixed: seal.proposerKey.compressed)
        writer.write(hash: seal.seed)
        writer.write(fixed: seal.proof.bytes)
        writer.write(varint: protocolVersion)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        chainID = try reader.readString("header.chain_id", limit: ChainID.maxLength)
        height = try reader.readVarint("header.height")
        time = try reader.readVarint("header.time")
        previousBlockID = try reader.readHash("header.previous_block_id")
        transactionsRoot = try reader.readHash("header.transactions_root")
        attestationsRoot = try reader.readHash("header.attestations_root")
        stateRoot = try reader.readHash("header.state_root")
        validatorsHash = try reader.readHash("header.validators_hash")
        nextValidatorsHash = try reader.readHash("header.next_validators_hash")
        lastCommitHash = try reader.readHash("header.last_commit_hash")
        evidenceRoot = try reader.readHash("header.evidence_root")
        proposer = try reader.readAddress("header.proposer")
        let key = try reader.readFixed("header.proposer_key", count: 33)
        let seed = try reader.readHash("header.seed")
        let proof = try reader.readFixed("header.seed_proof", count: VRFProof.byteCount)
        guard key[0] == 0x02 || key[0] == 0x03, let proposerKey = try? PublicKey(bytes: key) else {
            throw .invalidValue(field: "header.proposer_key", reason: "not a compressed secp256k1 public key")
        }
        do { seal = BlockSeal(proposerKey: proposerKey, seed: seed, proof: try VRFProof(bytes: proof)) } catch {
            throw .invalidValue(field: "header.seed_proof", reason: error.description)
        }
        protocolVersion = try reader.readVarint("header.protocol_version")
    }
}
