import CairnCore
import CairnCrypto

/// The validator set of one height with CometBFT's proposer priorities (Specs/proposer-selection.md).
///
/// A value: the node derives the next height's priorities from this height's, so every node that
/// saw the same validator-set changes computes the same proposers without talking to anyone.
/// Every operation is integer arithmetic on `Int64` with clipping at the bounds, as CometBFT does.
public struct ProposerPriorities: Sendable, Hashable, ProposerSelection {
    /// One validator with its proposer priority.
    public struct Entry: Sendable, Hashable {
        public let address: Address
        public let power: UInt64
        public let priority: Int64

        public init(address: Address, power: UInt64, priority: Int64) {
            self.address = address
            self.power = power
            self.priority = priority
        }
    }

    /// CometBFT's `MaxTotalVotingPower` (Int64.max / 8), the bound of every validator set: with
    /// it, −1.125 × (2 × total) and every intermediate sum in the algorithm fit an `Int64`.
    public static var maxTotalPower: UInt64 { ValidatorSet.maxTotalPower }

    /// Sorted by address, strictly; every power is at least 1.
    public private(set) var entries: [Entry]
    /// Σ power, at most `maxTotalPower`.
    public private(set) var totalPower: UInt64
    /// The round-0 proposer of this height: the validator chosen by the increment that produced
    /// these priorities (after `applying` without `advanced`, the highest priority).
    public private(set) var roundZeroProposer: Address

    /// The priorities of height 1: all zero, then one increment (CometBFT's `NewValidatorSet`).
    public init(genesis: ValidatorSet) throws(ProposerPrioritiesError) {
        let validators = try Self.checked(genesis)
        entries = validators.map { Entry(address: $0.address, power: $0.power, priority: 0) }
        totalPower = validators.reduce(0) { $0 + $1.power }
        roundZeroProposer = validators[0].address
        roundZeroProposer = increment(times: 1)
    }

    /// Restores a stored state; the encoding decoder checks the invariants first.
    init(checkedEntries: [Entry], proposer: Address) {
        entries = checkedEntries
        totalPower = checkedEntries.reduce(0) { $0 + $1.power }
        roundZeroProposer = proposer
    }

    /// The validator set without priorities.
    public var validatorSet: ValidatorSet {
        ValidatorSet(entries.map { Validator(address: $0.address, power: $0.power) })
    }

    /// The priority of `address`, nil if it is not a validator.
    public func priority(of address: Address) -> Int64? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].address < address { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].address == address ? entries[low].priority : nil
    }

    /// The priorities of the next height: one increment.
    public func advanced() -> ProposerPriorities {
        var next = self
        next.roundZeroProposer = next.increment(times: 1)
        return next
    }

    /// `newSet` replaces the validators (CometBFT's `UpdateWithChangeSet`): validators that stay keep
    /// their priority whatever their new power, new ones start at −(T + T/8), where T is the new
    /// total plus the power of the removed validators, removed ones drop out; then rescale and
    /// centre. Does not increment: the next height is `applying(newSet).advanced()`. The same set
    /// again is no change at all (CometBFT only updates on a non-empty change set), so the node may
    /// call this every height.
    public func applying(_ newSet: ValidatorSet) throws(ProposerPrioritiesError) -> ProposerPriorities {
        let validators = try Self.checked(newSet)
        if validators.elementsEqual(entries, by: { $0.address == $1.address && $0.power == $1.power }) { return self }
        let newTotal = validators.reduce(0) { $0 + $1.power }
        // Both lists are sorted by address: one merge pass finds who stays (with its priority),
        // who is new and who left.
        var kept = [Int64?](repeating: nil, count: validators.count)
        var removedPower: UInt64 = 0
        var i = 0
        for old in entries {
            while i < validators.count && validators[i].address < old.address { i += 1 }
            if i < validators.count && validators[i].address == old.address {
                kept[i] = old.priority
            } else {
                removedPower += old.power
            }
        }
        // newTotal and removedPower are each at most maxTotalPower, so T < 2 · maxTotalPower and
        // T + T/8 < Int64.max.
        let t = Int64(newTotal + removedPower)
        let newcomerPriority = -(t + (t >> 3))
        var next = self
        next.entries = validators.indices.map { k in
            Entry(address: validators[k].address, power: validators[k].power, priority: kept[k] ?? newcomerPriority)
        }
        next.totalPower = newTotal
        next.rescale()
        next.centre()
        next.roundZeroProposer = next.highestPriority().address
        return next
    }

    /// Round 0: the stored proposer. Round r > 0: a copy incremented r times in one call (rescale
    /// and centre once, then r steps); the last step's choice. O(r · n).
    public func proposer(round: UInt64) -> Address {
        if round == 0 { return roundZeroProposer }
        var copy = self
        return copy.increment(times: round)
    }

    // MARK: - The algorithm

    /// CometBFT's `IncrementProposerPriority(times)`: rescale and centre, then `times` steps.
    /// Returns the proposer chosen by the last step.
    mutating func increment(times: UInt64) -> Address {
        precondition(times > 0)
        rescale()
        centre()
        var chosen = entries[0].address
        for _ in 0..<times { chosen = step() }
        return chosen
    }

    /// Every priority += power; the highest (ties: lower address) pays the total.
    private mutating func step() -> Address {
        for k in entries.indices {
            entries[k] = entries[k].with(priority: Self.addClipped(entries[k].priority, Int64(entries[k].power)))
        }
        let top = highestIndex()
        entries[top] = entries[top].with(priority: Self.subtractClipped(entries[top].priority, Int64(totalPower)))
        return entries[top].address
    }

    /// If max − min > 2 · total, divide every priority by ceil((max − min) / (2 · total)),
    /// truncating toward zero. Computed in Int128, so no intermediate wraps.
    private mutating func rescale() {
        let window = Int128(2) * Int128(totalPower)
        guard window > 0 else { return }
        let low = entries.map(\.priority).min()!, high = entries.map(\.priority).max()!
        let spread = Int128(high) - Int128(low)
        guard spread > window else { return }
        let ratio = (spread + window - 1) / window
        for k in entries.indices {
            entries[k] = entries[k].with(priority: Int64(Int128(entries[k].priority) / ratio))
        }
    }

    /// Subtract floor(Σ priority / n) from every priority (clipped).
    private mutating func centre() {
        let sum = entries.reduce(Int128(0)) { $0 + Int128($1.priority) }
        let n = Int128(entries.count)
        var average = sum / n  // truncates toward zero; floor wanted
        if sum % n != 0 && sum < 0 { average -= 1 }
        let shift = Int64(average)
        for k in entries.indices {
            entries[k] = entries[k].with(priority: Self.subtractClipped(entries[k].priority, shift))
        }
    }

    private func highestIndex() -> Int {
        var best = 0
        // Entries are sorted by address, so on equal priority the earlier (lower) address stays.
        for k in entries.indices.dropFirst() where entries[k].priority > entries[best].priority { best = k }
        return best
    }

    private func highestPriority() -> Entry { entries[highestIndex()] }

    static func addClipped(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    static func subtractClipped(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b > 0 ? .min : .max) : difference
    }

    /// The set's validators with power > 0 (zero power means "not a validator", as in CometBFT's
    /// updates), non-empty and within `maxTotalPower`.
    private static func checked(_ set: ValidatorSet) throws(ProposerPrioritiesError) -> [Validator] {
        let validators = set.validators.filter { $0.power > 0 }
        guard !validators.isEmpty else { throw .emptyValidatorSet }
        var total: UInt64 = 0
        for v in validators {
            let (sum, overflow) = total.addingReportingOverflow(v.power)
            guard !overflow, sum <= maxTotalPower else { throw .totalPowerTooLarge(limit: maxTotalPower) }
            total = sum
        }
        for k in validators.indices.dropFirst() where validators[k - 1].address == validators[k].address {
            throw .duplicateValidator(validators[k].address)
        }
        return validators
    }
}

extension ProposerPriorities.Entry {
    func with(priority: Int64) -> Self { Self(address: address, power: power, priority: priority) }
}
