import CairnConsensus
import CairnCore
import CairnCrypto
@testable import CairnNode
import Testing

/// A proposal's journal record is written in pieces, its block taken from the encoding already
/// made for the commit: the pieces must be the one record the replay decodes.
@Suite("Journal entries")
struct JournalEntryTests {
    @Test func aProposalWrittenFromItsEncodedBlockIsTheSameRecord() throws {
        let key = try PrivateKey(bytes: Hash32.sha256([1]).bytes)
        let header = BlockHeader(chainID: "journal-test", height: 4, time: 1_000, previousBlockID: Hash32.sha256([2]),
                                 transactionsRoot: .zero, attestationsRoot: .zero, stateRoot: .zero, validatorsHash: .zero,
                                 nextValidatorsHash: .zero, lastCommitHash: .zero, evidenceRoot: .zero, proposer: key.address,
                                 seal: key.seal(previousSeed: Hash32.sha256([3]), height: 4), protocolVersion: 1)
        let block = Block(header: header, transactions: [],
                          attestations: (0..<3).map { Attestation(tag: 1, body: [UInt8](repeating: UInt8($0), count: 9_000)) })
        let payload = ProposalSigningPayload(chainID: "journal-test", height: 4, round: 1, polRound: nil, blockID: block.id)
        let proposal = SignedProposal(height: 4, round: 1, polRound: nil, blockID: block.id, proposer: key.address,
                                      signature: key.sign(digest: payload.signingHash))
        for valid in [true, false] {
            let entry = JournalEntry.proposal(proposal, block, valid: valid)
            let fromEncoded = entry.parts(encodedBlock: block.canonicalBytes).flatMap { $0 }
            #expect(fromEncoded == entry.bytes)
            #expect(try JournalEntry(fromEncoded) == entry)
        }
        #expect(JournalEntry.barrier.parts(encodedBlock: nil) == [JournalEntry.barrier.bytes])
    }
}
