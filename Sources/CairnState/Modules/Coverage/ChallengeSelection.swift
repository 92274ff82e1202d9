import CairnCore
import CairnCrypto

/// Which hotspots a block challenges (Specs/depin/coverage.md §3): positions in the devices
/// module's dense list of active located hotspots, drawn from the block's VRF seed, which its
/// proposer cannot grind (Specs/depin/randomness.md §4).
public enum ChallengeSelection {
    public static let domain = "cairn/coverage/challenge/v1"

    /// Challenges for a block when `located` hotspots are listed: enough that each beacons about
    /// once per `beacon_interval` blocks, ⌈located / beacon_interval⌉, but at most
    /// `challenges_per_block` and never more than there are hotspots.
    public static func count(located: UInt64, parameters: CoverageParameters) -> UInt64 {
        let interval = max(parameters.beaconInterval, 1)
        let wanted = located / interval + (located % interval == 0 ? 0 : 1)
        return min(wanted, parameters.challengesPerBlock, located)
    }

    /// `count` distinct positions in 0..<located, in draw order. Draw i is the first 8 bytes of
    /// SHA-256(encode_string(domain) ‖ seed ‖ u64_be(height) ‖ u64_be(i)), big-endian; a draw in
    /// the incomplete last block of 2^64 or naming a position already drawn is skipped, so every
    /// ordered selection of distinct positions is equally likely. `count` is capped at `located`
    /// (at most `challenges_per_block` ≤ 1 024 in practice, so the loop is short).
    public static func challengees(seed: Hash32, height: UInt64, located: UInt64, count: UInt64) -> [UInt64] {
        let wanted = min(count, located)
        var chosen: [UInt64] = []
        var draw: UInt64 = 0
        while UInt64(chosen.count) < wanted {
            let hash = CoverageDraw.digest(domain, seed.bytes, height.bigEndianBytes, draw.bigEndianBytes)
            draw += 1
            guard let position = CoverageDraw.below(located, CoverageDraw.word(hash)), !chosen.contains(position) else { continue }
            chosen.append(position)
        }
        return chosen
    }
}
