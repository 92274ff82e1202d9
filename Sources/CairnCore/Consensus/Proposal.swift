import CairnCrypto

/// What a proposer signs: the block it proposes for a height and round, and the round in which
/// that block got a polka (prevotes of more than 2/3) if it re-proposes a valid value.
public struct ProposalSigningPayload: Sendable, Hashable, CanonicalEncodable {
    public var chainID: String
    public var height: UInt64
    public var round: UInt64
    /// The proof-of-lock round (`validRound` in the algorithm); nil = a fresh value (-1 in the paper).
    public var polRound: UInt64?
    public var blockID: Hash32

    public init(chainID: String, height: UInt64, round: UInt64, polRound: UInt64?, blockID: Hash32) {
        self.chainID = chainID
        self.height = height
        self.round = round
        self.polRound = polRound
        self.blockID = blockID
    }

    public static let signingDomain = "cairn/proposal/v1"

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(varint: height)
        writer.write(varint: round)
        writer.write(optional: polRound)
        writer.write(hash: blockID)
    }

    /// SHA-256(encode_string("cairn/proposal/v1") ‖ encode(payload)).
    public var signingHash: Hash32 { domainHash(Self.signingDomain) }
}

/// A signed proposal as it travels between validators (the block itself travels beside it).
public struct SignedProposal: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    public var round: UInt64
    public var polRound: UInt64?
    public var blockID: Hash32
    public var proposer: Address
    public var signature: RecoverableSignature

    public init(height: UInt64, round: UInt64, polRound: UInt64?, blockID: Hash32, proposer: Address,
                signature: RecoverableSignature) {
        self.height = height
        self.round = round
        self.polRound = polRound
        self.blockID = blockID
        self.proposer = proposer
        self.signature = signature
    }

    public func payload(chainID: String) -> ProposalSigningPayload {
        ProposalSigningPayload(chainID: chainID, height: height, round: round, polRound: polRound, blockID: blockID)
    }

    public func hasValidSignature(chainID: String) -> Bool {
        (try? signature.recoverAddress(digest: payload(chainID: chainID).signingHash)) == proposer
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: height)
        writer.write(varint: round)
        writer.write(optional: polRound)
        writer.write(hash: blockID)
        writer.write(address: proposer)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        height = try reader.readVarint("proposal.height")
        round = try reader.readVarint("proposal.round")
        polRound = try reader.readOptional("proposal.pol_round")
        blockID = try reader.readHash("proposal.block_id")
        proposer = try reader.readAddress("proposal.proposer")
        signature = try reader.read(RecoverableSignature.self)
    }
}
