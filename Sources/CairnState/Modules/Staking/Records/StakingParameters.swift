import CairnCore
/// The staking rules' numbers, fixed at genesis (Specs/staking.md §8). Rates are parts per
/// million (ppm): 1 000 000 = 100 %, so every computation stays in integers.
public struct StakingParameters: TabularParameters {
    /// Most validators in the active set.
    public var maxValidators: UInt64
    /// Base units of bonded tokens per unit of voting power.
    public var powerReduction: Amount
    /// Blocks an undelegation (or redelegation) stays slashable before it completes.
    public var unbondingBlocks: UInt64
    /// Most unbonding entries per (delegator, validator) and redelegation entries per
    /// (delegator, source, destination).
    public var maxEntries: UInt64
    /// Most delegators with unbonding entries, and most (delegator, destination) pairs with
    /// redelegations, per validator: bounds the work of slashing one validator.
    public var maxPendingPerValidator: UInt64
    /// Most validator records the chain holds (active or not): bounds the per-block active-set scan.
    public var maxCandidates: UInt64
    /// Most validators one delegator may hold delegations with.
    public var maxDelegationsPerDelegator: UInt64
    /// Smallest self-delegation (in tokens) a validator's operator must keep.
    public var minSelfBond: Amount
    /// Largest commission rate (ppm).
    public var maxCommission: UInt64
    /// Largest change of commission (ppm) in one epoch; at most one change per epoch.
    public var maxCommissionChange: UInt64
    /// Blocks per epoch (one commission change per epoch).
    public var epochLength: UInt64
    /// Blocks in the downtime window.
    public var signedBlocksWindow: UInt64
    /// Share of the window (ppm) a validator must sign.
    public var minSignedPerWindow: UInt64
    /// Blocks a validator jailed for downtime must wait before it may unjail.
    public var downtimeJailBlocks: UInt64
    /// Share of stake (ppm) slashed for downtime.
    public var slashFractionDowntime: UInt64
    /// Share of stake (ppm) slashed for double signing.
    public var slashFractionDoubleSign: UInt64
    /// Evidence of an infraction more than this many blocks old is rejected.
    public var maxEvidenceAge: UInt64
    /// Most pieces of evidence one block may carry.
    public var maxEvidencePerBlock: UInt64

    public static let ppm: UInt64 = 1_000_000
    /// Decoder bound of every staking list record and parameter cap.
    public static let maxListLength = 65_536

    public init(maxValidators: UInt64 = 100, powerReduction: Amount = 1_000_000_000_000_000_000,
                unbondingBlocks: UInt64 = 100_800, maxEntries: UInt64 = 7, maxPendingPerValidator: UInt64 = 1_000,
                maxCandidates: UInt64 = 1_000, maxDelegationsPerDelegator: UInt64 = 100,
                minSelfBond: Amount = 1_000_000_000_000_000_000, maxCommission: UInt64 = 1_000_000,
                maxCommissionChange: UInt64 = 10_000, epochLength: UInt64 = 14_400,
                signedBlocksWindow: UInt64 = 10_000, minSignedPerWindow: UInt64 = 500_000,
                downtimeJailBlocks: UInt64 = 600, slashFractionDowntime: UInt64 = 100,
                slashFractionDoubleSign: UInt64 = 50_000, maxEvidenceAge: UInt64 = 100_800,
                maxEvidencePerBlock: UInt64 = 50) {
        self.maxValidators = maxValidators
        self.powerReduction = powerReduction
        self.unbondingBlocks = unbondingBlocks
        self.maxEntries = maxEntries
        self.maxPendingPerValidator = maxPendingPerValidator
        self.maxCandidates = maxCandidates
        self.maxDelegationsPerDelegator = maxDelegationsPerDelegator
        self.minSelfBond = minSelfBond
        self.maxCommission = maxCommission
        self.maxCommissionChange = maxCommissionChange
        self.epochLength = epochLength
        self.signedBlocksWindow = signedBlocksWindow
        self.minSignedPerWindow = minSignedPerWindow
        self.downtimeJailBlocks = downtimeJailBlocks
        self.slashFractionDowntime = slashFractionDowntime
        self.slashFractionDoubleSign = slashFractionDoubleSign
        self.maxEvidenceAge = maxEvidenceAge
        self.maxEvidencePerBlock = maxEvidencePerBlock
    }

    /// Why these parameters cannot run a chain, or nil (Specs/staking.md §8 lists the rules).
    public var problem: ParameterProblem? {
        let caps = UInt64(Self.maxListLength)
        if maxValidators < 1 || maxValidators > caps { return ParameterProblem(field: "max_validators", "must be 1 to \(caps)") }
        if powerReduction < 1 { return ParameterProblem(field: "power_reduction", "must be at least 1") }
        if unbondingBlocks < 1 { return ParameterProblem(field: "unbonding_blocks", "must be at least 1") }
        if maxEntries < 1 || maxEntries > 64 { return ParameterProblem(field: "max_entries", "must be 1 to 64") }
        if maxPendingPerValidator < 1 || maxPendingPerValidator > caps { return ParameterProblem(field: "max_pending_per_validator", "must be 1 to \(caps)") }
        if maxCandidates < maxValidators || maxCandidates > caps { return ParameterProblem(field: "max_candidates", "must be max_validators to \(caps)") }
        if maxDelegationsPerDelegator < 1 || maxDelegationsPerDelegator > caps { return ParameterProblem(field: "max_delegations_per_delegator", "must be 1 to \(caps)") }
        if maxCommission > Self.ppm { return ParameterProblem(field: "max_commission", "must be at most 1000000 (ppm)") }
        if maxCommissionChange > Self.ppm { return ParameterProblem(field: "max_commission_change", "must be at most 1000000 (ppm)") }
        if epochLength < 1 { return ParameterProblem(field: "epoch_length", "must be at least 1") }
        if signedBlocksWindow < 1 { return ParameterProblem(field: "signed_blocks_window", "must be at least 1") }
        if minSignedPerWindow > Self.ppm { return ParameterProblem(field: "min_signed_per_window", "must be at most 1000000 (ppm)") }
        if slashFractionDowntime > Self.ppm { return ParameterProblem(field: "slash_fraction_downtime", "must be at most 1000000 (ppm)") }
        if slashFractionDoubleSign > Self.ppm { return ParameterProblem(field: "slash_fraction_double_sign", "must be at most 1000000 (ppm)") }
        if maxEvidenceAge < 1 || maxEvidenceAge > unbondingBlocks {
            return ParameterProblem(field: "max_evidence_age", "must be 1 to unbonding_blocks, so evidence never outlives the stake it slashes")
        }
        if maxEvidencePerBlock > 10_000 { return ParameterProblem(field: "max_evidence_per_block", "must be at most 10000") }
        return nil
    }

    public static var defaults: StakingParameters { StakingParameters() }

    /// The JSON form, in encoding order (Specs/staking.md §8).
    public static var fields: [ParameterField<StakingParameters>] {
        [.integer("max_validators", \.maxValidators), .amount("power_reduction", \.powerReduction),
         .integer("unbonding_blocks", \.unbondingBlocks), .integer("max_entries", \.maxEntries),
         .integer("max_pending_per_validator", \.maxPendingPerValidator), .integer("max_candidates", \.maxCandidates),
         .integer("max_delegations_per_delegator", \.maxDelegationsPerDelegator), .amount("min_self_bond", \.minSelfBond),
         .integer("max_commission", \.maxCommission), .integer("max_commission_change", \.maxCommissionChange),
         .integer("epoch_length", \.epochLength), .integer("signed_blocks_window", \.signedBlocksWindow),
         .integer("min_signed_per_window", \.minSignedPerWindow), .integer("downtime_jail_blocks", \.downtimeJailBlocks),
         .integer("slash_fraction_downtime", \.slashFractionDowntime),
         .integer("slash_fraction_double_sign", \.slashFractionDoubleSign),
         .integer("max_evidence_age", \.maxEvidenceAge), .integer("max_evidence_per_block", \.maxEvidencePerBlock)]
    }

    /// Most blocks of the window a validator may miss without being jailed.
    public var maxMissedPerWindow: UInt64 {
        signedBlocksWindow - UInt64((UInt128(signedBlocksWindow) * UInt128(minSignedPerWindow)) / UInt128(Self.ppm))
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: maxValidators)
        writer.write(varint: powerReduction)
        writer.write(varint: unbondingBlocks)
        writer.write(varint: maxEntries)
        writer.write(varint: maxPendingPerValidator)
        writer.write(varint: maxCandidates)
        writer.write(varint: maxDelegationsPerDelegator)
        writer.write(varint: minSelfBond)
        writer.write(varint: maxCommission)
        writer.write(varint: maxCommissionChange)
        writer.write(varint: epochLength)
        writer.write(varint: signedBlocksWindow)
        writer.write(varint: minSignedPerWindow)
        writer.write(varint: downtimeJailBlocks)
        writer.write(varint: slashFractionDowntime)
        writer.write(varint: slashFractionDoubleSign)
        writer.write(varint: maxEvidenceAge)
        writer.write(varint: maxEvidencePerBlock)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        maxValidators = try reader.readVarint("staking.max_validators")
        powerReduction = try reader.readVarint128("staking.power_reduction")
        unbondingBlocks = try reader.readVarint("staking.unbonding_blocks")
        maxEntries = try reader.readVarint("staking.max_entries")
        maxPendingPerValidator = try reader.readVarint("staking.max_pending_per_validator")
        maxCandidates = try reader.readVarint("staking.max_candidates")
        maxDelegationsPerDelegator = try reader.readVarint("staking.max_delegations_per_delegator")
        minSelfBond = try reader.readVarint128("staking.min_self_bond")
        maxCommission = try reader.readVarint("staking.max_commission")
        maxCommissionChange = try reader.readVarint("staking.max_commission_change")
        epochLength = try reader.readVarint("staking.epoch_length")
        signedBlocksWindow = try reader.readVarint("staking.signed_blocks_window")
        minSignedPerWindow = try reader.readVarint("staking.min_signed_per_window")
        downtimeJailBlocks = try reader.readVarint("staking.downtime_jail_blocks")
        slashFractionDowntime = try reader.readVarint("staking.slash_fraction_downtime")
        slashFractionDoubleSign = try reader.readVarint("staking.slash_fraction_double_sign")
        maxEvidenceAge = try reader.readVarint("staking.max_evidence_age")
        maxEvidencePerBlock = try reader.readVarint("staking.max_evidence_per_block")
    }
}
