import CairnCore
import CairnCrypto
import CairnState

/// A watcher over every gateway's traffic: it remembers each signed reading by meter and slot,
/// and when a meter has signed two different readings for one slot it has the evidence the
/// chain takes (energy.md §9). Re-sent batches repeat identical readings and are not evidence.
struct EquivocationWatcher: Sendable {
    private struct Seen: Sendable {
        var batch: SignedBatch
        var index: Int
    }

    private var seen: [Address: [UInt64: Seen]] = [:]
    private var reported = Set<Address>()

    /// Records the batch's readings; returns evidence against its meter if one of them differs
    /// from a reading of the same slot seen before (once per meter).
    mutating func observe(_ signed: SignedBatch) -> EquivocationEvidence? {
        let meter = signed.batch.meter
        var evidence: EquivocationEvidence?
        for (i, r) in signed.batch.readings.enumerated() {
            if let earlier = seen[meter]?[r.slot] {
                if earlier.batch.batch.readings[earlier.index] != r, evidence == nil, !reported.contains(meter) {
                    evidence = EquivocationEvidence(first: earlier.batch, firstIndex: UInt64(earlier.index), second: signed, secondIndex: UInt64(i))
                }
            } else {
                seen[meter, default: [:]][r.slot] = Seen(batch: signed, index: i)
            }
        }
        if evidence != nil { reported.insert(meter) }
        return evidence
    }
}
