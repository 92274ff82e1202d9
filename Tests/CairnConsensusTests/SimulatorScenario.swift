import CairnTestSupport

/// How a simulated validator misbehaves (honest ones follow the protocol and sign through a
/// double-sign guard).
enum SimulatedBehaviour: String, Sendable {
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
struct SimulatorScenario: CustomStringConvertible {
    struct Partition {
        let start: UInt64
        let end: UInt64
        /// Side of each validator; messages between sides are lost while the partition lasts.
        let side: [Bool]
    }

    struct Crash {
        let node: Int
        let at: UInt64
        let downFor: UInt64
        /// Journal entries lost in the crash (written but not yet durable).
        let journalLoss: Int
    }

    let seed: UInt64
    let powers: [UInt64]
    let behaviours: [SimulatedBehaviour]
    let targetHeight: UInt64
    let gst: UInt64
    /// Per-mille chance that a message sent before `gst` is lost.
    let dropPerMille: UInt64
    let maxDelayBeforeGST: UInt64
    let maxDelayAfterGST: UInt64
    let partitions: [Partition]
    let crashes: [Crash]

    /// A scenario written out by hand (`seed` still drives delays, losses and who gets which
    /// version of an equivocator's messages).
    init(seed: UInt64, powers: [UInt64], behaviours: [SimulatedBehaviour]? = nil, targetHeight: UInt64 = 4,
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

    var count: Int { powers.count }
    var totalPower: UInt64 { powers.reduce(0, +) }

    init(seed: UInt64) {
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
            behaviours[index] = [.equivocating, .silent, .invalidProposer][Int.random(in: 0..<3, using: &rng)]
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

    var description: String {
        let faulty = behaviours.enumerated().filter { $0.element != .honest }.map { "\($0.offset):\($0.element)" }
        return "n=\(count) powers=\(powers) faulty=\(faulty) gst=\(gst)ms drop=\(dropPerMille)‰ "
            + "delay≤\(maxDelayBeforeGST)/\(maxDelayAfterGST)ms partitions=\(partitions.count) "
            + "crashes=\(crashes.map { "\($0.node)@\($0.at)+\($0.downFor)(lose \($0.journalLoss))" })"
    }
}
