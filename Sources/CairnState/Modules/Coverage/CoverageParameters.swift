import CairnCore

/// The proof-of-coverage rules' numbers (Specs/depin/coverage.md §2). Every threshold a witness
/// rule or the reward split uses is here, so governance can retune it without a code change.
/// Signed quantities (RSSI, SNR) have their negative bounds stored as magnitudes: the parameter
/// table holds only unsigned integers.
public struct CoverageParameters: TabularParameters {
    /// Most hotspots challenged in one block.
    public var challengesPerBlock: UInt64
    /// Blocks between two beacons of one hotspot that the challenge rate aims for.
    public var beaconInterval: UInt64
    /// Blocks after the challenge during which its attestation may be included.
    public var challengeWindow: UInt64
    /// Milliseconds after the challenge block's time during which a witness may hear the beacon.
    public var receiptWindow: UInt64
    /// Milliseconds of clock error allowed on either side of the receipt window.
    public var receiptTimeTolerance: UInt64
    /// Most receipts one attestation may carry (bounds the work of judging one beacon).
    public var maxReceipts: UInt64
    /// Most witnesses rewarded per beacon (K).
    public var maxWitnesses: UInt64
    /// Metres: nearer witnesses are refused (co-location).
    public var minWitnessDistance: UInt64
    /// Metres: farther witnesses are refused (beyond any LoRa link worth rewarding).
    public var maxWitnessDistance: UInt64
    /// dBm × 10: the beacon's conducted transmit power, before the challengee's antenna gain.
    public var beaconTransmitPower: UInt64
    /// Tenths of a dB a witness's RSSI may exceed the free-space bound (calibration, fading gain).
    public var rssiTolerance: UInt64
    /// dBm × 10 below zero: the lowest RSSI a LoRa receiver can report.
    public var rssiFloor: UInt64
    /// dB × 10 below zero: the lowest SNR a LoRa receiver demodulates.
    public var snrFloor: UInt64
    /// dB × 10: the highest SNR accepted.
    public var snrCeiling: UInt64
    /// Hz a witness's reported frequency may be from the channel's centre.
    public var frequencyTolerance: UInt64
    /// Hz: the centre of channel 0 of the region's plan.
    public var channelBaseFrequency: UInt64
    /// Hz between neighbouring channel centres.
    public var channelSpacing: UInt64
    /// Channels in the plan.
    public var channelCount: UInt64
    /// ppm of the epoch's coverage pool for challengees.
    public var challengeeShare: UInt64
    /// ppm of the epoch's coverage pool for witnesses.
    public var witnessShare: UInt64
    /// HIP-15's N: witnesses per beacon before the units per witness start to shrink.
    public var witnessRedundancy: UInt64
    /// HIP-15's r in ppm: the decay of extra witnesses' worth.
    public var rewardDecay: UInt64
    /// HIP-15's cap on the challengee's units, in ppm of a unit.
    public var transmitUnitCap: UInt64
    /// HIP-17 (N, target, max) at resolutions 8, 7 and 4.
    public var densityR8N: UInt64
    public var densityR8Target: UInt64
    public var densityR8Max: UInt64
    public var densityR7N: UInt64
    public var densityR7Target: UInt64
    public var densityR7Max: UInt64
    public var densityR4N: UInt64
    public var densityR4Target: UInt64
    public var densityR4Max: UInt64
    /// Blocks that must pass between two accepted beacons of one hotspot, however often the seed
    /// draws it.
    public var minBeaconInterval: UInt64
    /// Blocks per reward epoch: the pool is split at every height divisible by it.
    public var epochLength: UInt64

    public static let ppm: UInt64 = 1_000_000
    /// Caps that keep every sum in the rules inside Int64 and every loop short.
    static let countCap: UInt64 = 1_024
    static let decibelCap: UInt64 = 2_000
    static let distanceCap: UInt64 = 1_000_000
    static let frequencyCap: UInt64 = 100_000_000_000
    static let densityCap: UInt64 = 1_000_000_000

    public init(challengesPerBlock: UInt64 = 2, beaconInterval: UInt64 = 3_600, challengeWindow: UInt64 = 10,
                receiptWindow: UInt64 = 60_000, receiptTimeTolerance: UInt64 = 2_000, maxReceipts: UInt64 = 50,
                maxWitnesses: UInt64 = 14, minWitnessDistance: UInt64 = 300, maxWitnessDistance: UInt64 = 100_000,
                beaconTransmitPower: UInt64 = 270, rssiTolerance: UInt64 = 30, rssiFloor: UInt64 = 1_400,
                snrFloor: UInt64 = 200, snrCeiling: UInt64 = 200, frequencyTolerance: UInt64 = 100_000,
                channelBaseFrequency: UInt64 = 867_100_000, channelSpacing: UInt64 = 200_000, channelCount: UInt64 = 8,
                challengeeShare: UInt64 = 200_000, witnessShare: UInt64 = 800_000, witnessRedundancy: UInt64 = 4,
                rewardDecay: UInt64 = 800_000, transmitUnitCap: UInt64 = 2_000_000,
                densityR8: (n: UInt64, target: UInt64, max: UInt64) = (2, 1, 4),
                densityR7: (n: UInt64, target: UInt64, max: UInt64) = (2, 5, 20),
                densityR4: (n: UInt64, target: UInt64, max: UInt64) = (1, 250, 800),
                minBeaconInterval: UInt64 = 900, epochLength: UInt64 = 14_400) {
        self.challengesPerBlock = challengesPerBlock
        self.beaconInterval = beaconInterval
        self.challengeWindow = challengeWindow
        self.receiptWindow = receiptWindow
        self.receiptTimeTolerance = receiptTimeTolerance
        self.maxReceipts = maxReceipts
        self.maxWitnesses = maxWitnesses
        self.minWitnessDistance = minWitnessDistance
        self.maxWitnessDistance = maxWitnessDistance
        self.beaconTransmitPower = beaconTransmitPower
        self.rssiTolerance = rssiTolerance
        self.rssiFloor = rssiFloor
        self.snrFloor = snrFloor
        self.snrCeiling = snrCeiling
        self.frequencyTolerance = frequencyTolerance
        self.channelBaseFrequency = channelBaseFrequency
        self.channelSpacing = channelSpacing
        self.channelCount = channelCount
        self.challengeeShare = challengeeShare
        self.witnessShare = witnessShare
        self.witnessRedundancy = witnessRedundancy
        self.rewardDecay = rewardDecay
        self.transmitUnitCap = transmitUnitCap
        (densityR8N, densityR8Target, densityR8Max) = densityR8
        (densityR7N, densityR7Target, densityR7Max) = densityR7
        (densityR4N, densityR4Target, densityR4Max) = densityR4
        self.minBeaconInterval = minBeaconInterval
        self.epochLength = epochLength
    }

    public static var defaults: CoverageParameters { CoverageParameters() }

    /// The JSON form and the encoding, in this order (Specs/depin/coverage.md §2).
    public static var fields: [ParameterField<CoverageParameters>] {
        [.integer("challenges_per_block", \.challengesPerBlock), .integer("beacon_interval", \.beaconInterval),
         .integer("challenge_window", \.challengeWindow), .integer("receipt_window", \.receiptWindow),
         .integer("receipt_time_tolerance", \.receiptTimeTolerance), .integer("max_receipts", \.maxReceipts),
         .integer("max_witnesses", \.maxWitnesses), .integer("min_witness_distance", \.minWitnessDistance),
         .integer("max_witness_distance", \.maxWitnessDistance), .integer("beacon_transmit_power", \.beaconTransmitPower),
         .integer("rssi_tolerance", \.rssiTolerance), .integer("rssi_floor", \.rssiFloor),
         .integer("snr_floor", \.snrFloor), .integer("snr_ceiling", \.snrCeiling),
         .integer("frequency_tolerance", \.frequencyTolerance), .integer("channel_base_frequency", \.channelBaseFrequency),
         .integer("channel_spacing", \.channelSpacing), .integer("channel_count", \.channelCount),
         .integer("challengee_share", \.challengeeShare), .integer("witness_share", \.witnessShare),
         .integer("witness_redundancy", \.witnessRedundancy), .integer("reward_decay", \.rewardDecay),
         .integer("transmit_unit_cap", \.transmitUnitCap),
         .integer("density_r8_n", \.densityR8N), .integer("density_r8_target", \.densityR8Target),
         .integer("density_r8_max", \.densityR8Max),
         .integer("density_r7_n", \.densityR7N), .integer("density_r7_target", \.densityR7Target),
         .integer("density_r7_max", \.densityR7Max),
         .integer("density_r4_n", \.densityR4N), .integer("density_r4_target", \.densityR4Target),
         .integer("density_r4_max", \.densityR4Max),
         .integer("min_beacon_interval", \.minBeaconInterval), .integer("epoch_length", \.epochLength)]
    }

    /// The HIP-17 levels, finest first: the order the clipping runs in.
    public var densityLevels: [DensityLevel] {
        [DensityLevel(resolution: 8, n: densityR8N, target: densityR8Target, max: densityR8Max),
         DensityLevel(resolution: 7, n: densityR7N, target: densityR7Target, max: densityR7Max),
         DensityLevel(resolution: 4, n: densityR4N, target: densityR4Target, max: densityR4Max)]
    }

    public var channelPlan: ChannelPlan {
        ChannelPlan(baseFrequency: channelBaseFrequency, spacing: channelSpacing, count: channelCount)
    }

    /// Why these parameters cannot run a chain, or nil (Specs/depin/coverage.md §2 lists the rules).
    public var problem: ParameterProblem? {
        func range(_ name: String, _ value: UInt64, _ low: UInt64, _ high: UInt64) -> ParameterProblem? {
            value < low || value > high ? ParameterProblem(field: name, "must be \(low) to \(high)") : nil
        }
        // Closures, checked in order: a later bound may use a field an earlier check has vetted.
        let checks: [() -> ParameterProblem?] = [
            { range("challenges_per_block", challengesPerBlock, 1, Self.countCap) },
            { range("beacon_interval", beaconInterval, 1, UInt64(UInt32.max)) },
            { range("challenge_window", challengeWindow, 1, Self.countCap) },
            { range("receipt_window", receiptWindow, 1, 86_400_000) },
            { range("receipt_time_tolerance", receiptTimeTolerance, 0, 3_600_000) },
            { range("max_receipts", maxReceipts, 1, Self.countCap) },
            { range("max_witnesses", maxWitnesses, 1, maxReceipts) },
            { range("max_witness_distance", maxWitnessDistance, 1, Self.distanceCap) },
            { range("min_witness_distance", minWitnessDistance, 0, maxWitnessDistance - 1) },
            { range("beacon_transmit_power", beaconTransmitPower, 0, Self.decibelCap) },
            { range("rssi_tolerance", rssiTolerance, 0, Self.decibelCap) },
            { range("rssi_floor", rssiFloor, 0, Self.decibelCap) },
            { range("snr_floor", snrFloor, 0, Self.decibelCap) },
            { range("snr_ceiling", snrCeiling, 0, Self.decibelCap) },
            { range("channel_count", channelCount, 1, 256) },
            { range("channel_spacing", channelSpacing, channelCount > 1 ? 1 : 0, Self.frequencyCap / channelCount) },
            { range("channel_base_frequency", channelBaseFrequency, 1, Self.frequencyCap - channelSpacing * (channelCount - 1)) },
            // Below the spacing, the next channel's centre is never within tolerance of this one's.
            { range("frequency_tolerance", frequencyTolerance, 0, channelCount > 1 ? channelSpacing - 1 : Self.frequencyCap) },
            { range("challengee_share", challengeeShare, 0, Self.ppm) },
            { range("witness_share", witnessShare, Self.ppm - challengeeShare, Self.ppm - challengeeShare) },
            { range("witness_redundancy", witnessRedundancy, 1, maxWitnesses) },
            { range("reward_decay", rewardDecay, 0, Self.ppm) },
            { range("transmit_unit_cap", transmitUnitCap, 0, 100 * Self.ppm) },
        ]
        for check in checks { if let p = check() { return p } }
        for level in densityLevels {
            let prefix = "density_r\(level.resolution)"
            if let p = range("\(prefix)_n", level.n, 0, 9) { return p }
            if let p = range("\(prefix)_target", level.target, 1, Self.densityCap) { return p }
            if let p = range("\(prefix)_max", level.max, level.target, Self.densityCap) { return p }
        }
        return range("min_beacon_interval", minBeaconInterval, 0, UInt64(UInt32.max))
            ?? range("epoch_length", epochLength, 1, UInt64(UInt32.max))
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        self = try Self.decodeTable(&reader, owner: "coverage")
    }
}
