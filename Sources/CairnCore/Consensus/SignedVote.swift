import CairnCrypto

/// A prevote or precommit as validators exchange it: the signed payload's fields, the voter and
/// its signature over `payload(chainID:).signingHash`. The chain id is not carried: every message
/// travels inside one chain's network and is checked against that chain's id.
public struct SignedVote: Sendable, Hashable, CanonicalCodable {
    public var type: VoteType
    public var height: UInt64
    public var round: UInt64
    /// nil = a vote for no block.
    public var blockID: Hash32?
    public var validator: Address
    public var signature: RecoverableSignature

    public init(type: VoteType, height: UInt64, round: UInt64, blockID: Hash32?, validator: Address,
                signature: RecoverableSignature) {
        self.type = type
        self.height = height
        self.round = round
        self.blockID = blockID
        self.validator = validator
        self.signature = signature
    }

    public init(payload: VoteSigningPayload, validator: Address, signature: RecoverableSignature) {
        self.init(type: payload.type, height: payload.height, round: payload.round, blockID: payload.blockID,
                  validator: validator, signature: signature)
    }

    public func payload(chainID: String) -> VoteSigningPayload {
        VoteSigningPayload(chainID: chainID, type: type, height: height, round: round, blockID: blockID)
    }

    /// Whether the signature recovers `validator` for this vote on `chainID`.
    public func hasValidSignature(chainID: String) -> Bool {
        (try? signature.recoverAddress(digest: payload(chainID: chainID).signingHash)) == validator
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: type.rawValue)
        writer.write(varint: height)
        writer.write(varint: round)
        writer.write(optional: blockID)
        writer.write(address: validator)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let tag = try reader.readVarint("vote.type")
        guard let type = VoteType(rawValue: tag) else { throw .unknownTag(type: "vote type", tag: tag) }
        self.type = type
        height = try reader.readVarint("vote.height")
        round = try reader.readVarint("vote.round")
        blockID = try reader.readOptional("vote.block_id")
        validator = try reader.readAddress("vote.validator")
        signature = try reader.read(RecoverableSignature.self)
    }
}
