import CairnCore
import CairnCrypto
@testable import CairnNode
import Testing

/// The consensus driver's pending evidence: kept once each, oldest first, dropped when included
/// or too old, bounded by what the caller passes.
@Suite struct EvidencePoolTests {
    static let chainID = "cairn-evidence-pool"
    static let keys = (1...4).map { i in try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [UInt8(0x40 + i)]) }

    /// Validator `validator` prevoting both block A and nil at `height`/`round`.
    static func evidence(_ validator: Int = 0, height: UInt64, round: UInt64 = 0) -> DuplicateVoteEvidence {
        let key = keys[validator]
        func vote(_ block: Hash32?) -> SignedVote {
            let payload = VoteSigningPayload(chainID: chainID, type: .prevote, height: height, round: round, blockID: block)
            return SignedVote(payload: payload, validator: key.address, signature: key.sign(digest: payload.signingHash))
        }
        return DuplicateVoteEvidence(vote(Hash32.sha256([1])), vote(nil))!
    }

    @Test func addsEachPieceOnceInOrder() {
        var pool = EvidencePool()
        #expect(pool.isEmpty)
        let a = Self.evidence(0, height: 5), b = Self.evidence(1, height: 5), c = Self.evidence(0, height: 5, round: 1)
        let added = [pool.add(a), pool.add(b), pool.add(a), pool.add(c)]
        #expect(added == [true, true, false, true], "a piece already held is not added again")
        #expect(pool.count == 3 && pool.contains(b))
        #expect(Array(pool.prefix(2)) == [a, b])
        #expect(Array(pool.prefix(50)) == [a, b, c])
        #expect(pool.prefix(0).isEmpty)
    }

    @Test func limitRefusesNewPiecesWhenFull() {
        var pool = EvidencePool()
        let pieces = (0..<4).map { Self.evidence($0, height: 9) }
        let added = pieces.map { pool.add($0, limit: 3) }
        #expect(added == [true, true, true, false])
        #expect(Array(pool.prefix(10)) == Array(pieces.prefix(3)), "the oldest are kept")
        let addedUnderAHigherLimit = pool.add(pieces[3], limit: 4)
        #expect(addedUnderAHigherLimit)
    }

    @Test func committedBlockRemovesWhatItIncluded() {
        var pool = EvidencePool()
        let a = Self.evidence(0, height: 3), b = Self.evidence(1, height: 3), c = Self.evidence(2, height: 4)
        for piece in [a, b, c] { pool.add(piece) }
        pool.remove(included: [])
        #expect(pool.count == 3)
        pool.remove(included: [c, a, Self.evidence(3, height: 4)])
        #expect(Array(pool.prefix(10)) == [b])
    }

    @Test func expiryKeepsExactlyMaxAgeHeights() {
        var pool = EvidencePool()
        let old = Self.evidence(0, height: 10), edge = Self.evidence(1, height: 11), young = Self.evidence(2, height: 500)
        for piece in [old, edge, young] { pool.add(piece) }
        // At height 1010, evidence of height 10 is exactly 1000 old: kept (the driver's rule:
        // dropped when height + maxAge < block height).
        pool.removeExpired(height: 1_010, maxAge: 1_000)
        #expect(pool.count == 3)
        pool.removeExpired(height: 1_011, maxAge: 1_000)
        #expect(Array(pool.prefix(10)) == [edge, young])
        pool.removeExpired(height: 1_012, maxAge: 1_000)
        #expect(Array(pool.prefix(10)) == [young])
        // Low heights and huge ages neither drop anything nor overflow.
        pool.removeExpired(height: 3, maxAge: 1_000)
        pool.removeExpired(height: UInt64.max, maxAge: UInt64.max)
        #expect(pool.count == 1)
        pool.removeExpired(height: UInt64.max, maxAge: 0)
        #expect(pool.isEmpty)
    }

    @Test func singlePiecesAndEverythingCanBeRemoved() {
        var pool = EvidencePool()
        let a = Self.evidence(0, height: 2), b = Self.evidence(1, height: 2)
        pool.add(a)
        pool.add(b)
        pool.remove(a)
        #expect(Array(pool.prefix(10)) == [b])
        pool.remove(a)
        #expect(pool.count == 1)
        pool.add(a)
        #expect(Array(pool.prefix(10)) == [b, a], "a removed piece comes back at the end")
        pool.removeAll()
        #expect(pool.isEmpty)
    }
}
