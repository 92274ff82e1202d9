import CairnConsensus
import CairnCore
import CairnCrypto
import Foundation
import Testing

/// Many seeded runs of the simulator (SimulatorNetwork.swift): agreement, validity, progress after
/// the network heals, the locking lemma, and evidence against equivocators.
///
/// `CAIRN_SIM_SEEDS=<count>` runs more seeds (default 40); `CAIRN_SIM_SEED=<n>` runs one seed and
/// prints its scenario; `CAIRN_SIM_FIRST_SEED=<n>` starts the range elsewhere.
@Suite struct SimulatorTests {
    static let defaultSeeds: UInt64 = 40

    static var seeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let one = environment["CAIRN_SIM_SEED"].flatMap(UInt64.init) { return [one] }
        let count = environment["CAIRN_SIM_SEEDS"].flatMap(UInt64.init) ?? defaultSeeds
        let first = environment["CAIRN_SIM_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        return Array(first..<(first + count))
    }

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
}
