import CairnCore
import CairnRPC
import Foundation

/// What one class of storage providers did and got.
public struct StorageClassTally: Sendable, Equatable {
    public var providers = 0
    public var onboarded = 0
    /// The ids of the class's provider devices on the chain.
    public var ids: [String] = []
    public var onboardingRefused: [String: Int] = [:]
    public var registrationRefused: [String: Int] = [:]
    public var deals = 0
    /// Proposals and acceptances refused, by reason.
    public var dealsRefused: [String: Int] = [:]
    /// Deal statuses at the end of the run.
    public var dealStatus: [String: Int] = [:]
    public var proofsSubmitted = 0
    /// Refused by `attest_submit`, by `data.reason`.
    public var proofsRefused: [String: Int] = [:]
    /// Challenges the provider saw and chose not to answer.
    public var withheld = 0
    /// Periods with an outcome, and those proven.
    public var periods = 0
    public var proven = 0
    /// Faults by reason code.
    public var faults: [String: Int] = [:]
    /// Σ p and Σ p(1 − p) of the chance of a fault of each decided period, for a class that
    /// faults by chance (partial loss).
    public var expectedFaults = 0.0
    public var faultVariance = 0.0
    /// Deal payments (price released per proven period), collateral slashed, and the storage
    /// pool's epoch rewards.
    public var paid: Amount = 0
    public var slashed: Amount = 0
    public var rewarded: Amount = 0
    public var providersRewarded = 0

    public var faultTotal: Int { faults.values.reduce(0, +) }
    public var faultRate: Double? { periods == 0 ? nil : Double(faultTotal) / Double(periods) }
    public var expectedFaultRate: Double? { periods == 0 || expectedFaults == 0 ? nil : expectedFaults / Double(periods) }
    /// The standard deviation of the fault rate about its expectation.
    public var faultRateSigma: Double? { periods == 0 || expectedFaults == 0 ? nil : faultVariance.squareRoot() / Double(periods) }
}

public struct StorageReport: Sendable {
    public var chainID = ""
    public var seed: UInt64 = 0
    public var providers = 0
    public var deals = 0
    public var dataBytes: UInt64 = 0
    public var dataDirectory = ""
    public var provingPeriod: UInt64 = 0
    public var proofWindow: UInt64 = 0
    public var challenges: UInt64 = 0
    public var maxConsecutiveFaults: UInt64 = 0
    public var lossFraction = 0.0
    public var firstHeight: UInt64 = 0
    public var lastHeight: UInt64 = 0
    /// The last reward settlement the rewards include, and how they were read.
    public var settledAt: UInt64 = 0
    public var rewardsSource = ""
    /// What the pool paid in all at the settlements of the epochs the fleet worked in.
    public var poolPaid: Amount = 0
    public var seconds = 0.0
    public var classes: [StorageClass: StorageClassTally] = [:]

    public subscript(_ c: StorageClass) -> StorageClassTally { classes[c] ?? StorageClassTally() }

    var present: [StorageClass] { StorageClass.allCases.filter { self[$0].providers > 0 } }

    public var lines: [String] {
        var out = ["Storage simulation on \(chainID): \(providers) providers, \(deals) deals, \(dataBytes) bytes on disk, seed \(seed), "
                   + "proving at heights \(firstHeight)…\(lastHeight) (period \(provingPeriod), window \(proofWindow), \(challenges) chunks), "
                   + "rewards through the settlement at \(settledAt) (\(rewardsSource); the pool paid \(ReportText.cairn(poolPaid)) in those epochs), \(Int(seconds)) s"]
        for c in present {
            let t = self[c]
            out.append("")
            out.append("\(c.rawValue): \(t.providers) providers, \(t.onboarded) onboarded, \(t.deals) deals active at the start")
            if !t.onboardingRefused.isEmpty { out.append("  onboarding refused: \(ReportText.reasons(t.onboardingRefused))") }
            if !t.registrationRefused.isEmpty { out.append("  registration refused: \(ReportText.reasons(t.registrationRefused))") }
            if !t.dealsRefused.isEmpty { out.append("  deals refused: \(ReportText.reasons(t.dealsRefused))") }
            out.append("  proofs: \(t.proofsSubmitted) submitted, \(t.withheld) withheld, refused at submission: \(ReportText.reasons(t.proofsRefused))")
            out.append("  periods: \(t.periods) decided, \(t.proven) proven, \(t.faultTotal) faults (\(ReportText.percent(t.faultRate))): "
                       + ReportText.reasons(t.faults))
            if let expected = t.expectedFaultRate, let sigma = t.faultRateSigma {
                out.append("  fault rate expected 1 − (1 − f)^c = \(ReportText.percent(expected)) ± \(ReportText.percent(sigma)) (1σ)")
            }
            out.append("  deals at the end: \(ReportText.reasons(t.dealStatus))")
            out.append("  paid by deals \(ReportText.cairn(t.paid)), slashed \(ReportText.cairn(t.slashed)); "
                       + "rewarded \(ReportText.cairn(t.rewarded)) to \(t.providersRewarded) providers")
        }
        return out
    }

    public var json: JSONValue {
        var classes: [String: JSONValue] = [:]
        for c in present {
            let t = self[c]
            classes[c.rawValue] = [
                "providers": ReportText.int(t.providers), "onboarded": ReportText.int(t.onboarded), "ids": .array(t.ids.map { .string($0) }),
                "onboarding_refused": ReportText.object(t.onboardingRefused), "registration_refused": ReportText.object(t.registrationRefused),
                "deals": ReportText.int(t.deals), "deals_refused": ReportText.object(t.dealsRefused), "deal_status": ReportText.object(t.dealStatus),
                "proofs_submitted": ReportText.int(t.proofsSubmitted), "proofs_refused": ReportText.object(t.proofsRefused),
                "withheld": ReportText.int(t.withheld), "periods": ReportText.int(t.periods), "proven": ReportText.int(t.proven),
                "faults": ReportText.object(t.faults), "fault_rate": ReportText.fraction(t.faultRate),
                "expected_fault_rate": ReportText.fraction(t.expectedFaultRate), "fault_rate_sigma": ReportText.fraction(t.faultRateSigma),
                "paid": ReportText.amount(t.paid), "slashed": ReportText.amount(t.slashed), "rewarded": ReportText.amount(t.rewarded),
                "providers_rewarded": ReportText.int(t.providersRewarded),
            ]
        }
        return [
            "chain_id": .string(chainID), "seed": ReportText.int(seed), "providers": ReportText.int(providers), "deals": ReportText.int(deals),
            "data_bytes": ReportText.int(dataBytes), "data_directory": .string(dataDirectory),
            "proving_period": ReportText.int(provingPeriod), "proof_window": ReportText.int(proofWindow), "challenges": ReportText.int(challenges),
            "max_consecutive_faults": ReportText.int(maxConsecutiveFaults), "loss_fraction": ReportText.fraction(lossFraction),
            "first_height": ReportText.int(firstHeight), "last_height": ReportText.int(lastHeight), "settled_at": ReportText.int(settledAt),
            "rewards_source": .string(rewardsSource), "pool_paid": ReportText.amount(poolPaid), "seconds": ReportText.fraction(seconds, digits: 1), "classes": .object(classes),
        ]
    }
}
