@testable import CairnConsensus
import CairnCore
import CairnCrypto
import CairnTestSupport
import Testing

/// CometBFT's proposer priorities: fairness, tie breaking, newcomers, rescaling, rounds.
@Suite struct ProposerPrioritiesTests {
    static func address(_ n: UInt8) -> Address { Address(unchecked: [UInt8](repeating: n, count: 20)) }
    /// An address that sorts like the ASCII name (CometBFT's tests use raw names as addresses).
    static func named(_ name: String) -> Address {
        Address(unchecked: Array(name.utf8) + [UInt8](repeating: 0, count: 20 - name.utf8.count))
    }
    static func set(_ powers: [(UInt8, UInt64)]) -> ValidatorSet {
        ValidatorSet(powers.map { Validator(address: address($0.0), power: $0.1) })
    }
    static func spread(_ p: ProposerPriorities) -> Int128 {
        Int128(p.entries.map(\.priority).max()!) - Int128(p.entries.map(\.priority).min()!)
    }

    /// CometBFT's TestProposerSelection1: the same 99 proposers from the same inputs.
    @Test func matchesCometBFTSequence() throws {
        let names = ["foo", "bar", "baz"]
        let set = ValidatorSet(zip(names, [UInt64(1000), 300, 330]).map { Validator(address: Self.named($0), power: $1) })
        var state = try ProposerPriorities(genesis: set)
        var got = [String]()
        for _ in 0..<99 {
            let p = state.proposer(round: 0)
            got.append(names.first { Self.named($0) == p }!)
            state = state.advanced()
        }
        let expected = "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo"
        #expect(got.joined(separator: " ") == expected)
    }

    @Test func proposesInProportionToPower() throws {
        let powers: [(UInt8, UInt64)] = [(1, 1), (2, 2), (3, 3), (4, 10)]
        let total: UInt64 = 16
        var state = try ProposerPriorities(genesis: Self.set(powers))
        var counts = [Address: UInt64]()
        for height in 1...10_000 {
            counts[state.proposer(round: 0), default: 0] += 1
            state = state.advanced()
            if height % Int(total) == 0 {
                let cycles = UInt64(height) / total
                for (n, power) in powers {
                    let c = counts[Self.address(n), default: 0]
                    #expect(c + 1 >= power * cycles && c <= power * cycles + 1, "validator \(n) after \(cycles) cycles: \(c)")
                }
            }
        }
        #expect(counts[Self.address(4)] == 6_250)
    }

    @Test func tieGoesToLowerAddress() throws {
        var state = try ProposerPriorities(genesis: Self.set([(9, 5), (3, 5), (6, 5)]))
        #expect(state.proposer(round: 0) == Self.address(3))
        state = state.advanced()
        #expect(state.proposer(round: 0) == Self.address(6))
        state = state.advanced()
        #expect(state.proposer(round: 0) == Self.address(9))
        state = state.advanced()
        #expect(state.proposer(round: 0) == Self.address(3))
    }

    @Test func roundsRotateThroughValidators() throws {
        let state = try ProposerPriorities(genesis: Self.set([(1, 7), (2, 7), (3, 7), (4, 7)]))
        let proposers = (0..<4).map { state.proposer(round: UInt64($0)) }
        #expect(Set(proposers).count == 4)
        #expect(state.proposer(round: 1) == state.advanced().proposer(round: 0))
        // Asking does not change the state: the same question, the same answer.
        #expect(state.proposer(round: 3) == proposers[3])
    }

    @Test func newValidatorDoesNotProposeImmediately() throws {
        var state = try ProposerPriorities(genesis: Self.set([(1, 10), (2, 10), (3, 10)]))
        for _ in 0..<5 { state = state.advanced() }
        // A newcomer with as much power as everyone else together.
        state = try state.applying(Self.set([(1, 10), (2, 10), (3, 10), (7, 30)]))
        #expect(state.priority(of: Self.address(7))! < state.entries.filter { $0.address != Self.address(7) }.map(\.priority).min()!)
        state = state.advanced()
        #expect(state.proposer(round: 0) != Self.address(7))
        // But it proposes about half the time from then on.
        var count = 0
        for _ in 0..<60 {
            state = state.advanced()
            if state.proposer(round: 0) == Self.address(7) { count += 1 }
        }
        #expect(count >= 29 && count <= 31)
    }

    @Test func updateKeepsPriorityAndDropsRemoved() throws {
        var state = try ProposerPriorities(genesis: Self.set([(1, 10), (2, 20), (3, 30)]))
        state = state.advanced().advanced()
        let before = state.priority(of: Self.address(2))!
        let updated = try state.applying(Self.set([(2, 25), (3, 30)]))
        #expect(updated.priority(of: Self.address(1)) == nil)
        #expect(updated.totalPower == 55)
        #expect(updated.validatorSet == Self.set([(2, 25), (3, 30)]))
        // Centring shifts every priority alike; the difference between staying validators is kept.
        let diffBefore = Int64(state.priority(of: Self.address(3))!) - before
        let diffAfter = updated.priority(of: Self.address(3))! - updated.priority(of: Self.address(2))!
        #expect(diffBefore == diffAfter)
        // The same set is no change, not even a rescale or centre.
        #expect(try updated.applying(updated.validatorSet) == updated)
        #expect(try state.applying(Self.set([(1, 10), (2, 20), (3, 30), (4, 0)])) == state)
        // Zero power means "not a validator".
        let zeroed = try state.applying(Self.set([(1, 0), (2, 20), (3, 30)]))
        #expect(zeroed.priority(of: Self.address(1)) == nil)
    }

    @Test func rescalingBoundsTheSpread() throws {
        var rng = SeededGenerator(seed: 0xCA1_2025)
        var state = try ProposerPriorities(genesis: Self.set([(1, 1), (2, 1_000_000)]))
        for step in 0..<2_000 {
            if step % 37 == 0 {
                // Replace the set with a random one: some stay, some leave, some arrive.
                var powers = [(UInt8, UInt64)]()
                for n in UInt8(1)...12 where rng.next() % 3 != 0 { powers.append((n, rng.next() % 1_000_000 + 1)) }
                if powers.isEmpty { powers = [(1, 1)] }
                state = try state.applying(Self.set(powers))
                #expect(Self.spread(state) <= 2 * Int128(state.totalPower) + 1)
            }
            state = state.advanced()
            #expect(Self.spread(state) <= 3 * Int128(state.totalPower) + 1)
            // Centred: the priorities sum to less than one unit per validator away from zero.
            let sum = state.entries.reduce(Int128(0)) { $0 + Int128($1.priority) }
            #expect(sum >= 0 && sum < Int128(state.entries.count))
            #expect(state.validatorSet.power(of: state.proposer(round: 0)) != nil)
        }
    }

    @Test func largeSpreadIsDividedDown() throws {
        let entries = [ProposerPriorities.Entry(address: Self.address(1), power: 1, priority: -1_000),
                       ProposerPriorities.Entry(address: Self.address(2), power: 1, priority: 1_000)]
        var state = ProposerPriorities(checkedEntries: entries, proposer: Self.address(2))
        // spread 2000, window 4: ratio 500, priorities −2 and 2; centred (sum 0); step: −1, 3 → 2 proposes, 3 − 2 = 1.
        #expect(state.increment(times: 1) == Self.address(2))
        #expect(state.entries.map(\.priority) == [-1, 1])
    }

    @Test func averageIsFloorDivision() throws {
        let entries = [ProposerPriorities.Entry(address: Self.address(1), power: 3, priority: -4),
                       ProposerPriorities.Entry(address: Self.address(2), power: 3, priority: 0),
                       ProposerPriorities.Entry(address: Self.address(3), power: 3, priority: 0)]
        var state = ProposerPriorities(checkedEntries: entries, proposer: Self.address(2))
        // Σ = −4, n = 3: floor(−4/3) = −2 (truncation would give −1). Shifted: −2, 2, 2; step (+3): 1, 5, 5
        // → address 2 (tie, lower address) pays 9: 1, −4, 5.
        #expect(state.increment(times: 1) == Self.address(2))
        #expect(state.entries.map(\.priority) == [1, -4, 5])
    }

    @Test func arithmeticClipsAtTheBounds() {
        #expect(ProposerPriorities.addClipped(.max - 1, 5) == .max)
        #expect(ProposerPriorities.addClipped(.min + 1, -5) == .min)
        #expect(ProposerPriorities.subtractClipped(.min + 1, 5) == .min)
        #expect(ProposerPriorities.subtractClipped(.max - 1, -5) == .max)
        #expect(ProposerPriorities.subtractClipped(7, 5) == 2)
    }

    @Test func rejectsEmptyAndOversizedSets() {
        #expect(throws: ProposerPrioritiesError.emptyValidatorSet) { try ProposerPriorities(genesis: ValidatorSet([])) }
        #expect(throws: ProposerPrioritiesError.emptyValidatorSet) { try ProposerPriorities(genesis: Self.set([(1, 0)])) }
        let big = ProposerPriorities.maxTotalPower / 2 + 1
        #expect(throws: ProposerPrioritiesError.totalPowerTooLarge(limit: ProposerPriorities.maxTotalPower)) {
            try ProposerPriorities(genesis: Self.set([(1, big), (2, big)]))
        }
    }

    @Test func deterministicAndEncodable() throws {
        func run() throws -> ProposerPriorities {
            var s = try ProposerPriorities(genesis: Self.set([(5, 3), (1, 4), (9, 100)]))
            for _ in 0..<50 { s = s.advanced() }
            s = try s.applying(Self.set([(5, 3), (9, 50), (2, 77)]))
            for _ in 0..<50 { s = s.advanced() }
            return s
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a.canonicalBytes == b.canonicalBytes)
        #expect(try ProposerPriorities(canonicalBytes: a.canonicalBytes) == a)
    }

    @Test func decoderRejectsBrokenStates() throws {
        let state = try ProposerPriorities(genesis: Self.set([(1, 3), (2, 4)]))
        var w = CanonicalWriter()
        w.write(varint: UInt64(2))
        for n: UInt8 in [2, 1] { w.write(address: Self.address(n)); w.write(varint: UInt64(1)); w.write(varint: UInt64(0)) }
        w.write(address: Self.address(1))
        #expect(throws: CanonicalDecodingError.self) { try ProposerPriorities(canonicalBytes: w.bytes) }
        var bytes = state.canonicalBytes
        bytes.replaceSubrange((bytes.count - 20)..., with: Self.address(3).bytes)
        #expect(throws: CanonicalDecodingError.self) { try ProposerPriorities(canonicalBytes: bytes) }
        #expect(ProposerPriorities.unzigzag(ProposerPriorities.zigzag(.min)) == .min)
        #expect(ProposerPriorities.zigzag(-1) == 1 && ProposerPriorities.zigzag(1) == 2)
    }
}
