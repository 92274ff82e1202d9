import CairnCrypto

/// The staking module's chain-wide record.
public struct StakingGlobals: Sendable, Hashable, CanonicalCodable {
    /// Fees and emission collected and not yet distributed (paid at the next block's beginBlock,
    /// remainders of the pro-rata split stay here).
    public var rewardPot: Amount
    /// Base units created by emission since genesis (validators' genesis stake not included).
    public var emitted: Amount
    /// Base units destroyed by slashing since genesis.
    public var burned: Amount
    /// The active set most recently decided (by endBlock, or genesis), sorted by address.
    public var activeSet: [Validator]

    public init(rewardPot: Amount = 0, emitted: Amount = 0, burned: Amount = 0, activeSet: [Validator] = []) {
        self.rewardPot = rewardPot
        self.emitted = emitted
        self.burned = burned
        self.activeSet = activeSet
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: rewardPot)
        writer.write(varint: emitted)
        writer.write(varint: burned)
        writer.write(varint: UInt64(activeSet.count))
        for v in activeSet {
            writer.write(address: v.address)
            writer.write(varint: v.power)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        rewardPot = try reader.readVarint128("globals.reward_pot")
        emitted = try reader.readVarint128("globals.emitted")
        burned = try reader.readVarint128("globals.burned")
        let count = try reader.readLength("globals.active_set", limit: StakingParameters.maxListLength)
        var set: [Validator] = []
        for _ in 0..<count {
            set.append(Validator(address: try reader.readAddress("globals.active_set.address"),
                                 power: try reader.readVarint("globals.active_set.power")))
        }
        for (a, b) in zip(set, set.dropFirst()) where !(a.address < b.address) {
            throw .invalidValue(field: "globals.active_set", reason: "validators must be strictly increasing by address")
        }
        activeSet = set
    }
}
