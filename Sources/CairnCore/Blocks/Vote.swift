import CairnCrypto

/// The kind of a consensus vote.
public enum VoteType: UInt64, Sendable, Hashable {
    case prevote = 1
    case precommit = 2
}

/// What a validator signs when it votes: the chain, the step, and the block (nil = no block).
public struct VoteSigningPayload: Sendable, Hashable, CanonicalEncodable {
    public var chainID: String
    public var type: VoteType
    public var height: UInt64
    public var round: UInt64
    public var blockID: Hash32?

    public init(chainID: String, type: VoteType, height: UInt64, round: UInt64, blockID: Hash32?) {
        self.chainID = chainID
        self.type = type
        self.height = height
        self.round = round
        self.blockID = blockID
    }

    public static let signingDomain = "cairn/vote/v1"

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(varint: type.rawValue)
        writer.write(varint: height)
        writer.write(varint: round)
        writer.write(optional: blockID)
    }

    /// SHA-256(encode_string("cairn/vote/v1") ‖ encode(payload)).
    public var signingHash: Hash32 { domainHash(Self.signingDomain) }
}
