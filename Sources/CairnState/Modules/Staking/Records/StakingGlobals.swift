import CairnCore
import CairnCrypto

/// The staking module's chain-wide record.
public struct StakingGlobals: Sendable, Hashable, CanonicalCodable {
    /// The active set most recently decided (by endBlock, or genesis), sorted by address.
    public var activeSet: [Validator]

    public init(activeSet: [Validator] = []) {
        self.activeSet = activeSet
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: UInt64(activeSet.count))
        for v in activeSet {
            writer.write(address: v.address)
            writer.write(varint: v.power)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
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
