import CairnCore
import CairnRPC
import Foundation

/// What one class of meters did and got.
public struct MeterClassTally: Sendable, Equatable {
    public var meters = 0
    public var onboarded = 0
    /// The ids of the class's meters on the chain.
    public var ids: [String] = []
    public var onboardingRefused: [String: Int] = [:]
    public var locationRefused: [String: Int] = [:]
    public var registrationRefused: [String: Int] = [:]
    /// Readings in batches of attestations the chain included, and those in attestations it
    /// refused or never included (never judged).
    public var submitted = 0
    public var unjudged = 0
    public var accepted = 0
    /// Refused readings by reason code (energy_getRejectedReadings).
    public var rejected: [String: Int] = [:]
    /// Wh credited and certificates minted.
    public var energy: UInt64 = 0
    public var certificates: UInt64 = 0
    /// Equivocation reports the watcher sent against the class's meters, by outcome
    /// ("committed" or the refusal's reason); meters frozen and bond slashed.
    public var evidence: [String: Int] = [:]
    public var frozen = 0
    public var slashed: Amount = 0
    public var rewarded: Amount = 0
    public var metersRewarded = 0

    public var rejectedTotal: Int { rejected.values.reduce(0, +) }
}

public struct EnergyReport: Sendable {
    public var chainID = ""
    public var seed: UInt64 = 0
    public var meters = 0
    /// The slots reported (Unix seconds of the first slot's start and the last slot's end).
    public var firstSlot: UInt64 = 0
    public var lastSlot: UInt64 = 0
    public var slotLength: UInt64 = 0
    public var periodStart: UInt64 = 0
    public var periodEnd: UInt64 = 0
    public var rounds = 0
    public var attestations = 0
    /// Refused by `attest_submit`, by reason; admitted and never included.
    public var attestationsRefused: [String: Int] = [:]
    public var attestationsNotIncluded = 0
    public var firstHeight: UInt64 = 0
    public var lastHeight: UInt64 = 0
    public var settledAt: UInt64 = 0
    public var rewardsSource = ""
    /// What the pool paid in all at the settlements of the epochs the fleet worked in.
    public var poolPaid: Amount = 0
    public var seconds = 0.0
    public var classes: [MeterClass: MeterClassTally] = [:]

    public subscript(_ c: MeterClass) -> MeterClassTally { classes[c] ?? MeterClassTally() }

    var present: [MeterClass] { MeterClass.allCases.filter { self[$0].meters > 0 } }

    static func time(_ seconds: UInt64) -> String {
        Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
    }

    public var lines: [String] {
        var out = ["Energy simulation on \(chainID): \(meters) meters, seed \(seed), slots \(firstSlot)…\(lastSlot) "
                   + "(\(Self.time(periodStart)) to \(Self.time(periodEnd))) in \(rounds) hourly rounds at heights \(firstHeight)…\(lastHeight), "
                   + "rewards through the settlement at \(settledAt) (\(rewardsSource); the pool paid \(ReportText.cairn(poolPaid)) in those epochs), \(Int(seconds)) s",
                   "Attestations: \(attestations) submitted, refused: \(ReportText.reasons(attestationsRefused)), "
                   + "\(attestationsNotIncluded) admitted but not included"]
        for c in present {
            let t = self[c]
            out.append("")
            out.append("\(c.rawValue): \(t.meters) meters, \(t.onboarded) onboarded")
            if !t.onboardingRefused.isEmpty { out.append("  onboarding refused: \(ReportText.reasons(t.onboardingRefused))") }
            if !t.locationRefused.isEmpty { out.append("  location refused: \(ReportText.reasons(t.locationRefused))") }
            if !t.registrationRefused.isEmpty { out.append("  registration refused: \(ReportText.reasons(t.registrationRefused))") }
            guard t.onboarded > 0 else { continue }
            out.append("  readings: \(t.submitted) submitted, \(t.accepted) accepted, \(t.rejectedTotal) rejected, \(t.unjudged) never judged")
            out.append("  rejected: \(ReportText.reasons(t.rejected))")
            out.append("  credited \(t.energy) Wh, \(t.certificates) certificates; rewarded \(ReportText.cairn(t.rewarded)) to \(t.metersRewarded) meters")
            if !t.evidence.isEmpty || t.frozen > 0 {
                out.append("  equivocation reports: \(ReportText.reasons(t.evidence)); \(t.frozen) frozen, \(ReportText.cairn(t.slashed)) of bond slashed")
            }
        }
        return out
    }

    public var json: JSONValue {
        var classes: [String: JSONValue] = [:]
        for c in present {
            let t = self[c]
            classes[c.rawValue] = [
                "meters": ReportText.int(t.meters), "onboarded": ReportText.int(t.onboarded), "ids": .array(t.ids.map { .string($0) }),
                "onboarding_refused": ReportText.object(t.onboardingRefused), "location_refused": ReportText.object(t.locationRefused),
                "registration_refused": ReportText.object(t.registrationRefused),
                "submitted": ReportText.int(t.submitted), "unjudged": ReportText.int(t.unjudged), "accepted": ReportText.int(t.accepted),
                "rejected": ReportText.object(t.rejected), "energy": ReportText.int(t.energy), "certificates": ReportText.int(t.certificates),
                "evidence": ReportText.object(t.evidence), "frozen": ReportText.int(t.frozen), "slashed": ReportText.amount(t.slashed),
                "rewarded": ReportText.amount(t.rewarded), "meters_rewarded": ReportText.int(t.metersRewarded),
            ]
        }
        return [
            "chain_id": .string(chainID), "seed": ReportText.int(seed), "meters": ReportText.int(meters),
            "first_slot": ReportText.int(firstSlot), "last_slot": ReportText.int(lastSlot), "slot_length": ReportText.int(slotLength),
            "rounds": ReportText.int(rounds), "attestations": ReportText.int(attestations),
            "attestations_refused": ReportText.object(attestationsRefused), "attestations_not_included": ReportText.int(attestationsNotIncluded),
            "first_height": ReportText.int(firstHeight), "last_height": ReportText.int(lastHeight), "settled_at": ReportText.int(settledAt),
            "rewards_source": .string(rewardsSource), "pool_paid": ReportText.amount(poolPaid), "seconds": ReportText.fraction(seconds, digits: 1), "classes": .object(classes),
        ]
    }
}
