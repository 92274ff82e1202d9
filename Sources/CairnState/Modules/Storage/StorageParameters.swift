import CairnCore

/// The proof-of-storage rules' numbers (Specs/depin/storage.md §2). A deal copies the timing
/// fields when it starts, so a later change never moves a running deal's deadlines.
public struct StorageParameters: TabularParameters {
    /// Bytes per chunk: the leaf size of a data tree (a power of two).
    public var chunkSize: UInt64
    /// Chunks challenged per proving period (c).
    public var challenges: UInt64
    /// Blocks per proving period.
    public var provingPeriod: UInt64
    /// Blocks at the end of a period in which its proof may be included; the challenge is drawn
    /// from the seed of the block before the window opens.
    public var proofWindow: UInt64
    /// Blocks a proposal waits for the provider's acceptance before its escrow goes back.
    public var proposalLifetime: UInt64
    /// Largest deal, in bytes.
    public var maxDealSize: UInt64
    /// Most proving periods one deal may run.
    public var maxDealPeriods: UInt64
    /// ppm of a deal's collateral slashed per fault.
    public var faultSlash: UInt64
    /// ppm of a slash paid to the client; the rest is burned.
    public var faultClientShare: UInt64
    /// Consecutive faults that terminate a deal.
    public var maxConsecutiveFaults: UInt64
    /// ppm of a deal's total price its collateral must at least be.
    public var minDealCollateral: UInt64
    /// Base units of provider collateral per GiB of registered capacity (rounded up).
    public var providerCollateralPerGiB: Amount

    public static let ppm: UInt64 = 1_000_000
    public static let gib: UInt64 = 1 << 30
    static let maxChunkSize: UInt64 = 1 << 16
    static let maxChallenges: UInt64 = 64
    static let blockCap = UInt64(UInt32.max)

    public init(chunkSize: UInt64 = 1_024, challenges: UInt64 = 5, provingPeriod: UInt64 = 2_880, proofWindow: UInt64 = 60,
                proposalLifetime: UInt64 = 2_880, maxDealSize: UInt64 = 64 << 30, maxDealPeriods: UInt64 = 3_650,
                faultSlash: UInt64 = 100_000, faultClientShare: UInt64 = 500_000, maxConsecutiveFaults: UInt64 = 3,
                minDealCollateral: UInt64 = 100_000, providerCollateralPerGiB: Amount = 1_000_000_000_000_000) {
        self.chunkSize = chunkSize
        self.challenges = challenges
        self.provingPeriod = provingPeriod
        self.proofWindow = proofWindow
        self.proposalLifetime = proposalLifetime
        self.maxDealSize = maxDealSize
        self.maxDealPeriods = maxDealPeriods
        self.faultSlash = faultSlash
        self.faultClientShare = faultClientShare
        self.maxConsecutiveFaults = maxConsecutiveFaults
        self.minDealCollateral = minDealCollateral
        self.providerCollateralPerGiB = providerCollateralPerGiB
    }

    public static var defaults: StorageParameters { StorageParameters() }

    /// The JSON form and the encoding, in this order.
    public static var fields: [ParameterField<StorageParameters>] {
        [.integer("chunk_size", \.chunkSize), .integer("challenges", \.challenges), .integer("proving_period", \.provingPeriod),
         .integer("proof_window", \.proofWindow), .integer("proposal_lifetime", \.proposalLifetime),
         .integer("max_deal_size", \.maxDealSize), .integer("max_deal_periods", \.maxDealPeriods),
         .integer("fault_slash", \.faultSlash), .integer("fault_client_share", \.faultClientShare),
         .integer("max_consecutive_faults", \.maxConsecutiveFaults), .integer("min_deal_collateral", \.minDealCollateral),
         .amount("provider_collateral_per_gib", \.providerCollateralPerGiB)]
    }

    public var problem: ParameterProblem? {
        func range(_ name: String, _ value: UInt64, _ low: UInt64, _ high: UInt64) -> ParameterProblem? {
            value < low || value > high ? ParameterProblem(field: name, "must be \(low) to \(high)") : nil
        }
        if let p = range("chunk_size", chunkSize, 32, Self.maxChunkSize) { return p }
        if chunkSize & (chunkSize - 1) != 0 { return ParameterProblem(field: "chunk_size", "must be a power of two") }
        let checks: [() -> ParameterProblem?] = [
            { range("challenges", challenges, 1, Self.maxChallenges) },
            { range("proving_period", provingPeriod, 2, Self.blockCap) },
            { range("proof_window", proofWindow, 1, provingPeriod - 1) },
            { range("proposal_lifetime", proposalLifetime, 1, Self.blockCap) },
            { range("max_deal_size", maxDealSize, chunkSize, 1 << 50) },
            { range("max_deal_periods", maxDealPeriods, 1, 1_000_000) },
            { range("fault_slash", faultSlash, 0, Self.ppm) },
            { range("fault_client_share", faultClientShare, 0, Self.ppm) },
            { range("max_consecutive_faults", maxConsecutiveFaults, 1, 1_000) },
            { range("min_deal_collateral", minDealCollateral, 0, 100 * Self.ppm) },
        ]
        for check in checks { if let p = check() { return p } }
        if largestProof > UInt64(Attestation.maxEncodedBytes) {
            return ParameterProblem(field: "challenges", "a proof of the largest deal would be \(largestProof) bytes, above an attestation's \(Attestation.maxEncodedBytes): lower challenges, chunk_size or max_deal_size")
        }
        if providerCollateralPerGiB > Amount(UInt64.max) * 1_000_000 {
            return ParameterProblem(field: "provider_collateral_per_gib", "must be at most \(Amount(UInt64.max) * 1_000_000)")
        }
        return nil
    }

    /// A bound on the encoded proof of a deal of `max_deal_size`: per answer the chunk, its length
    /// and path-length varints and a path of ⌈log₂ chunks⌉ hashes; the deal id, period, list
    /// length, signature and the attestation's own tag and length (storage.md §2).
    public var largestProof: UInt64 {
        let chunks = DataTree.chunkCount(size: maxDealSize, chunkSize: chunkSize)
        var depth: UInt64 = 0
        while (UInt64(1) << depth) < chunks { depth += 1 }
        return challenges * (chunkSize + 3 + 1 + 32 * depth) + 10 + 10 + 1 + 65 + 10 + 3
    }

    /// Collateral a provider must hold for `capacity` bytes: whole GiB, rounded up.
    public func providerCollateral(capacity: UInt64) -> Amount {
        UInt128(capacity / Self.gib + (capacity % Self.gib == 0 ? 0 : 1)) * providerCollateralPerGiB
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        self = try Self.decodeTable(&reader, owner: "storage")
    }
}
