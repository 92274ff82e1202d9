import CairnCore
import CairnCrypto
import Testing

/// Domain separation and what each signature binds.
@Suite("Signing")
struct SigningTests {
    static let key = Arbitrary.keys[0]
    static let unsigned = UnsignedTransaction(chainID: "cairn-test", nonce: 3, fee: 10,
                                              operation: .transfer(to: Arbitrary.keys[1].address, amount: 99))

    @Test func senderIsRecoveredAndIDCoversTheSignature() throws {
        let tx = Self.unsigned.signed(with: Self.key)
        let verified = try VerifiedTransaction(tx)
        #expect(verified.sender == Self.key.address)
        #expect(verified.id == Hash32.sha256(tx.canonicalBytes))
        #expect(verified.encodedSize == tx.canonicalBytes.count)
        // Another key signing the same fields gives another sender and another id.
        let other = Self.unsigned.signed(with: Arbitrary.keys[2])
        #expect(try other.recoverSender() == Arbitrary.keys[2].address)
        #expect(other.id != tx.id)
    }

    @Test func aSignatureIsBoundToItsChainAndFields() throws {
        let tx = Self.unsigned.signed(with: Self.key)
        var moved = Self.unsigned
        moved.chainID = "cairn-other"
        #expect(moved.signingHash != Self.unsigned.signingHash)
        // Replaying the signature on another chain's transaction recovers some other address.
        #expect((try? Transaction(unsigned: moved, signature: tx.signature).recoverSender()) != Self.key.address)
        var raised = Self.unsigned
        raised.operation = .transfer(to: Arbitrary.keys[1].address, amount: 100)
        #expect((try? Transaction(unsigned: raised, signature: tx.signature).recoverSender()) != Self.key.address)
    }

    @Test func transactionAndVoteDomainsDiffer() {
        // The same bytes after the domain can never make a transaction hash equal a vote hash.
        var w = CanonicalWriter()
        w.write(string: "cairn/tx/v1")
        w.write(Self.unsigned)
        #expect(Self.unsigned.signingHash == Hash32.sha256(w.bytes))
        #expect(UnsignedTransaction.signingDomain != VoteSigningPayload.signingDomain)
    }

    @Test func votePayloads() {
        let id = Hash32.sha256([7])
        let prevote = VoteSigningPayload(chainID: "cairn-test", type: .prevote, height: 5, round: 1, blockID: id)
        var precommit = prevote
        precommit.type = .precommit
        var nilVote = prevote
        nilVote.blockID = nil
        var otherChain = prevote
        otherChain.chainID = "cairn-other"
        let hashes = Set([prevote, precommit, nilVote, otherChain].map(\.signingHash))
        #expect(hashes.count == 4)
        #expect(nilVote.canonicalBytes == [0x0a] + Array("cairn-test".utf8) + [0x01, 0x05, 0x01, 0x00])
        #expect(prevote.canonicalBytes == [0x0a] + Array("cairn-test".utf8) + [0x01, 0x05, 0x01, 0x01] + id.bytes)
    }

    @Test func commitsSignPrecommitPayloads() {
        let commit = Commit(height: 9, round: 2, blockID: Hash32.sha256([1]), signatures: [])
        #expect(commit.payload(chainID: "c") == VoteSigningPayload(chainID: "c", type: .precommit, height: 9, round: 2,
                                                                   blockID: Hash32.sha256([1])))
    }
}
