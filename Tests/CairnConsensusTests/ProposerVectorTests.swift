@testable import CairnConsensus
import CairnCore
import CairnCrypto
import Foundation
import CairnTestSupport
import Testing

/// Specs/vectors/proposer-selection.json is produced by this code. With CAIRN_WRITE_VECTORS=1 the
/// test (re)writes it; otherwise it requires the code to reproduce every field and decodes every
/// stored encoding back to the listed priorities.
@Suite struct ProposerVectorTests {
    struct ValidatorForm: Codable, Equatable { var address: String; var power: String }
    struct PriorityForm: Codable, Equatable { var address: String; var power: String; var priority: String }
    struct HeightForm: Codable, Equatable {
        var height: String
        /// The validator set applied before this height's increment; nil = unchanged.
        var newValidatorSet: [ValidatorForm]?
        var priorities: [PriorityForm]
        /// Proposers of rounds 0, 1, 2, 3.
        var roundProposers: [String]
        var encoding: String
    }
    struct Scenario: Codable, Equatable { var name: String; var genesis: [ValidatorForm]; var heights: [HeightForm] }
    struct File: Codable, Equatable { var description: String; var scenarios: [Scenario] }


    static func address(_ n: UInt8) -> Address { Address(unchecked: [UInt8](repeating: n, count: 20)) }
    static func set(_ powers: [(UInt8, UInt64)]) -> ValidatorSet {
        ValidatorSet(powers.map { Validator(address: address($0.0), power: $0.1) })
    }
    static func form(_ set: ValidatorSet) -> [ValidatorForm] {
        set.validators.map { ValidatorForm(address: $0.address.checksummed, power: String($0.power)) }
    }

    /// (name, genesis, heights, changes by height).
    static let inputs: [(String, ValidatorSet, Int, [Int: ValidatorSet])] = [
        ("powers 1, 2, 3, 10: one full cycle and a bit", set([(1, 1), (2, 2), (3, 3), (4, 10)]), 20, [:]),
        ("equal powers: ties go to the lower address", set([(0x30, 5), (0x10, 5), (0x20, 5)]), 6, [:]),
        ("validator set changes: a newcomer at height 4, a removal and a power change at height 8",
         set([(1, 10), (2, 10), (3, 10)]), 12,
         [4: set([(1, 10), (2, 10), (3, 10), (9, 30)]), 8: set([(2, 10), (3, 25), (9, 30)])]),
        ("powers near the limit: priorities near ±2^59", set([(1, ProposerPriorities.maxTotalPower / 2), (2, ProposerPriorities.maxTotalPower / 3), (3, 1_000)]), 6, [:]),
    ]

    static func generate() throws -> File {
        var scenarios = [Scenario]()
        for (name, genesis, count, changes) in inputs {
            var state = try ProposerPriorities(genesis: genesis)
            var heights = [HeightForm]()
            for h in 1...count {
                if h > 1 {
                    if let change = changes[h] { state = try state.applying(change) }
                    state = state.advanced()
                }
                heights.append(HeightForm(
                    height: String(h),
                    newValidatorSet: changes[h].map(form),
                    priorities: state.entries.map {
                        PriorityForm(address: $0.address.checksummed, power: String($0.power), priority: String($0.priority))
                    },
                    roundProposers: (0..<4).map { state.proposer(round: UInt64($0)).checksummed },
                    encoding: Hex.prefixed(state.canonicalBytes)))
            }
            scenarios.append(Scenario(name: name, genesis: form(genesis), heights: heights))
        }
        return File(
            description: "Proposer priorities (Specs/proposer-selection.md). Height 1 is ProposerPriorities(genesis:); height h > 1 is height h-1's state, with new_validator_set applied first when present, then advanced once. priorities are the state of the height (after its increment); round_proposers[r] is the proposer of round r at that height; encoding is the canonical encoding of the state (§5). Powers and priorities are decimal strings.",
            scenarios: scenarios)
    }

    @Test func vectors() throws {
        let generated = try Self.generate()
        let stored = try SpecVectors.load("proposer-selection.json", generated: generated)
        #expect(stored == generated, "proposer-selection.json differs from what the code produces; rerun with CAIRN_WRITE_VECTORS=1 if the change is intended")
        for scenario in stored.scenarios {
            for h in scenario.heights {
                let state = try ProposerPriorities(canonicalBytes: Hex.decode(h.encoding))
                #expect(state.entries.map { String($0.priority) } == h.priorities.map(\.priority))
                #expect(state.proposer(round: 0).checksummed == h.roundProposers[0])
            }
        }
    }
}
