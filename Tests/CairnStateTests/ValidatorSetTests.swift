import CairnCore
import CairnCrypto
import Testing

/// Commit verification with real signatures.
@Suite("Validator set")
struct ValidatorSetTests {
    static let keys = Array(TestKeys.all.prefix(4)).sorted { $0.address < $1.address }
    static let blockID = Hash32.sha256(Array("block".utf8))
    static let height: UInt64 = 7

    static func set(_ powers: [UInt64]) -> ValidatorSet {
        ValidatorSet(zip(keys, powers).map { Validator(address: $0.address, power: $1) })
    }

    static func sign(_ key: PrivateKey, round: UInt64 = 0, type: VoteType = .precommit, chain: String = chainID,
                     block: Hash32 = blockID) -> CommitSignature {
        let payload = VoteSigningPayload(chainID: chain, type: type, height: height, round: round, blockID: block)
        return CommitSignature(validator: key.address, signature: key.sign(digest: payload.signingHash))
    }

    static func commit(_ sigs: [CommitSignature], round: UInt64 = 0) -> Commit {
        Commit(height: height, round: round, blockID: blockID, signatures: sigs)
    }

    func verify(_ set: ValidatorSet, _ commit: Commit) -> CommitVerificationError? {
        do throws(CommitVerificationError) {
            try set.verify(commit: commit, chainID: chainID, height: Self.height, blockID: Self.blockID)
            return nil
        } catch { return error }
    }

    @Test func acceptsMoreThanTwoThirds() {
        let equal = Self.set([1, 1, 1, 1])
        #expect(verify(equal, Self.commit(Self.keys.prefix(3).map { Self.sign($0) })) == nil)
        #expect(verify(equal, Self.commit(Self.keys.map { Self.sign($0) })) == nil)
        // Signatures from a later round count too: the payload carries the commit's round.
        #expect(verify(equal, Self.commit(Self.keys.prefix(3).map { Self.sign($0, round: 3) }, round: 3)) == nil)
    }

    @Test func rejectsTwoThirdsOrLess() {
        #expect(verify(Self.set([1, 1, 1, 1]), Self.commit(Self.keys.prefix(2).map { Self.sign($0) }))
                == .insufficientPower(signed: 2, total: 4))
        // Exactly 2/3 is not enough: 3·6 > 2·9 is false.
        let weighted = Self.set([6, 1, 1, 1])
        #expect(verify(weighted, Self.commit([Self.sign(Self.keys[0])])) == .insufficientPower(signed: 6, total: 9))
        #expect(verify(weighted, Self.commit([Self.sign(Self.keys[0]), Self.sign(Self.keys[1])])) == nil)
        #expect(verify(weighted, Self.commit([])) == .insufficientPower(signed: 0, total: 9))
    }

    @Test func rejectsUnsortedAndDuplicateSignatures() {
        let set = Self.set([1, 1, 1, 1])
        let s = Self.keys.map { Self.sign($0) }
        #expect(verify(set, Self.commit([s[1], s[0], s[2]])) == .unsortedOrDuplicate(s[0].validator))
        #expect(verify(set, Self.commit([s[0], s[1], s[1], s[2]])) == .unsortedOrDuplicate(s[1].validator))
    }

    @Test func rejectsUnknownValidators() {
        let set = Self.set([1, 1, 1])   // the fourth key is not a member
        let sigs = Self.keys.map { Self.sign($0) }
        #expect(verify(set, Self.commit(sigs)) == .unknownValidator(Self.keys[3].address))
    }

    @Test func rejectsSignaturesOverAnythingElse() {
        let set = Self.set([1, 1, 1, 1])
        let good = Self.keys.prefix(3).map { Self.sign($0) }
        let k = Self.keys[1]
        for bad in [Self.sign(k, type: .prevote), Self.sign(k, chain: "other-chain"), Self.sign(k, round: 1),
                    Self.sign(k, block: Hash32.sha256([1]))] {
            #expect(verify(set, Self.commit([good[0], bad, good[2]])) == .badSignature(k.address))
        }
        // A valid signature by one member presented as another member's.
        let stolen = CommitSignature(validator: k.address, signature: good[0].signature)
        #expect(verify(set, Self.commit([good[0], stolen, good[2]])) == .badSignature(k.address))
    }

    @Test func rejectsTheWrongHeightOrBlock() {
        let set = Self.set([1, 1, 1, 1])
        var c = Self.commit(Self.keys.map { Self.sign($0) })
        c.height = Self.height + 1
        #expect(verify(set, c) == .wrongHeight(expected: Self.height, got: Self.height + 1))
        c = Self.commit(Self.keys.map { Self.sign($0) })
        c.blockID = .zero
        #expect(verify(set, c) == .wrongBlock(expected: Self.blockID, got: .zero))
    }

    @Test func setIsSortedAndTotalled() {
        let set = ValidatorSet(Self.keys.reversed().map { Validator(address: $0.address, power: 2) })
        #expect(set.validators.map(\.address) == Self.keys.map(\.address))
        #expect(set.totalPower == 8)
        #expect(set.power(of: Self.keys[2].address) == 2)
        #expect(set.power(of: .zero) == nil)
        // Every member is found by the binary search, and addresses around them are not.
        for key in Self.keys { #expect(set.power(of: key.address) == 2) }
        #expect(set.power(of: Address(unchecked: [UInt8](repeating: 0xff, count: 20))) == nil)
    }
}
