import CairnCore

/// What one class of the fleet did and got.
public struct ClassTally: Sendable, Equatable {
    public var devices = 0
    public var onboarded = 0
    /// Onboardings and location assertions the node refused, by reason.
    public var onboardingRefused: [String: Int] = [:]
    public var locationRefused: [String: Int] = [:]
    /// Receipts booked to the class in attestations the simulator submitted.
    public var receiptsSubmitted = 0
    /// In attestations the node refused at submission, or admitted but never included.
    public var receiptsRefusedWithAttestation = 0
    public var receiptsNotIncluded = 0
    public var valid = 0
    public var validNotSelected = 0
    /// Receipt verdicts other than valid / valid_not_selected, by reason code.
    public var rejected: [String: Int] = [:]
    /// Base units the class's devices earned (coverage_getDeviceRewards).
    public var rewarded: Amount = 0
    public var devicesRewarded = 0

    public var accepted: Int { valid + validNotSelected }
    public var rejectedTotal: Int { rejected.values.reduce(0, +) }
    /// Rejected among the receipts that got a verdict.
    public var catchRate: Double? { accepted + rejectedTotal == 0 ? nil : Double(rejectedTotal) / Double(accepted + rejectedTotal) }
    public var rewardPerDevice: Amount { onboarded == 0 ? 0 : rewarded / Amount(onboarded) }
}

/// The attestations the simulator built and what became of them.
public struct AttestationTally: Sendable, Equatable {
    /// Challenges of the fleet left unanswered because the simulator fell behind the window.
    public var skipped = 0
    public var built = 0
    public var admitted = 0
    /// Refused by `attest_submit`, by `data.reason`.
    public var refused: [String: Int] = [:]
    public var included = 0
    /// Admitted but not in any block by the end of the challenge window.
    public var notIncluded = 0
}

/// The cell farm's resolution-8 cell in one settled epoch (coverage_getCellCoverage).
public struct FarmCellEpoch: Sendable, Equatable {
    public var epoch: UInt64
    public var hotspots: Int
    /// Reward scale, ppm (10^6 = unscaled).
    public var scale: Int
}

public struct SimulationReport: Sendable {
    public var chainID = ""
    public var seed: UInt64 = 0
    public var hotspots = 0
    public var firstHeight: UInt64 = 0
    public var lastHeight: UInt64 = 0
    /// The last epoch boundary waited for, whose settlement the rewards include.
    public var settledAt: UInt64 = 0
    public var epochs: ClosedRange<UInt64> = 0...0
    public var classes: [FleetClass: ClassTally] = [:]
    public var attestations = AttestationTally()
    public var farmCell = ""
    public var farm: [FarmCellEpoch] = []
    public var seconds = 0.0

    public subscript(_ c: FleetClass) -> ClassTally { classes[c] ?? ClassTally() }
}
