import CairnConsensus
import CairnCore
import CairnCrypto

/// One record of the consensus journal (Specs/node-protocol.md §4): an input the engine of the
/// current height received, in the order it received them. Replaying them into a fresh engine
/// rebuilds its round, locks and votes after a crash.
enum JournalEntry: Sendable, Hashable {
    case proposal(SignedProposal, Block, valid: Bool)
    case vote(SignedVote)
    case timeout(ConsensusTimeout)
    /// Written with a sync before the node signs, so every input that led to a signature is on
    /// disk first. Carries nothing.
    case barrier

    var bytes: [UInt8] { parts(encodedBlock: nil).flatMap { $0 } }

    /// The record in pieces that are its bytes back to back. A proposal's block is its own piece,
    /// taken from `encodedBlock` when given (the canonical encoding already made for the commit),
    /// so the journal writes the megabytes of a large block without encoding or copying them again.
    func parts(encodedBlock: [UInt8]?) -> [[UInt8]] {
        var writer = CanonicalWriter()
        switch self {
        case .proposal(let proposal, let block, let valid):
            writer.write(varint: UInt64(0))
            writer.write(proposal)
            return [writer.bytes, encodedBlock ?? block.canonicalBytes, [valid ? 1 : 0]]
        case .vote(let vote):
            writer.write(varint: UInt64(1))
            writer.write(vote)
        case .timeout(let t):
            writer.write(varint: UInt64(2))
            writer.write(varint: t.height)
            writer.write(varint: t.round)
            writer.write(varint: UInt64(t.step.rawValue))
        case .barrier:
            writer.write(varint: UInt64(3))
        }
        return [writer.bytes]
    }

    init(_ bytes: [UInt8]) throws(CanonicalDecodingError) {
        var reader = CanonicalReader(bytes)
        let tag = try reader.readVarint("journal entry tag")
        switch tag {
        case 0:
            self = .proposal(try reader.read(SignedProposal.self), try reader.read(Block.self),
                             valid: try reader.readBool("journal.valid"))
        case 1:
            self = .vote(try reader.read(SignedVote.self))
        case 2:
            let height = try reader.readVarint("journal.timeout.height")
            let round = try reader.readVarint("journal.timeout.round")
            let raw = try reader.readVarint("journal.timeout.step")
            guard raw <= UInt64(UInt8.max), let step = ConsensusStep(rawValue: UInt8(raw)), step != .decided else {
                throw .unknownTag(type: "timeout step", tag: raw)
            }
            self = .timeout(ConsensusTimeout(height: height, round: round, step: step))
        case 3:
            self = .barrier
        default:
            throw .unknownTag(type: "journal entry", tag: tag)
        }
        try reader.finish()
    }
}
