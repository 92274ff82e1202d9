import CairnCrypto

/// One validator's precommit signature inside a commit.
public struct CommitSignature: Sendable, Hashable, CanonicalCodable {
    public var validator: Address
    public var signature: RecoverableSignature

    public init(validator: Address, signature: RecoverableSignature) {
        self.validator = validator
        self.signature = signature
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: validator)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        validator = try reader.readAddress("commit.validator")
        signature = try reader.read(RecoverableSignature.self)
    }
}

/// Precommits for one block from validators holding more than 2/3 of the voting power.
public struct Commit: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    public var round: UInt64
    public var blockID: Hash32
    /// Sorted by validator address, at most one per validator.
    public var signatures: [CommitSignature]

    public static let maxSignatures = 10_000

    public init(height: UInt64, round: UInt64, blockID: Hash32, signatures: [CommitSignature]) {
        self.height = height
        self.round = round
        self.blockID = blockID
        self.signatures = signatures
    }

    public func payload(chainID: String) -> VoteSigningPayload {
        VoteSigningPayload(chainID: chainID, type: .precommit, height: height, round: round, blockID: blockID)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: height)
        writer.write(varint: round)
        writer.write(hash: blockID)
        writer.write(list: signatures)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        height = try reader.readVarint("commit.height")
        round = try reader.readVarint("commit.round")
        blockID = try reader.readHash("commit.block_id")
        signatures = try reader.readList("commit.signatures", limit: Self.maxSignatures)
    }
}
