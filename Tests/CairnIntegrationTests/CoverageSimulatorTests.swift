import CairnCore
import Foundation
import Testing

/// `cairn simulate coverage` against a real devnet process (200 ms blocks, its own genesis with
/// 50-block epochs, so an epoch settles every 10 s): every cheater class must be caught by the rule meant for it,
/// no honest receipt may be rejected, and the cell farm must earn less per device than honest
/// hotspots. The reason codes are asserted exactly, so a rule that stops working fails here.
@Suite("Coverage simulator", .serialized)
struct CoverageSimulatorTests {
    /// The rules a location lie can trip: the signal, or a distance bound.
    static let locationRules: Set<String> = ["rssi_too_high", "too_far", "too_close"]

    @Test func everyCheaterIsCaughtByItsRule() async throws {
        // 4 challenges a block for 400 hotspots (beacon_interval 100), a 50-block window so a busy
        // machine still includes every attestation, and 50-block epochs.
        let devnet = try await SimulatorDevnet("simulate", params: [
            "coverage": ["beacon_interval": 100, "challenge_window": 50, "epoch_length": 50],
        ])
        defer { devnet.stop() }
        let node = devnet.node

        let run = try cairn(["simulate", "coverage", "--rpc", node.rpcURL, "--json", "--hotspots", "400", "--blocks", "120",
                             "--seed", "7", "--spoofers", "0.05", "--fabricators", "0.03", "--colluders", "0.025",
                             "--inflated", "0.03", "--replayers", "0.03", "--self-witnesses", "0.03", "--late", "0.03",
                             "--wrong-frequency", "0.03", "--unknown-maker", "0.02"])
        let out = try SimulationOutput(run, node: node)
        let report = out.report, classes = try #require(report["classes"]), summary = out.summary
        func rejected(_ c: String) -> [String: Int] { out.counts(c, "rejected") }
        func count(_ c: String, _ field: String) -> Int { out.int(c, field) }
        func reward(_ c: String) -> Amount { out.amount(c, "reward_per_device") }

        // Honest hotspots: heard, paid, never refused.
        #expect(count("honest", "accepted") > 100, "\(summary)")
        #expect(rejected("honest").isEmpty, "\(summary)")
        #expect(reward("honest") > 0, "\(summary)")

        // Classes whose every receipt carries one cheat: all rejected, by exactly that rule.
        let exact: [(String, Set<String>)] = [
            ("inflated", ["rssi_too_high"]), ("replayer", ["packet_mismatch"]), ("self_witness", ["self_witness"]),
            ("late", ["late_receipt"]), ("wrong_frequency", ["wrong_channel", "frequency_off_plan"]),
        ]
        for (c, reasons) in exact {
            #expect(Set(rejected(c).keys) == reasons, "\(c): \(summary)")
            #expect(count(c, "accepted") == 0, "\(c): \(summary)")
        }

        // Location liars: caught only by the signal and distance rules, mostly the first two.
        for c in ["spoofer", "colluder", "fabricator"] {
            #expect(Set(rejected(c).keys).isSubset(of: Self.locationRules), "\(c): \(summary)")
        }
        let spoofer = rejected("spoofer")
        #expect((spoofer["rssi_too_high"] ?? 0) + (spoofer["too_far"] ?? 0) > spoofer.values.reduce(0, +) / 2, "\(summary)")
        #expect((spoofer["rssi_too_high"] ?? 0) > 0 && (rejected("colluder")["rssi_too_high"] ?? 0) > 0, "\(summary)")

        // The unknown maker never gets a device on the chain.
        let unknown = classes["unknown_maker"]
        #expect(unknown?["onboarding_refused"] == ["unknown_maker": .integer(Int64(count("unknown_maker", "devices")))], "\(summary)")
        #expect(count("unknown_maker", "onboarded") == 0 && count("unknown_maker", "devices") == 8, "\(summary)")

        // The farm: its close pairs are refused, and density scaling cuts it well below honest pay.
        #expect(Set(rejected("cell_farm").keys).isSubset(of: ["too_close"]), "\(summary)")
        #expect(reward("cell_farm") < reward("honest"), "\(summary)")
        let scales = (report["farm_cell"]?["epochs"]?.arrayValue ?? []).compactMap { $0["scale"]?.integerValue }
        #expect(!scales.isEmpty && scales.allSatisfy { $0 <= 1_000_000 * 4 / 50 }, "\(summary)")
    }
}
