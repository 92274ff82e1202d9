import CairnConsensus
import CairnCore
import CairnCrypto
import CairnState

/// Who votes at one height and who at the next: the node's `'V'` record per height
/// (Specs/storage.md). Derived only from committed blocks, so every node computes the same.
///
/// A block executed at height H may change the validator set; the change takes effect at H + 2
/// (Specs/staking.md), so when H commits, the set of H + 1 is already fixed (`next`) and H's
/// update becomes the `next` of H + 1.
public struct ValidatorSchedule: Sendable, Hashable, CanonicalCodable {
    /// The set of this height with its proposer priorities.
    public var priorities: ProposerPriorities
    /// The set of the next height.
    public var next: ValidatorSet

    public init(priorities: ProposerPriorities, next: ValidatorSet) {
        self.priorities = priorities
        self.next = next
    }

    public var validators: ValidatorSet { priorities.validatorSet }

    /// Height 1: the genesis validators for heights 1 and 2.
    public static func genesis(_ genesis: Genesis) throws -> ValidatorSchedule {
        ValidatorSchedule(priorities: try ProposerPriorities(genesis: genesis.validators), next: genesis.validators)
    }

    /// The schedule of the following height, after a block whose execution returned `update`.
    public func following(update: ValidatorSet?) throws -> ValidatorSchedule {
        let nextPriorities = next == validators ? priorities.advanced() : try priorities.applying(next).advanced()
        return ValidatorSchedule(priorities: nextPriorities, next: update ?? next)
    }

    /// The sets a block at this height is checked against; `last` is the previous height's set.
    public func blockValidators(last: ValidatorSet?) -> BlockValidators {
        BlockValidators(current: validators, next: next, last: last)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(priorities)
        writer.write(next)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        priorities = try reader.read(ProposerPriorities.self)
        next = try reader.read(ValidatorSet.self)
    }
}
