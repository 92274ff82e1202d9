/// Reputation of node ids and IP addresses, and the bans that follow from it. Scores start at 0,
/// fall by a misbehaviour's penalty, recover by one point per recovery interval back to 0, and
/// at the threshold the key is banned until the ban expires (its score then starts again at 0).
/// Time is passed in so the rules are testable; wall-clock time is fine here (networking, not
/// consensus).
struct ScoreBook {
    enum Key: Hashable, CustomStringConvertible {
        case node(NodeID)
        case ip(String)

        var description: String {
            switch self {
            case .node(let id): "node \(id)"
            case .ip(let ip): "IP \(ip)"
            }
        }
    }

    private struct Entry {
        var score: Int
        var updated: ContinuousClock.Instant
    }

    let threshold: Int
    let recoveryInterval: Duration
    let banDuration: Duration
    private var scores: [Key: Entry] = [:]
    private(set) var bans: [Key: ContinuousClock.Instant] = [:]

    init(threshold: Int, recoveryInterval: Duration, banDuration: Duration) {
        self.threshold = threshold
        self.recoveryInterval = recoveryInterval
        self.banDuration = banDuration
    }

    func score(_ key: Key, now: ContinuousClock.Instant) -> Int {
        guard let entry = scores[key] else { return 0 }
        return Self.recovered(entry, now: now, interval: recoveryInterval)
    }

    private static func recovered(_ entry: Entry, now: ContinuousClock.Instant, interval: Duration) -> Int {
        guard interval > .zero, now > entry.updated else { return entry.score }
        let points = milliseconds(now - entry.updated) / max(1, milliseconds(interval))
        return min(0, entry.score + Int(min(points, Int64(Int32.max))))
    }

    /// Lowers the score of `key`; true when this reaches the threshold and the key is now banned.
    mutating func penalize(_ key: Key, by penalty: Int, now: ContinuousClock.Instant) -> Bool {
        let current = score(key, now: now)
        let next = current - penalty
        if next <= threshold {
            scores[key] = nil
            bans[key] = now + banDuration
            return true
        }
        scores[key] = Entry(score: next, updated: now)
        return false
    }

    mutating func ban(_ key: Key, now: ContinuousClock.Instant) {
        scores[key] = nil
        bans[key] = now + banDuration
    }

    func isBanned(_ key: Key, now: ContinuousClock.Instant) -> Bool {
        guard let until = bans[key] else { return false }
        return now < until
    }

    /// Forgets expired bans and fully recovered scores, so the tables stay small.
    mutating func prune(now: ContinuousClock.Instant) {
        bans = bans.filter { now < $0.value }
        scores = scores.filter { Self.recovered($0.value, now: now, interval: recoveryInterval) < 0 }
    }

    /// Whole milliseconds, saturating (integer arithmetic only).
    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? Int64.max : ms + attoseconds / 1_000_000_000_000_000
    }
}
