import CairnCore

/// The proof-of-energy rules' numbers (Specs/depin/energy.md §2). Every bound a reading rule,
/// the bond, the slashing or the certificates use is here, so governance can retune it without a
/// code change. The night threshold, an angle below the horizon, is stored as a magnitude: the
/// parameter table holds only unsigned integers.
public struct EnergyParameters: TabularParameters {
    /// Seconds per slot: slot s covers [s·L, (s+1)·L) Unix seconds.
    public var slotLength: UInt64
    /// Seconds after a slot's end during which a reading of it may still be included.
    public var submissionWindow: UInt64
    /// ppm a meter may exceed its nameplate capacity by (inverter rating, clock jitter).
    public var capacityTolerance: UInt64
    /// µ° below the horizon: a solar meter claims nothing for a slot whose sun stays lower.
    public var nightElevationThreshold: UInt64
    /// Watts: the largest nameplate capacity a meter may register.
    public var maxCapacity: UInt64
    /// Base units a meter's bond must hold for it to register and submit.
    public var minBond: Amount
    /// Blocks a withdrawn bond stays slashable before it is paid out.
    public var bondUnlockDelay: UInt64
    /// ppm of the bond an equivocation slashes.
    public var slashShare: UInt64
    /// ppm of the slashed amount paid to the reporter; the rest is burned.
    public var reporterShare: UInt64
    /// Most signed batches one attestation may carry.
    public var maxBatches: UInt64
    /// Most readings one signed batch may carry.
    public var maxBatchReadings: UInt64
    /// Wh per certificate (1 000: one certificate per kWh).
    public var certificateEnergy: UInt64
    /// Longest retirement beneficiary, in UTF-8 bytes.
    public var maxBeneficiaryLength: UInt64
    /// Longest retirement purpose, in UTF-8 bytes.
    public var maxPurposeLength: UInt64

    public static let ppm: UInt64 = 1_000_000
    /// What the decoders accept whatever the parameters say; the parameters may only lower them.
    public static let batchCap: UInt64 = 1_024
    public static let readingsCap: UInt64 = 288
    public static let textCap: UInt64 = 1_024
    static let capacityCap: UInt64 = 1_000_000_000
    static let slotLengthRange: ClosedRange<UInt64> = 60...86_400
    static let windowCap: UInt64 = 31_536_000
    /// Astronomical twilight: below it the sky is dark.
    static let thresholdCap: UInt64 = 18_000_000

    public init(slotLength: UInt64 = 300, submissionWindow: UInt64 = 172_800, capacityTolerance: UInt64 = 50_000,
                nightElevationThreshold: UInt64 = 1_000_000, maxCapacity: UInt64 = 5_000_000,
                minBond: Amount = 50 * 1_000_000_000_000_000_000, bondUnlockDelay: UInt64 = 100_800,
                slashShare: UInt64 = 500_000, reporterShare: UInt64 = 100_000, maxBatches: UInt64 = 128,
                maxBatchReadings: UInt64 = 24, certificateEnergy: UInt64 = 1_000, maxBeneficiaryLength: UInt64 = 128,
                maxPurposeLength: UInt64 = 256) {
        self.slotLength = slotLength
        self.submissionWindow = submissionWindow
        self.capacityTolerance = capacityTolerance
        self.nightElevationThreshold = nightElevationThreshold
        self.maxCapacity = maxCapacity
        self.minBond = minBond
        self.bondUnlockDelay = bondUnlockDelay
        self.slashShare = slashShare
        self.reporterShare = reporterShare
        self.maxBatches = maxBatches
        self.maxBatchReadings = maxBatchReadings
        self.certificateEnergy = certificateEnergy
        self.maxBeneficiaryLength = maxBeneficiaryLength
        self.maxPurposeLength = maxPurposeLength
    }

    public static var defaults: EnergyParameters { EnergyParameters() }

    /// The JSON form and the encoding, in this order (Specs/depin/energy.md §2).
    public static var fields: [ParameterField<EnergyParameters>] {
        [.integer("slot_length", \.slotLength), .integer("submission_window", \.submissionWindow),
         .integer("capacity_tolerance", \.capacityTolerance), .integer("night_elevation_threshold", \.nightElevationThreshold),
         .integer("max_capacity", \.maxCapacity), .amount("min_bond", \.minBond),
         .integer("bond_unlock_delay", \.bondUnlockDelay), .integer("slash_share", \.slashShare),
         .integer("reporter_share", \.reporterShare), .integer("max_batches", \.maxBatches),
         .integer("max_batch_readings", \.maxBatchReadings), .integer("certificate_energy", \.certificateEnergy),
         .integer("max_beneficiary_length", \.maxBeneficiaryLength), .integer("max_purpose_length", \.maxPurposeLength)]
    }

    /// Why these parameters cannot run a chain, or nil (Specs/depin/energy.md §2 lists the rules
    /// in this order).
    public var problem: ParameterProblem? {
        func range(_ name: String, _ value: UInt64, _ low: UInt64, _ high: UInt64) -> ParameterProblem? {
            value < low || value > high ? ParameterProblem(field: name, "must be \(low) to \(high)") : nil
        }
        let checks: [() -> ParameterProblem?] = [
            { range("slot_length", slotLength, Self.slotLengthRange.lowerBound, Self.slotLengthRange.upperBound) },
            { range("submission_window", submissionWindow, slotLength, Self.windowCap) },
            { range("capacity_tolerance", capacityTolerance, 0, Self.ppm) },
            { range("night_elevation_threshold", nightElevationThreshold, 0, Self.thresholdCap) },
            { range("max_capacity", maxCapacity, 1, Self.capacityCap) },
            { minBond == 0 ? ParameterProblem(field: "min_bond", "must be at least 1 base unit") : nil },
            { range("bond_unlock_delay", bondUnlockDelay, 1, UInt64(UInt32.max)) },
            { range("slash_share", slashShare, 0, Self.ppm) },
            { range("reporter_share", reporterShare, 0, Self.ppm) },
            { range("max_batches", maxBatches, 1, Self.batchCap) },
            { range("max_batch_readings", maxBatchReadings, 1, Self.readingsCap) },
            { range("certificate_energy", certificateEnergy, 1, Self.capacityCap) },
            { range("max_beneficiary_length", maxBeneficiaryLength, 0, Self.textCap) },
            { range("max_purpose_length", maxPurposeLength, 0, Self.textCap) },
        ]
        for check in checks { if let p = check() { return p } }
        return nil
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        self = try Self.decodeTable(&reader, owner: "energy")
    }
}
