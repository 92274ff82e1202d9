import CairnConsensus
import CairnCore
import CairnCrypto

/// Proposers in turn: validator (height + round) mod n. The engine only needs something
/// deterministic; the chain's real rule is in Specs/proposer-selection.md.
struct RoundRobinProposers: ProposerSelection {
    let addresses: [Address]
    let height: UInt64

    func proposer(round: UInt64) -> Address {
        addresses[Int((height &+ round) % UInt64(addresses.count))]
    }
}

/// Signatures the engine stores but never checks (the driver does): shaped like real ones and
/// unique per signer and payload, but made without elliptic-curve work, so thousands of simulated
/// heights run quickly in a debug build.
enum FakeSignature {
    static func make(_ digest: Hash32, by signer: Address) -> RecoverableSignature {
        let r = Hash32.sha256(parts: [1], digest.bytes, signer.bytes).bytes
        let s = Hash32.sha256(parts: [2], digest.bytes, signer.bytes).bytes
        // Leading 0x01 keeps r below the group order and s below half of it.
        return try! RecoverableSignature(bytes: [1] + r.dropFirst() + [1] + s.dropFirst() + [0])
    }
}

/// A small fixed validator set and message builders for the engine's unit tests.
struct EngineFixture {
    static let chainID = "cairn-engine-test"
    let addresses: [Address]
    let validators: ValidatorSet
    let height: UInt64

    /// `count` validators of power 1 (or the given powers), addresses 0x01…, 0x02…, sorted.
    init(count: Int = 4, powers: [UInt64]? = nil, height: UInt64 = 1) {
        addresses = (1...count).map { Address(unchecked: [UInt8](repeating: UInt8($0), count: 20)) }
        validators = ValidatorSet(zip(addresses, powers ?? Array(repeating: 1, count: count)).map {
            Validator(address: $0, power: $1)
        })
        self.height = height
    }

    var proposers: RoundRobinProposers { RoundRobinProposers(addresses: addresses, height: height) }

    func proposer(_ round: UInt64) -> Address { proposers.proposer(round: round) }

    /// Index in `addresses` of the proposer of `round`.
    func proposerIndex(_ round: UInt64) -> Int { addresses.firstIndex(of: proposer(round))! }

    func engine(me index: Int?, timeouts: TimeoutConfig = .default) -> ConsensusEngine {
        ConsensusEngine(chainID: Self.chainID, height: height, validators: validators, proposers: proposers,
                        me: index.map { addresses[$0] }, timeouts: timeouts)
    }

    func vote(_ type: VoteType, _ index: Int, round: UInt64, _ blockID: Hash32?) -> SignedVote {
        signed(VoteSigningPayload(chainID: Self.chainID, type: type, height: height, round: round, blockID: blockID),
               by: addresses[index])
    }

    func signed(_ payload: VoteSigningPayload, by validator: Address) -> SignedVote {
        SignedVote(payload: payload, validator: validator,
                   signature: FakeSignature.make(payload.signingHash, by: validator))
    }

    func signed(_ payload: ProposalSigningPayload, by proposer: Address) -> SignedProposal {
        SignedProposal(height: payload.height, round: payload.round, polRound: payload.polRound,
                       blockID: payload.blockID, proposer: proposer,
                       signature: FakeSignature.make(payload.signingHash, by: proposer))
    }

    /// A proposal for `blockID` in `round` signed by that round's proposer (or `from`).
    func proposal(round: UInt64, _ blockID: Hash32, polRound: UInt64? = nil, from: Address? = nil) -> SignedProposal {
        signed(ProposalSigningPayload(chainID: Self.chainID, height: height, round: round, polRound: polRound,
                                      blockID: blockID), by: from ?? proposer(round))
    }

    static func block(_ n: UInt8) -> Hash32 { Hash32(unchecked: [UInt8](repeating: n, count: 32)) }
}

extension ConsensusEngine {
    /// Feeds several inputs and returns all outputs.
    mutating func feed(_ inputs: [ConsensusInput]) -> [ConsensusOutput] {
        inputs.flatMap { handle($0) }
    }
}

extension [ConsensusOutput] {
    var votes: [VoteSigningPayload] {
        compactMap { if case .vote(let p) = $0 { p } else { nil } }
    }
    var timeouts: [ConsensusTimeout] {
        compactMap { if case .scheduleTimeout(let t, _) = $0 { t } else { nil } }
    }
    var proposals: [ProposalSigningPayload] {
        compactMap { if case .propose(let p) = $0 { p } else { nil } }
    }
    var decisions: [Commit] {
        compactMap { if case .decided(let c) = $0 { c } else { nil } }
    }
    var evidence: [DuplicateVoteEvidence] {
        compactMap { if case .evidence(let e) = $0 { e } else { nil } }
    }
}
