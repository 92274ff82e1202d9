import CairnCrypto

/// Who proposes in each round of one height. The consensus engine asks; the validator set with
/// its proposer priorities (CometBFT's algorithm, Specs/proposer-selection.md) answers, and a
/// simulator may answer with anything deterministic.
public protocol ProposerSelection: Sendable {
    /// The proposer of `round` at the height this selection was built for.
    func proposer(round: UInt64) -> Address
}
