import CairnCore

/// Duplicate-vote evidence this node found and has not yet seen committed, oldest first: what
/// its next proposals put in their blocks. A value the consensus driver owns; how old evidence
/// may grow and how much is held are passed in by the caller.
struct EvidencePool: Sendable {
    private var items: [DuplicateVoteEvidence] = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }

    func contains(_ evidence: DuplicateVoteEvidence) -> Bool { items.contains(evidence) }

    /// Adds `evidence` after the rest unless it is already held or `limit` pieces are; returns
    /// whether it was added.
    @discardableResult
    mutating func add(_ evidence: DuplicateVoteEvidence, limit: Int = .max) -> Bool {
        guard items.count < limit, !items.contains(evidence) else { return false }
        items.append(evidence)
        return true
    }

    /// Every piece held, oldest first.
    var all: [DuplicateVoteEvidence] { items }

    /// The oldest `maxCount` pieces, for a proposal.
    func prefix(_ maxCount: Int) -> ArraySlice<DuplicateVoteEvidence> { items.prefix(maxCount) }

    /// Drops what a committed block included.
    mutating func remove(included: [DuplicateVoteEvidence]) {
        guard !included.isEmpty else { return }
        let included = Set(included)
        items.removeAll { included.contains($0) }
    }

    /// Drops evidence more than `maxAge` heights below `height` (the height being committed).
    mutating func removeExpired(height: UInt64, maxAge: UInt64) {
        guard height > maxAge else { return }
        items.removeAll { $0.height < height - maxAge }
    }

    mutating func remove(_ evidence: DuplicateVoteEvidence) {
        items.removeAll { $0 == evidence }
    }

    mutating func removeAll() { items.removeAll() }
}
