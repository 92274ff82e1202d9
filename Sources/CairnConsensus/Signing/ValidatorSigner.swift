import CairnCore
import CairnCrypto
import Synchronization

/// The only way the node signs consensus messages: it refuses anything that could equivocate and
/// puts the new last-signed position on disk before a signature leaves (Specs/validator-signing.md).
///
/// A class around a `Mutex` rather than an actor: the check, the durable write and the answer must
/// be one indivisible step (an actor would interleave other callers at every `await`, and there is
/// nothing to await: the file I/O is blocking and fast), and the engine can call it synchronously.
/// Two callers are serialised; the second sees the first's position.
public final class ValidatorSigner: Sendable {
    public let address: Address
    public let stateFile: String
    private let key: PrivateKey
    private let last: Mutex<SignRecord?>

    /// Loads the sign state from `stateFile`, creating it (nothing signed) if it does not exist.
    /// A file that exists but cannot be read exactly is an error: never reset it silently.
    public init(key: PrivateKey, stateFile: String) throws(SignError) {
        self.key = key
        self.address = key.address
        self.stateFile = stateFile
        let bytes: [UInt8]?
        do { bytes = try DurableFile.contents(of: stateFile) } catch { throw .storage(error) }
        if let bytes {
            last = Mutex(try SignStateFile.decode(bytes, path: stateFile, key: key.address))
        } else {
            do {
                try DurableFile.replace(stateFile, with: SignStateFile.encode(nil, validator: key.address))
            } catch { throw .storage(error) }
            last = Mutex(nil)
        }
    }

    /// The last signed message, if any (for status and tests).
    public var lastSigned: SignRecord? { last.withLock { $0 } }

    public func signProposal(_ proposal: ProposalSigningPayload) throws(SignError) -> RecoverableSignature {
        try sign(SignPosition(height: proposal.height, round: proposal.round, step: .proposal), proposal.signingHash,
                 SignedContent(blockID: proposal.blockID, polRound: proposal.polRound))
    }

    public func signVote(_ vote: VoteSigningPayload) throws(SignError) -> RecoverableSignature {
        let step: SignStep = switch vote.type {
        case .prevote: .prevote
        case .precommit: .precommit
        }
        return try sign(SignPosition(height: vote.height, round: vote.round, step: step), vote.signingHash,
                        SignedContent(blockID: vote.blockID))
    }

    private func sign(_ position: SignPosition, _ hash: Hash32, _ content: SignedContent) throws(SignError) -> RecoverableSignature {
        try last.withLock { (last: inout SignRecord?) throws(SignError) -> RecoverableSignature in
            if let previous = last {
                if position < previous.position { throw .regression(requested: position, lastSigned: previous.position) }
                if position == previous.position {
                    guard hash == previous.signingHash else {
                        throw .conflict(position: position, signed: previous.signingHash, requested: hash)
                    }
                    return previous.signature
                }
            }
            let record = SignRecord(position: position, signingHash: hash, signature: key.sign(digest: hash), content: content)
            // Durable before anyone sees the signature: after a crash the node reloads this record
            // and refuses anything that conflicts with what it may have sent.
            do throws(FileSystemError) {
                try DurableFile.replace(stateFile, with: SignStateFile.encode(record, validator: address))
            } catch { throw .storage(error) }
            last = record
            return record.signature
        }
    }
}

/// The consensus key seals the blocks it proposes (Specs/depin/randomness.md §3). A seed needs
/// no guard: a key has one seed per height, whatever the block.
extension ValidatorSigner: BlockSealer {
    public var sealingKey: PublicKey { key.publicKey }
    public func proveSeed(_ alpha: [UInt8]) -> VRFProof { ECVRF.prove(key: key, alpha: alpha) }
}
