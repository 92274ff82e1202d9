/// Order statistics of a benchmark's samples (latencies, block intervals), in whatever integer
/// unit the caller measured.
public struct Percentiles: Sendable, Equatable {
    public let sorted: [Int64]

    public init(_ samples: [Int64]) {
        sorted = samples.sorted()
    }

    public var count: Int { sorted.count }
    public var isEmpty: Bool { sorted.isEmpty }
    public var max: Int64? { sorted.last }
    public var min: Int64? { sorted.first }

    /// Nearest-rank percentile: the smallest sample with at least `percent`% of the samples at or
    /// below it. `percent` in 1...100; nil when there are no samples.
    public func percentile(_ percent: Int) -> Int64? {
        precondition((1...100).contains(percent), "percentile must be between 1 and 100")
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100  // ceil(percent/100 · n), at least 1
        return sorted[rank - 1]
    }

    /// The arithmetic mean, rounded toward zero; nil when there are no samples.
    public var mean: Int64? {
        guard !sorted.isEmpty else { return nil }
        return sorted.reduce(0, +) / Int64(sorted.count)
    }
}
