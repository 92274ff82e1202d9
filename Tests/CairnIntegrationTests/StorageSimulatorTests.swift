import CairnCore
import Foundation
import Testing

/// `cairn simulate storage` against a real devnet process (200 ms blocks, 20-block proving
/// periods with a 10-block proof window — 2 s to answer, which a loaded 2-core machine running
/// other devnets beside it still makes — 20-block reward epochs, deals terminated after 6 faults
/// in a row): every cheating provider must be caught by the rule meant for it, with the exact
/// reason code; the partial-loss providers must fault as often as 1 − (1 − f)^c says; honest
/// providers must never fault and must be paid.
@Suite("Storage simulator", .serialized)
struct StorageSimulatorTests {
    static let lossFraction = 0.25
    static let challenges = 5.0

    @Test func everyCheatingProviderIsCaughtByItsRule() async throws {
        let devnet = try await SimulatorDevnet("simulate-storage", params: [
            "storage": ["proving_period": 20, "proof_window": 10, "max_consecutive_faults": 6],
            "emission": ["epoch_length": 20],
        ])
        defer { devnet.stop() }
        let run = try cairn(["simulate", "storage", "--rpc", devnet.node.rpcURL, "--json", "--seed", "11", "--blocks", "200",
                             "--providers", "16", "--deals-per-provider", "6", "--partial-loss", "0.25", "--loss-fraction",
                             String(Self.lossFraction), "--offline", "0.125", "--wrong-file", "0.125",
                             "--min-file-size", "65536", "--max-file-size", "524288"])
        let out = try SimulationOutput(run, node: devnet.node)
        let summary = out.summary
        #expect(out.report["challenges"]?.integerValue == Int64(Self.challenges), "\(summary)")

        // Honest providers: every period proven, every proof admitted, every deal alive, paid.
        #expect(out.int("honest", "providers") == 8 && out.int("honest", "deals") == 48, "\(summary)")
        #expect(out.counts("honest", "faults").isEmpty, "\(summary)")
        #expect(out.counts("honest", "proofs_refused").isEmpty && out.int("honest", "withheld") == 0, "\(summary)")
        #expect(out.int("honest", "proven") >= 48 * 8, "\(summary)")
        #expect(out.counts("honest", "deal_status") == ["active": 48], "\(summary)")
        #expect(out.amount("honest", "rewarded") > 0 && out.int("honest", "providers_rewarded") == 8, "\(summary)")
        #expect(out.amount("honest", "paid") > 0 && out.amount("honest", "slashed") == 0, "\(summary)")

        // Partial loss: it withholds, so its faults are missed proofs, at the rate the
        // challenge's independence predicts, within 4σ (and the rounding of f·n to whole chunks).
        #expect(Set(out.counts("partial_loss", "faults").keys) == ["missed_proof"], "\(summary)")
        let periods = out.int("partial_loss", "periods")
        #expect(periods >= 150, "\(summary)")
        let p = 1 - pow(1 - Self.lossFraction, Self.challenges)
        let rate = Double(out.counts("partial_loss", "faults")["missed_proof"] ?? 0) / Double(max(periods, 1))
        let sigma = (p * (1 - p) / Double(max(periods, 1))).squareRoot()
        #expect(abs(rate - p) <= 4 * sigma + 0.01, "fault rate \(rate), expected \(p) ± \(sigma): \(summary)")
        #expect(out.int("partial_loss", "withheld") > 0 && out.int("partial_loss", "proven") > 0, "\(summary)")
        #expect(out.counts("partial_loss", "proofs_refused").isEmpty, "\(summary)")

        // Offline: nothing but missed proofs, and every deal terminated after the faults in a row.
        #expect(out.counts("offline", "faults") == ["missed_proof": out.int("offline", "periods")], "\(summary)")
        #expect(out.counts("offline", "deal_status") == ["terminated": 12], "\(summary)")
        #expect(out.int("offline", "periods") == 12 * 6 && out.int("offline", "proofs_submitted") == 0, "\(summary)")

        // Another file's chunks: every proof admitted (it is well formed and signed) and judged invalid.
        #expect(out.counts("wrong_file", "faults") == ["invalid_proof": out.int("wrong_file", "periods")], "\(summary)")
        #expect(out.int("wrong_file", "periods") > 0 && out.counts("wrong_file", "proofs_refused").isEmpty, "\(summary)")
        #expect(out.counts("wrong_file", "deal_status") == ["terminated": 12], "\(summary)")

        // What the pool paid at the settlements (rewards_getEpoch) is exactly what the providers'
        // own reward lines (rewards_getDevice) add up to.
        #expect(out.poolPaid > 0 && out.rewarded == out.poolPaid, "\(summary)")

        // Faulting providers earn nothing from the pool; their collateral is slashed.
        for c in ["offline", "wrong_file"] {
            #expect(out.amount(c, "rewarded") == 0 && out.amount(c, "slashed") > 0, "\(c): \(summary)")
        }
    }
}
