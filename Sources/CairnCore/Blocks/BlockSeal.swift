import CairnCrypto

/// The proposer's part of a header that nobody can grind (Specs/depin/randomness.md §3): its
/// consensus key, and the VRF output and proof over the previous seed and the height.
public struct BlockSeal: Sendable, Hashable {
    /// The proposer's consensus key (its address is the header's `proposer`), written compressed.
    public var proposerKey: PublicKey
    public var seed: Hash32
    public var proof: VRFProof

    public init(proposerKey: PublicKey, seed: Hash32, proof: VRFProof) {
        self.proposerKey = proposerKey
        self.seed = seed
        self.proof = proof
    }

    /// Why a seal is not the one `proposer` owes at `height` after `previousSeed`.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case keyIsNotTheProposers(key: Address, proposer: Address)
        case badProof(VRFError)
        case seedIsNotTheProofsOutput(seed: Hash32, output: Hash32)

        public var description: String {
            switch self {
            case .keyIsNotTheProposers(let key, let proposer): "the proposer key is \(key)'s, not the proposer \(proposer)'s"
            case .badProof(let error): "the seed proof does not verify: \(error)"
            case .seedIsNotTheProofsOutput(let seed, let output): "the seed \(seed) is not the proof's output \(output)"
            }
        }
    }

    public func check(proposer: Address, previousSeed: Hash32, height: UInt64) throws(Problem) {
        guard proposerKey.address == proposer else { throw .keyIsNotTheProposers(key: proposerKey.address, proposer: proposer) }
        let output: Hash32
        do {
            output = try ECVRF.verify(publicKey: proposerKey, alpha: BlockSeed.alpha(previousSeed: previousSeed, height: height), proof: proof)
        } catch {
            throw .badProof(error)
        }
        guard output == seed else { throw .seedIsNotTheProofsOutput(seed: seed, output: output) }
    }
}

/// Who can seal a block: a proposer's consensus key, wherever it is kept.
public protocol BlockSealer: Sendable {
    var sealingKey: PublicKey { get }
    func proveSeed(_ alpha: [UInt8]) -> VRFProof
}

extension BlockSealer {
    /// The seal of the block at `height` after `previousSeed`.
    public func seal(previousSeed: Hash32, height: UInt64) -> BlockSeal {
        let proof = proveSeed(BlockSeed.alpha(previousSeed: previousSeed, height: height))
        return BlockSeal(proposerKey: sealingKey, seed: ECVRF.proofToHash(proof), proof: proof)
    }
}

extension PrivateKey: BlockSealer {
    public var sealingKey: PublicKey { publicKey }
    public func proveSeed(_ alpha: [UInt8]) -> VRFProof { ECVRF.prove(key: self, alpha: alpha) }
}
