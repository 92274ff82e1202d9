import CairnCore
import CairnRPC
import Foundation
import Testing

/// `cairn simulate energy` against a real devnet process (200 ms blocks, 20-block reward
/// epochs): a day of 5-minute readings from solar and wind meters, honest and cheating, reported
/// hour by hour. Every cheater class must be refused by exactly the rule meant for it, the
/// equivocator must be frozen with half its bond slashed (read back with energy_getMeter), the
/// unknown maker's meters never onboarded, and no honest reading refused while honest meters
/// earn from the energy pool.
@Suite("Energy simulator", .serialized)
struct EnergySimulatorTests {
    @Test func everyCheatingMeterIsCaughtByItsRule() async throws {
        let devnet = try await SimulatorDevnet("simulate-energy", params: ["emission": ["epoch_length": 20]])
        defer { devnet.stop() }
        let run = try cairn(["simulate", "energy", "--rpc", devnet.node.rpcURL, "--json", "--seed", "21", "--meters", "44",
                             "--hours", "24", "--over-capacity-meters", "0.05", "--night-solar-meters", "0.05",
                             "--replaying-meters", "0.05", "--backdating-meters", "0.05", "--decreasing-meters", "0.05",
                             "--equivocating-meters", "0.05", "--unknown-maker-meters", "0.05"])
        let out = try SimulationOutput(run, node: devnet.node)
        let summary = out.summary
        #expect(out.report["attestations_refused"]?.objectValue?.isEmpty == true, "\(summary)")
        #expect(out.report["attestations_not_included"]?.integerValue == 0, "\(summary)")

        // Honest meters: a day of readings each, every one accepted, certificates minted, paid.
        let honest = out.int("honest", "onboarded")
        #expect(honest == 30, "\(summary)")
        #expect(out.counts("honest", "rejected").isEmpty, "\(summary)")
        #expect(out.int("honest", "submitted") == honest * 288 && out.int("honest", "accepted") == honest * 288, "\(summary)")
        #expect(out.int("honest", "certificates") > 0 && out.int("honest", "meters_rewarded") == honest, "\(summary)")
        #expect(out.amount("honest", "rewarded") > 0, "\(summary)")

        // Each cheat refused by its own rule and by no other.
        let exact: [(String, String)] = [
            ("over_capacity", "exceeds_capacity"), ("night_solar", "solar_at_night"), ("replayer", "slot_not_after_last"),
            ("backdated", "slot_too_old"), ("decreasing", "energy_decreased"), ("equivocator", "meter_frozen"),
        ]
        for (c, reason) in exact {
            let rejected = out.counts(c, "rejected")
            #expect(Set(rejected.keys) == [reason] && rejected[reason]! > 0, "\(c): \(summary)")
            #expect(out.int(c, "accepted") + rejected[reason, default: 0] == out.int(c, "submitted"), "\(c): \(summary)")
        }
        // Every replayed reading is refused, every original accepted; nothing of the backdated day counts.
        #expect(out.int("replayer", "accepted") == 2 * 288, "\(summary)")
        #expect(out.int("backdated", "accepted") == 0 && out.amount("backdated", "rewarded") == 0, "\(summary)")

        // What the pool paid at the settlements (rewards_getEpoch) is exactly what the meters' own
        // reward lines (rewards_getDevice) add up to.
        #expect(out.poolPaid > 0 && out.rewarded == out.poolPaid, "\(summary)")

        // The equivocator: reported once, frozen, half its bond slashed, nothing accepted after.
        #expect(out.counts("equivocator", "evidence") == ["committed": 2] && out.int("equivocator", "frozen") == 2, "\(summary)")
        let params = try await devnet.node.client.call("state_getParams", ["module": "energy"])
        let minBond = try #require(params["params"]?["energy"]?["min_bond"]?.stringValue.flatMap { Amount($0) })
        let ids = out.report["classes"]?["equivocator"]?["ids"]?.arrayValue ?? []
        #expect(ids.count == 2, "\(summary)")
        for id in ids {
            let meter = try await devnet.node.client.call("energy_getMeter", ["meter": id])
            let frozen = try #require(meter["frozen"]?.objectValue, "\(id) not frozen: \(JSONText.string(meter))")
            let slashed = frozen["slashed"]?.stringValue.flatMap { Amount($0) }
            #expect(slashed == minBond / 2, "\(JSONText.string(meter))")
            #expect(meter["bond"]?.stringValue.flatMap { Amount($0) } == minBond - minBond / 2, "\(JSONText.string(meter))")
            let height = try #require(frozen["height"]?.integerValue)
            let readings = try await devnet.node.client.call("energy_getReadings", ["meter": id, "limit": 1_000])["readings"]?.arrayValue ?? []
            #expect(!readings.isEmpty && readings.allSatisfy { ($0["height"]?.integerValue ?? .max) < height }, "\(id) frozen at \(height)")
        }
        // No honest meter was reported.
        for id in out.report["classes"]?["honest"]?["ids"]?.arrayValue ?? [] {
            #expect(try await devnet.node.client.call("energy_getMeter", ["meter": id])["frozen"]?.isNull == true, "\(id)")
        }

        // The unknown maker's meters never reach the chain.
        #expect(out.counts("unknown_maker", "onboarding_refused") == ["unknown_maker": 2] && out.int("unknown_maker", "onboarded") == 0,
                "\(summary)")
    }
}
