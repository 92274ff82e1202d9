import Foundation

/// How a simulated validator misbehaves (honest ones follow the protocol and sign through a
/// double-sign guard).
public enum SimulatedBehaviour: String, Sendable {
    case honest
    /// Signs a second, conflicting vote for every vote and a second proposal for every proposal,
    /// and sends each version to a different half of its peers.
    case equivocating
    /// Never sends anything.
    case silent
    /// Proposes blocks that every honest validator's validity check rejects.
    case invalidProposer
}

/// One simulated run, drawn from a seed: validators and their powers, who is faulty, and what the
/// network does before it stabilises at `gst` (global stabilisation time, in ms).
public struct SimulatorScenario: Sendable, CustomStringConvertible {
    public struct Partition: Sendable {
        public let start: UInt64
        public let end: UInt64
        /// Side of each validator; messages between sides are lost while the partition lasts.
        public let side: [Bool]

        public init(start: UInt64, end: UInt64, side: [Bool]) {
            self.start = start
            self.end = end
            self.side = side
        }
    }

    public struct Crash: Sendable {
        public let node: Int
        public let at: UInt64
        public let downFor: UInt64
        /// Journal entries lost in the crash (written but not yet durable).
        public let journalLoss: Int

        public init(node: Int, at: UInt64, downFor: UInt64, journalLoss: Int) {
            self.node = node
            self.at = at
            self.downFor = downFor
            self.journalLoss = journalLoss
        }
    }

    public let seed: UInt64
    public let powers: [UInt64]
    public let behaviours: [SimulatedBehaviour]
    public let targetHeight: UInt64
    public let gst: UInt64
    /// Per-mille chance that a message sent before `gst` is lost.
    public let dropPerMille: UInt64
    public let maxDelayBeforeGST: UInt64
    public let maxDelayAfterGST: UInt64
    public let partitions: [Partition]
    public let crashes: [Crash]

    /// A scenario written out by hand (`seed` still drives delays, losses and who gets which
    /// version of an equivocator's messages).
    public init(seed: UInt64, powers: [UInt64], behaviours: [SimulatedBehaviour]? = nil, targetHeight: UInt64 = 4,
         gst: UInt64 = 0, dropPerMille: UInt64 = 0, maxDelayBeforeGST: UInt64 = 100, maxDelayAfterGST: UInt64 = 50,
         partitions: [Partition] = [], crashes: [Crash] = []) {
        self.seed = seed
        self.powers = powers
        self.behaviours = behaviours ?? Array(repeating: .honest, count: powers.count)
        self.targetHeight = targetHeight
        self.gst = gst
        self.dropPerMille = dropPerMille
        self.maxDelayBeforeGST = maxDelayBeforeGST
        self.maxDelayAfterGST = maxDelayAfterGST
        self.partitions = partitions
        self.crashes = crashes
    }

    public var count: Int { powers.count }
    public var totalPower: UInt64 { powers.reduce(0, +) }

    /// A scenario drawn from `seed`. Faulty validators take one of `faults` (all kinds by default).
    public init(seed: UInt64, faults: [SimulatedBehaviour] = [.equivocating, .silent, .invalidProposer]) {
        var rng = SeededGenerator(seed: seed)
        self.seed = seed
        let n = [4, 4, 4, 5, 6, 7, 7, 10][Int.random(in: 0..<8, using: &rng)]
        let weighted = Bool.random(using: &rng)
        let powers = (0..<n).map { _ in weighted ? UInt64.random(in: 1...6, using: &rng) : 1 }
        self.powers = powers
        let total = powers.reduce(0, +)

        // Up to f = ⌊(n−1)/3⌋ faulty validators, fewer if their power would reach a third.
        var behaviours = [SimulatedBehaviour](repeating: .honest, count: n)
        let faultyCount = Int.random(in: 0...((n - 1) / 3), using: &rng)
        var faultyPower: UInt64 = 0
        for index in Array(0..<n).shuffled(using: &rng).prefix(faultyCount) {
            guard (faultyPower + powers[index]) * 3 < total else { continue }
            faultyPower += powers[index]
            behaviours[index] = faults[Int.random(in: 0..<faults.count, using: &rng)]
        }
        self.behaviours = behaviours

        targetHeight = 4
        gst = UInt64.random(in: 0...6_000, using: &rng)
        dropPerMille = UInt64.random(in: 0...300, using: &rng)
        maxDelayBeforeGST = UInt64.random(in: 50...800, using: &rng)
        maxDelayAfterGST = UInt64.random(in: 5...80, using: &rng)

        var partitions: [Partition] = []
        if gst > 0, Bool.random(using: &rng) {
            let start = UInt64.random(in: 0...gst, using: &rng)
            let end = UInt64.random(in: start...gst, using: &rng)
            partitions.append(Partition(start: start, end: end, side: (0..<n).map { _ in Bool.random(using: &rng) }))
        }
        self.partitions = partitions

        var crashes: [Crash] = []
        for node in 0..<n where behaviours[node] == .honest && UInt64.random(in: 0..<4, using: &rng) == 0 {
            crashes.append(Crash(node: node, at: UInt64.random(in: 0...(gst + 3_000), using: &rng),
                                 downFor: UInt64.random(in: 100...3_000, using: &rng),
                                 journalLoss: Bool.random(using: &rng) ? Int.random(in: 1...3, using: &rng) : 0))
        }
        self.crashes = crashes
    }

    public var description: String {
        let faulty = behaviours.enumerated().filter { $0.element != .honest }.map { "\($0.offset):\($0.element)" }
        return "n=\(count) powers=\(powers) faulty=\(faulty) gst=\(gst)ms drop=\(dropPerMille)‰ "
            + "delay≤\(maxDelayBeforeGST)/\(maxDelayAfterGST)ms partitions=\(partitions.count) "
            + "crashes=\(crashes.map { "\($0.node)@\($0.at)+\($0.downFor)(lose \($0.journalLoss))" })"
    }
}

/// The seeds a simulator test runs: `<PREFIX>_SEEDS=<count>` seeds (default `defaultCount`) from
/// `<PREFIX>_FIRST_SEED=<n>` (default 1), or just `<PREFIX>_SEED=<n>` to replay one.
public func simulatorSeeds(environment prefix: String, defaultCount: UInt64) -> [UInt64] {
    let environment = ProcessInfo.processInfo.environment
    if let one = environment[prefix + "_SEED"].flatMap(UInt64.init) { return [one] }
    let count = environment[prefix + "_SEEDS"].flatMap(UInt64.init) ?? defaultCount
    let first = environment[prefix + "_FIRST_SEED"].flatMap(UInt64.init) ?? 1
    return Array(first..<(first + count))
}
