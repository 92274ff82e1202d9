/// How a fleet of `total` devices splits into classes: each cheater class its share of the total,
/// rounded, some classes a fixed number, and the honest class the remainder.
enum ClassShares {
    static func counts<C: Hashable & RawRepresentable>(_ shares: [C: Double], fixed: [C: Int] = [:], total: Int, honest: C, noun: String,
                                                       round: (C, Int) -> Int = { $1 }) throws(SimulationError) -> [C: Int]
        where C.RawValue == String {
        var counts = fixed
        for (c, share) in shares where c != honest && fixed[c] == nil {
            guard share >= 0, share <= 1 else { throw SimulationError("the share of \(c.rawValue) must be between 0 and 1, not \(share)") }
            counts[c] = round(c, Int((share * Double(total)).rounded()))
        }
        let cheaters = counts.values.reduce(0, +)
        guard cheaters <= total else { throw SimulationError("the cheater classes need \(cheaters) \(noun), more than the \(total) of the fleet") }
        counts[honest] = total - cheaters
        return counts
    }
}
