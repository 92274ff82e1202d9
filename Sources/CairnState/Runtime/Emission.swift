import CairnCore

/// One pool's share of emission, in parts per million.
public struct EmissionShare: Sendable, Hashable, CanonicalCodable {
    public var pool: String
    public var ppm: UInt64

    public init(pool: String, ppm: UInt64) {
        self.pool = pool
        self.ppm = ppm
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: pool)
        writer.write(varint: ppm)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        pool = try reader.readString("emission.share.pool", limit: 64)
        ppm = try reader.readVarint("emission.share.ppm")
    }
}

/// The runtime's parameters record "emission" (Specs/runtime.md §8): new base units per epoch,
/// spread over the epoch's blocks, split among the registered pools by share.
public struct EmissionParameters: ModuleParameters {
    public var epochLength: UInt64
    public var perEpoch: Amount
    /// In pool order; shares sum to 1 000 000 ppm whenever `perEpoch` > 0.
    public var shares: [EmissionShare]

    public static let name = "emission"
    public static let ppm: UInt64 = 1_000_000

    public init(epochLength: UInt64 = 14_400, perEpoch: Amount = 0, shares: [EmissionShare] = []) {
        self.epochLength = epochLength
        self.perEpoch = perEpoch
        self.shares = shares
    }

    public static var defaults: EmissionParameters { EmissionParameters() }

    public var problem: ParameterProblem? {
        if epochLength < 1 { return ParameterProblem(field: "epoch_length", "must be at least 1") }
        var seen = Set<String>()
        var total: UInt64 = 0
        for (i, share) in shares.enumerated() {
            guard seen.insert(share.pool).inserted else {
                return ParameterProblem(field: "shares[\(i)].pool", "pool '\(share.pool)' is listed twice")
            }
            guard share.ppm <= Self.ppm else { return ParameterProblem(field: "shares[\(i)].ppm", "must be at most 1000000") }
            total += share.ppm
        }
        if perEpoch > 0 && total != Self.ppm {
            return ParameterProblem(field: "shares", "must sum to 1000000 ppm while per_epoch is above 0 (they sum to \(total))")
        }
        if total > Self.ppm { return ParameterProblem(field: "shares", "sum to \(total) ppm, above 1000000") }
        return nil
    }

    /// `problem`, plus: every share names a pool some module registered.
    public func problem(pools: [String]) -> ParameterProblem? {
        if let problem { return problem }
        for (i, share) in shares.enumerated() where !pools.contains(share.pool) {
            return ParameterProblem(field: "shares[\(i)].pool", "'\(share.pool)' is not a registered pool (pools: \(pools.joined(separator: ", ")))")
        }
        return nil
    }

    public static var jsonSchema: JSONValue {
        QuerySchema.object([
            "epoch_length": QuerySchema.integer, "per_epoch": QuerySchema.amount,
            "shares": QuerySchema.array(QuerySchema.object(["pool": ["type": "string"], "ppm": QuerySchema.integer])),
        ])
    }

    public var json: JSONValue {
        ["epoch_length": .integer(Int64(clamping: epochLength)), "per_epoch": .string(String(perEpoch)),
         "shares": .array(shares.map { ["pool": .string($0.pool), "ppm": .integer(Int64($0.ppm))] })]
    }

    public init(json: JSONValue, base: EmissionParameters) throws(ParameterProblem) {
        guard case .object(let o) = json else { throw ParameterProblem(field: "", "must be a JSON object") }
        if let unknown = o.keys.sorted().first(where: { !["epoch_length", "per_epoch", "shares"].contains($0) }) {
            throw ParameterProblem(field: unknown, "is not an emission parameter")
        }
        self = base
        if let v = o["epoch_length"] {
            guard case .integer(let n) = v, n >= 0 else { throw ParameterProblem(field: "epoch_length", "must be a non-negative integer") }
            epochLength = UInt64(n)
        }
        if let v = o["per_epoch"] {
            guard case .string(let text) = v else { throw ParameterProblem(field: "per_epoch", "must be a decimal string of base units") }
            do { perEpoch = try AmountFormat.parseBaseUnits(text) } catch { throw ParameterProblem(field: "per_epoch", "\(error)") }
        }
        if let v = o["shares"] {
            guard case .array(let list) = v else { throw ParameterProblem(field: "shares", "must be an array of {pool, ppm}") }
            var parsed: [EmissionShare] = []
            for (i, item) in list.enumerated() {
                guard let pool = item["pool"]?.stringValue, case .integer(let ppm)? = item["ppm"], ppm >= 0,
                      item.objectValue?.count == 2 else {
                    throw ParameterProblem(field: "shares[\(i)]", "must be {\"pool\": name, \"ppm\": integer}")
                }
                parsed.append(EmissionShare(pool: pool, ppm: UInt64(ppm)))
            }
            shares = parsed
        }
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: epochLength)
        writer.write(varint: perEpoch)
        writer.write(list: shares)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        epochLength = try reader.readVarint("emission.epoch_length")
        perEpoch = try reader.readVarint128("emission.per_epoch")
        shares = try reader.readList("emission.shares", limit: 64)
    }

    /// New base units for block `height`: block k of its epoch (0-based) gets
    /// ⌊E·(k+1)/L⌋ − ⌊E·k/L⌋, so an epoch's blocks sum to exactly E.
    public func amount(at height: UInt64) -> Amount {
        guard height >= 1, perEpoch > 0 else { return 0 }
        let length = UInt128(epochLength)
        let k = UInt128((height - 1) % epochLength)
        let upper = IntegerMath.mulDiv(perEpoch, k + 1, length) ?? 0
        let lower = IntegerMath.mulDiv(perEpoch, k, length) ?? 0
        return upper - lower
    }

    /// `amount` split by share: ⌊amount·ppm/10^6⌋ each, and what rounding leaves to the first
    /// pool, so the parts always sum to `amount`.
    public func split(_ amount: Amount) -> [(pool: String, amount: Amount)] {
        guard amount > 0, !shares.isEmpty else { return [] }
        var parts = shares.map { (pool: $0.pool, amount: IntegerMath.mulDiv(amount, UInt128($0.ppm), UInt128(Self.ppm)) ?? 0) }
        let given = parts.reduce(Amount(0)) { $0 + $1.amount }
        parts[0].amount += amount - given
        return parts
    }
}
