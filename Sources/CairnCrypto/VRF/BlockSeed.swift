/// The per-block randomness of Specs/depin/randomness.md §3: each header carries `seed` (the
/// proposer's VRF output) and `seed_proof`, chained from the genesis seed.
public enum BlockSeed {
    /// SHA-256("cairn-seed" ‖ genesis hash): the `previous_seed` of height 1.
    public static func genesis(genesisHash: Hash32) -> Hash32 {
        Hash32.sha256(parts: Array("cairn-seed".utf8), genesisHash.bytes)
    }

    /// The VRF input of the block at `height`: previous_seed ‖ u64_be(height), 40 bytes. The
    /// height makes the input new even if a seed repeated; nothing the proposer picks is in it.
    public static func alpha(previousSeed: Hash32, height: UInt64) -> [UInt8] {
        previousSeed.bytes + withUnsafeBytes(of: height.bigEndian, Array.init)
    }
}
