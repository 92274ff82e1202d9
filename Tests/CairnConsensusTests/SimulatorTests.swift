import CairnConsensus
import CairnCore
import CairnCrypto
import CairnTestSupport
import Foundation
import Testing

/// Many seeded runs of the simulator (SimulatorNetwork.swift): agreement, validity, progress after
/// the network heals, the locking lemma, and evidence against equivocators.
///
/// `CAIRN_SIM_SEEDS=<count>` runs more seeds (default 250); `CAIRN_SIM_SEED=<n>` runs one seed and
/// prints its scenario; `CAIRN_SIM_FIRST_SEED=<n>` starts the range elsewhere.
@Suite struct SimulatorTests {
    static let defaultSeeds: UInt64 = 250

    static var seeds: [UInt64] { simulatorSeeds(environment: "CAIRN_SIM", defaultCount: defaultSeeds) }

    @Test func safetyAndLivenessOverSeeds() {
        var failing: [UInt64] = []
        var equivocatorRuns = 0, equivocatorsAccused = 0, equivocators = 0
        var maxRound: UInt64 = 0
        for seed in Self.seeds {
            let scenario = SimulatorScenario(seed: seed)
            var simulation = Simulation(scenario: scenario)
            simulation.run()
            maxRound = max(maxRound, simulation.maxRound)
            let faulty = scenario.behaviours.indices.filter { scenario.behaviours[$0] == .equivocating }
            if !faulty.isEmpty {
                equivocatorRuns += 1
                equivocators += faulty.count
                equivocatorsAccused += faulty.filter { simulation.accusedEquivocators.contains($0) }.count
            }
            if Self.seeds.count == 1 {
                print("seed \(seed): \(scenario) → \(simulation.events) events, t=\(simulation.now)ms, "
                      + "max decision round \(simulation.maxRound), evidence \(simulation.evidence.count)")
            }
            if !simulation.failures.isEmpty {
                failing.append(seed)
                Issue.record("""
                    seed \(seed) failed (\(scenario)):
                    \(simulation.failures.prefix(5).joined(separator: "\n"))
                    replay: CAIRN_SIM_SEED=\(seed) swift test --filter SimulatorTests
                    """)
                if failing.count >= 5 { break }
            }
        }
        print("simulator: \(Self.seeds.count) seeds, \(failing.count) failing, highest decision round \(maxRound), "
              + "equivocators accused \(equivocatorsAccused)/\(equivocators) in \(equivocatorRuns) runs")
        // Equivocators sign conflicting votes all the time and honest validators gossip what they
        // receive: nearly every one must be caught.
        #expect(equivocatorsAccused * 10 >= equivocators * 9,
                "evidence found against only \(equivocatorsAccused) of \(equivocators) equivocators")
    }

    private func expectClean(_ simulation: Simulation, _ comment: Comment? = nil) {
        #expect(simulation.failures.isEmpty, "\(simulation.scenario): \(simulation.failures.prefix(5))")
    }

    @Test func aHealthyNetworkDecidesEveryHeightInRoundZero() {
        for seed in UInt64(1)...5 {
            var simulation = Simulation(scenario: SimulatorScenario(seed: seed, powers: Array(repeating: 1, count: 7),
                                                                    targetHeight: 6))
            simulation.run()
            expectClean(simulation)
            #expect(simulation.maxRound == 0)
            #expect(simulation.evidence.isEmpty && simulation.guardRefusals.isEmpty)
            // No commit timeout on the critical path: six heights take a few message delays each.
            #expect(simulation.now < 6 * 400, "t=\(simulation.now)ms")
        }
    }

    @Test func oneFaultOfEachKindAmongTenValidators() {
        let behaviours: [SimulatedBehaviour] = [.honest, .equivocating, .honest, .silent, .honest, .honest,
                                                .invalidProposer, .honest, .honest, .honest]
        for seed in UInt64(1)...8 {
            let scenario = SimulatorScenario(
                seed: seed, powers: Array(repeating: 1, count: 10), behaviours: behaviours, targetHeight: 5,
                gst: 3_000, dropPerMille: 200, maxDelayBeforeGST: 400, maxDelayAfterGST: 40,
                partitions: [.init(start: 500, end: 2_500, side: (0..<10).map { $0 < 5 })],
                crashes: [.init(node: 4, at: 1_200, downFor: 1_500, journalLoss: 3)])
            var simulation = Simulation(scenario: scenario)
            simulation.run()
            expectClean(simulation)
            #expect(simulation.accusedEquivocators == [1])
        }
    }

    @Test func realSignaturesEndToEnd() {
        let scenario = SimulatorScenario(seed: 7, powers: [3, 2, 2, 1], behaviours: [.honest, .honest, .honest, .equivocating],
                                         targetHeight: 3, gst: 1_000, dropPerMille: 100,
                                         crashes: [.init(node: 0, at: 300, downFor: 600, journalLoss: 2)])
        var simulation = Simulation(scenario: scenario, realKeys: true)
        simulation.run()
        expectClean(simulation)
        #expect(simulation.evidence.allSatisfy { $0.evidence.hasValidSignatures(chainID: Simulation.chainID) })
    }
}
