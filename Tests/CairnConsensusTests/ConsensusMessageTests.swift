import CairnCore
import CairnCrypto
import Testing

/// The signed messages validators exchange: signatures bind every field, and one equivocation has
/// exactly one evidence encoding.
@Suite struct ConsensusMessageTests {
    static let key = try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [7])
    static let chainID = "cairn-test"

    static func vote(_ blockID: Hash32?, round: UInt64 = 0, key: PrivateKey = key) -> SignedVote {
        let payload = VoteSigningPayload(chainID: chainID, type: .prevote, height: 5, round: round, blockID: blockID)
        return SignedVote(payload: payload, validator: key.address, signature: key.sign(digest: payload.signingHash))
    }

    @Test func voteSignatureBindsEveryField() throws {
        let vote = Self.vote(Hash32(unchecked: [UInt8](repeating: 1, count: 32)))
        #expect(vote.hasValidSignature(chainID: Self.chainID))
        #expect(!vote.hasValidSignature(chainID: "other-chain"))
        var changed = vote
        changed.round = 1
        #expect(!changed.hasValidSignature(chainID: Self.chainID))
        changed = vote
        changed.type = .precommit
        #expect(!changed.hasValidSignature(chainID: Self.chainID))
        #expect(try SignedVote(canonicalBytes: vote.canonicalBytes) == vote)
    }

    @Test func proposalSignatureBindsPolRound() throws {
        let payload = ProposalSigningPayload(chainID: Self.chainID, height: 3, round: 2, polRound: 1,
                                             blockID: Hash32(unchecked: [UInt8](repeating: 9, count: 32)))
        let proposal = SignedProposal(height: 3, round: 2, polRound: 1, blockID: payload.blockID,
                                      proposer: Self.key.address, signature: Self.key.sign(digest: payload.signingHash))
        #expect(proposal.hasValidSignature(chainID: Self.chainID))
        var fresh = proposal
        fresh.polRound = nil
        #expect(!fresh.hasValidSignature(chainID: Self.chainID))
        #expect(try SignedProposal(canonicalBytes: proposal.canonicalBytes) == proposal)
    }

    @Test func evidenceIsCanonicalWhicheverOrderItIsFoundIn() throws {
        let a = Self.vote(Hash32(unchecked: [UInt8](repeating: 2, count: 32)))
        let b = Self.vote(nil)
        let ab = try #require(DuplicateVoteEvidence(a, b))
        let ba = try #require(DuplicateVoteEvidence(b, a))
        #expect(ab == ba && ab.id == ba.id)
        #expect(ab.first == b, "a nil vote orders first")
        #expect(ab.hasValidSignatures(chainID: Self.chainID))
        #expect(try DuplicateVoteEvidence(canonicalBytes: ab.canonicalBytes) == ab)

        // Reversed on the wire, or not a conflict at all: refused.
        var swapped = CanonicalWriter()
        swapped.write(ab.second)
        swapped.write(ab.first)
        #expect(throws: CanonicalDecodingError.self) { try DuplicateVoteEvidence(canonicalBytes: swapped.bytes) }
        #expect(DuplicateVoteEvidence(a, a) == nil)
        #expect(DuplicateVoteEvidence(a, Self.vote(nil, round: 1)) == nil)
        let other = try PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [8])
        #expect(DuplicateVoteEvidence(a, Self.vote(nil, key: other)) == nil)
    }
}
