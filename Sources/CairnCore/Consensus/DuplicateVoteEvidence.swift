import CairnCrypto

/// Proof that a validator signed two different votes of one type for the same height and round.
/// The two votes are kept in a canonical order (by the encoding of their block ids, nil first), so
/// one misbehaviour has exactly one encoding and one id.
public struct DuplicateVoteEvidence: Sendable, Hashable, CanonicalCodable {
    public let first: SignedVote
    public let second: SignedVote

    /// Orders the pair; nil when the votes are not a conflicting pair (different voter, height,
    /// round or type, or the same block).
    public init?(_ a: SignedVote, _ b: SignedVote) {
        guard a.validator == b.validator, a.height == b.height, a.round == b.round, a.type == b.type,
              a.blockID != b.blockID else { return nil }
        if Self.orderKey(a.blockID).lexicographicallyPrecedes(Self.orderKey(b.blockID)) {
            (first, second) = (a, b)
        } else {
            (first, second) = (b, a)
        }
    }

    public var validator: Address { first.validator }
    public var height: UInt64 { first.height }
    public var id: Hash32 { Hash32.sha256(canonicalBytes) }

    private static func orderKey(_ blockID: Hash32?) -> [UInt8] {
        blockID.map { [1] + $0.bytes } ?? [0]
    }

    /// Both signatures recover the validator on `chainID`.
    public func hasValidSignatures(chainID: String) -> Bool {
        first.hasValidSignature(chainID: chainID) && second.hasValidSignature(chainID: chainID)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(first)
        writer.write(second)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let a = try reader.read(SignedVote.self)
        let b = try reader.read(SignedVote.self)
        guard let evidence = DuplicateVoteEvidence(a, b), evidence.first == a else {
            throw .invalidValue(field: "evidence", reason: "the votes are not a conflicting pair in canonical order")
        }
        self = evidence
    }
}
