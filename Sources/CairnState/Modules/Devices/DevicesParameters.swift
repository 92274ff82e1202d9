import CairnCore

/// The devices module's numbers (Specs/depin/devices.md §5); governance changes them.
public struct DevicesParameters: TabularParameters {
    /// Burned by each onboarding: what a Sybil pays per fake device.
    public var onboardingFee: Amount
    /// Burned by each location assertion.
    public var locationFee: Amount
    /// Fewest blocks between two location assertions of one device.
    public var locationInterval: UInt64
    /// Highest elevation accepted, metres above sea level.
    public var maxElevation: UInt64
    /// Deepest elevation accepted, metres below sea level.
    public var maxDepth: UInt64
    /// Largest antenna gain a hotspot may declare, dBi × 10.
    public var maxAntennaGain: UInt64

    /// Bounds that keep every elevation and gain inside `Int32` arithmetic.
    static let elevationCap: UInt64 = 100_000
    static let gainCap: UInt64 = 1_000

    public init(onboardingFee: Amount = 40 * 1_000_000_000_000_000_000, locationFee: Amount = 10 * 1_000_000_000_000_000_000,
                locationInterval: UInt64 = 14_400, maxElevation: UInt64 = 9_000, maxDepth: UInt64 = 500,
                maxAntennaGain: UInt64 = 150) {
        self.onboardingFee = onboardingFee
        self.locationFee = locationFee
        self.locationInterval = locationInterval
        self.maxElevation = maxElevation
        self.maxDepth = maxDepth
        self.maxAntennaGain = maxAntennaGain
    }

    public static var defaults: DevicesParameters { DevicesParameters() }

    public static var fields: [ParameterField<DevicesParameters>] {
        [
            .amount("onboarding_fee", \.onboardingFee),
            .amount("location_fee", \.locationFee),
            .integer("location_interval", \.locationInterval),
            .integer("max_elevation", \.maxElevation),
            .integer("max_depth", \.maxDepth),
            .integer("max_antenna_gain", \.maxAntennaGain),
        ]
    }

    public var problem: ParameterProblem? {
        if maxElevation > Self.elevationCap { return ParameterProblem(field: "max_elevation", "must be at most \(Self.elevationCap)") }
        if maxDepth > Self.elevationCap { return ParameterProblem(field: "max_depth", "must be at most \(Self.elevationCap)") }
        if maxAntennaGain > Self.gainCap { return ParameterProblem(field: "max_antenna_gain", "must be at most \(Self.gainCap)") }
        return nil
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: onboardingFee)
        writer.write(varint: locationFee)
        writer.write(varint: locationInterval)
        writer.write(varint: maxElevation)
        writer.write(varint: maxDepth)
        writer.write(varint: maxAntennaGain)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        onboardingFee = try reader.readVarint128("onboarding_fee")
        locationFee = try reader.readVarint128("location_fee")
        locationInterval = try reader.readVarint("location_interval")
        maxElevation = try reader.readVarint("max_elevation")
        maxDepth = try reader.readVarint("max_depth")
        maxAntennaGain = try reader.readVarint("max_antenna_gain")
    }
}
