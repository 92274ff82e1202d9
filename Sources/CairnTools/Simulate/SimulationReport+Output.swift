import CairnCore
import Foundation

extension SimulationReport {
    /// Classes in the fleet, in declaration order.
    var present: [FleetClass] { FleetClass.allCases.filter { self[$0].devices > 0 } }

    public var lines: [String] {
        var out = ["Coverage simulation on \(chainID): \(hotspots) hotspots, seed \(seed), challenges at heights \(firstHeight)…\(lastHeight), "
                   + "rewards through the settlement at \(settledAt) (epochs \(epochs.lowerBound)…\(epochs.upperBound)), \(Int(seconds)) s", ""]
        out.append("Attestations: \(attestations.built) built, \(attestations.admitted) admitted, \(attestations.included) included, "
                   + "\(attestations.notIncluded) admitted but not included; refused at submission: \(ReportText.reasons(attestations.refused))"
                   + (attestations.skipped > 0 ? "; \(attestations.skipped) challenges skipped, the simulator having fallen behind" : ""))
        for c in present {
            let t = self[c]
            out.append("")
            out.append("\(c.rawValue): \(t.devices) devices, \(t.onboarded) onboarded")
            if !t.onboardingRefused.isEmpty { out.append("  onboarding refused: \(ReportText.reasons(t.onboardingRefused))") }
            if !t.locationRefused.isEmpty { out.append("  location refused: \(ReportText.reasons(t.locationRefused))") }
            guard t.onboarded > 0 else { continue }
            let rate = t.catchRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
            out.append("  receipts: \(t.receiptsSubmitted) submitted, \(t.accepted) accepted (\(t.valid) valid, \(t.validNotSelected) not selected), "
                       + "\(t.rejectedTotal) rejected (\(rate) of those judged), \(t.receiptsRefusedWithAttestation + t.receiptsNotIncluded) never judged")
            out.append("  rejected: \(ReportText.reasons(t.rejected))")
            out.append("  rewarded: \(ReportText.cairn(t.rewarded)) to \(t.devicesRewarded) devices, \(ReportText.cairn(t.rewardPerDevice)) per onboarded device")
        }
        if !farm.isEmpty {
            out.append("")
            out.append("Cell farm cell \(farmCell): " + farm.map { "epoch \($0.epoch) \($0.hotspots) hotspots scale \(String(format: "%.4f", Double($0.scale) / 1e6))" }
                .joined(separator: "; "))
        }
        return out
    }


    public var json: JSONValue {
        var classes: [String: JSONValue] = [:]
        for c in present {
            let t = self[c]
            classes[c.rawValue] = [
                "devices": .integer(Int64(t.devices)), "onboarded": .integer(Int64(t.onboarded)),
                "onboarding_refused": ReportText.object(t.onboardingRefused), "location_refused": ReportText.object(t.locationRefused),
                "receipts_submitted": .integer(Int64(t.receiptsSubmitted)),
                "receipts_refused_with_attestation": .integer(Int64(t.receiptsRefusedWithAttestation)),
                "receipts_not_included": .integer(Int64(t.receiptsNotIncluded)),
                "accepted": .integer(Int64(t.accepted)), "valid": .integer(Int64(t.valid)),
                "valid_not_selected": .integer(Int64(t.validNotSelected)), "rejected": ReportText.object(t.rejected),
                "catch_rate": t.catchRate.map { .number(String(format: "%.4f", $0)) } ?? .null,
                "rewarded": .string(String(t.rewarded)), "devices_rewarded": .integer(Int64(t.devicesRewarded)),
                "reward_per_device": .string(String(t.rewardPerDevice)),
            ]
        }
        return [
            "chain_id": .string(chainID), "seed": .integer(Int64(clamping: seed)), "hotspots": .integer(Int64(hotspots)),
            "first_height": .integer(Int64(firstHeight)), "last_height": .integer(Int64(lastHeight)),
            "settled_at": .integer(Int64(settledAt)), "epochs": [.integer(Int64(epochs.lowerBound)), .integer(Int64(epochs.upperBound))],
            "seconds": .number(String(format: "%.1f", seconds)),
            "attestations": [
                "skipped": .integer(Int64(attestations.skipped)), "built": .integer(Int64(attestations.built)), "admitted": .integer(Int64(attestations.admitted)),
                "refused": ReportText.object(attestations.refused), "included": .integer(Int64(attestations.included)),
                "not_included": .integer(Int64(attestations.notIncluded)),
            ],
            "classes": .object(classes),
            "farm_cell": [
                "cell": .string(farmCell),
                "epochs": .array(farm.map { ["epoch": .integer(Int64($0.epoch)), "hotspots": .integer(Int64($0.hotspots)), "scale": .integer(Int64($0.scale))] }),
            ],
        ]
    }
}
