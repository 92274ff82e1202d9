import CairnCore
import CairnCrypto

/// Which valid witnesses a beacon rewards when more than K are valid (Specs/depin/coverage.md §7).
/// By seed, not by arrival (HIP-83's first 14): the block proposer orders the receipts, and an
/// order-based rule would let it pick its own friends.
public enum WitnessSelection {
    public static let domain = "cairn/coverage/select/v1"

    /// The witness's rank key: SHA-256(encode_string(domain) ‖ seed ‖ beacon id ‖ witness).
    public static func key(seed: Hash32, beaconID: Hash32, witness: Address) -> Hash32 {
        CoverageDraw.digest(domain, seed.bytes, beaconID.bytes, witness.bytes)
    }

    /// Keeps the K valid receipts with the smallest keys `valid`; the other valid ones become
    /// `valid_not_selected`. Valid witnesses are distinct (duplicates are invalid), so keys never tie.
    public static func select(verdicts: [WitnessVerdict], witnesses: [Address], challenge: Challenge,
                              maxWitnesses: UInt64) -> [WitnessVerdict] {
        let valid = verdicts.indices.filter { verdicts[$0] == .valid }
        guard UInt64(valid.count) > maxWitnesses else { return verdicts }
        let ranked = valid.map { (index: $0, key: key(seed: challenge.seed, beaconID: challenge.beacon.id, witness: witnesses[$0])) }
            .sorted { $0.key < $1.key }
        var result = verdicts
        for entry in ranked.dropFirst(Int(maxWitnesses)) { result[entry.index] = .validNotSelected }
        return result
    }
}
