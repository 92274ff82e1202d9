import CairnConsensus
import CairnCore
import CairnCrypto
@testable import CairnNode
import CairnTestSupport
import Foundation
import Testing

/// Seeded runs of real `ConsensusDriver`s (DriverSimulation.swift): agreement, progress once the
/// network heals, and no honest validator scored down, under delays, losses, partitions, crashes
/// and restarts with the journal lost.
///
/// `CAIRN_DRIVER_SIM_SEEDS=<count>` runs more seeds (default 200); `CAIRN_DRIVER_SIM_SEED=<n>`
/// runs one and prints its scenario (`CAIRN_SIM_LOG=1` adds every node's log);
/// `CAIRN_DRIVER_SIM_FIRST_SEED=<n>` starts the range elsewhere.
@Suite("Driver simulator", .serialized)
struct DriverSimulatorTests {
    static let defaultSeeds: UInt64 = 200

    static var seeds: [UInt64] { simulatorSeeds(environment: "CAIRN_DRIVER_SIM", defaultCount: defaultSeeds) }

    /// The driver runs only silent faults: equivocation and invalid blocks need a faulty signer
    /// or builder, which the engine simulator covers. A validator that loses its journal forgets
    /// every vote but its last, which its peers may still need: it is faulty too, so its power
    /// counts against the third the protocol tolerates; beyond that, its crashes keep the journal.
    static func scenario(_ seed: UInt64) -> SimulatorScenario {
        let drawn = SimulatorScenario(seed: seed, faults: [.silent])
        var faulty = Set(drawn.behaviours.indices.filter { drawn.behaviours[$0] != .honest })
        var crashes: [SimulatorScenario.Crash] = []
        for crash in drawn.crashes {
            var loss = crash.journalLoss
            if loss > 0 && !faulty.contains(crash.node) {
                let power = (faulty.map { drawn.powers[$0] }.reduce(0, +) + drawn.powers[crash.node])
                if power * 3 < drawn.totalPower { faulty.insert(crash.node) } else { loss = 0 }
            }
            crashes.append(SimulatorScenario.Crash(node: crash.node, at: crash.at, downFor: crash.downFor, journalLoss: loss))
        }
        return SimulatorScenario(seed: seed, powers: drawn.powers, behaviours: drawn.behaviours,
                                 targetHeight: drawn.targetHeight, gst: drawn.gst, dropPerMille: drawn.dropPerMille,
                                 maxDelayBeforeGST: drawn.maxDelayBeforeGST, maxDelayAfterGST: drawn.maxDelayAfterGST,
                                 partitions: drawn.partitions, crashes: crashes)
    }

    @Test func safetyAndLivenessOverSeeds() async throws {
        var failing: [UInt64] = []
        var events = 0
        for seed in Self.seeds {
            let scenario = Self.scenario(seed)
            let directory = DriverSimulation.scratchDirectory("driver-sim")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let simulation = try DriverSimulation(scenario: scenario, directory: directory)
            defer { simulation.close() }
            await simulation.run()
            events += simulation.events
            if Self.seeds.count == 1 {
                print("seed \(seed): \(scenario) → \(simulation.events) events, t=\(simulation.now)ms")
            }
            if !simulation.failures.isEmpty {
                failing.append(seed)
                Issue.record("""
                    seed \(seed) failed (\(scenario)):
                    \(simulation.failures.prefix(5).joined(separator: "\n"))
                    replay: CAIRN_DRIVER_SIM_SEED=\(seed) swift test --filter DriverSimulatorTests
                    """)
                if failing.count >= 5 { break }
            }
        }
        print("driver simulator: \(Self.seeds.count) seeds, \(failing.count) failing, \(events) events")
    }

    /// The same seed gives the same run: the same blocks at every height.
    @Test func aSeedReplaysExactly() async throws {
        var runs: [[Hash32?]] = []
        for _ in 0..<2 {
            let directory = DriverSimulation.scratchDirectory("driver-sim-replay")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let simulation = try DriverSimulation(scenario: Self.scenario(11), directory: directory)
            defer { simulation.close() }
            await simulation.run()
            #expect(simulation.failures.isEmpty, "\(simulation.failures)")
            runs.append((1...simulation.scenario.targetHeight).map { simulation.committedBlocks(height: $0).first??.id })
        }
        #expect(runs[0] == runs[1])
        #expect(runs[0].allSatisfy { $0 != nil })
    }

    /// A polka without a decision: in round 0 every validator prevotes the block, but two of
    /// them see the polka too late and precommit nil, so round 0 ends undecided with the block
    /// as the valid value of the round-1 proposer. That proposer re-proposes the block, which
    /// names the round-0 proposer in its header; every peer must accept it and decide it.
    @Test func theNextRoundDecidesAReProposedValidValue() async throws {
        let directory = DriverSimulation.scratchDirectory("driver-sim-repropose")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scenario = SimulatorScenario(seed: 3, powers: [1, 1, 1, 1], targetHeight: 1,
                                         maxDelayBeforeGST: 5, maxDelayAfterGST: 5)
        // Who proposes rounds 0 and 1 of height 1, by the real proposer schedule.
        let probe = try DriverSimulation(scenario: scenario, directory: directory + "/probe")
        let schedule = try NodeChain(directory: directory + "/probe/chain", genesis: probe.genesis)
        let priorities = try schedule.validatorSchedule(height: 1).priorities
        schedule.close()
        let addresses = probe.nodes.map(\.key.address)
        let first = try #require(addresses.firstIndex(of: priorities.proposer(round: 0)))
        let second = try #require(addresses.firstIndex(of: priorities.proposer(round: 1)))
        let others = addresses.indices.filter { $0 != first && $0 != second }
        #expect(first != second && others.count == 2)
        let (c, d) = (others[0], others[1])

        // Peers forward what they receive, so the shaping goes by who signed, not who sent.
        let proposer0 = addresses[first]
        // The round-0 proposal reaches d late (d prevotes nil at its propose timeout), and the
        // round-0 proposer's prevote reaches c and d late: they count 3 prevotes without a polka
        // and precommit nil; the proposer and the round-1 proposer see the polka and lock.
        let simulation = try DriverSimulation(scenario: scenario, directory: directory + "/run") { _, to, message, _ in
            switch message {
            case .proposal(let p, _) where p.height == 1 && p.round == 0 && to == d:
                return .delay(1_000)
            case .vote(let v) where v.height == 1 && v.round == 0 && v.type == .prevote && v.validator == proposer0 && (to == c || to == d):
                return .delay(1_000)
            default:
                return .normal
            }
        }
        defer { simulation.close() }
        await simulation.run()
        #expect(simulation.failures.isEmpty, "\(simulation.failures)")
        let blocks = simulation.committedBlocks(height: 1)
        let block = try #require(blocks.first ?? nil)
        #expect(blocks.allSatisfy { $0?.id == block.id })
        // Decided in a later round, and it is the round-0 proposer's block.
        #expect(block.header.proposer == addresses[first])
        let commit = try #require(try simulation.nodes[first].chain?.database.commit(height: 1))
        #expect(commit.round >= 1)
    }
}
