import CairnCore
import CairnCrypto

/// Proofs come from a node that may be lying, so verification must return false, never trap, on
/// anything: any depth, any siblings, a leaf or none. Input layout (missing bytes read as zero):
/// flags(1) ‖ key(32) ‖ valueHash(32) ‖ leafKey(32) ‖ leafValueHash(32) ‖ root(32) ‖ siblings(32 each).
/// flags bit 0: a value hash is claimed (inclusion); bit 1: the proof carries a leaf; bit 2: use
/// the root the proof itself implies (so the hashing path is checked, not only rejection);
/// bit 3: make the leaf share the key's path (a well-formed absence proof); bits 0+1+4: the leaf is
/// the key and claimed value (a well-formed inclusion proof); bit 5: repeat the siblings to a depth
/// of 254 + (flags >> 6). The first 65 bytes are also decoded as a node.
public enum MerkleChecks {
    public static func check(_ data: [UInt8]) -> String? {
        func field(_ index: Int) -> Hash32 {
            let start = 1 + 32 * index
            var out = [UInt8](repeating: 0, count: 32)
            for i in 0..<32 where start + i < data.count { out[i] = data[start + i] }
            return Hash32(unchecked: out)
        }
        guard let flags = data.first else { return nil }
        // A node encoding read from storage or a peer: decoding and re-encoding must agree.
        let raw = Array(data.prefix(SparseMerkleNode.encodedCount))
        if let node = SparseMerkleNode(bytes: raw), node.bytes != raw {
            return "node \(Hex.encode(raw)) re-encodes as \(Hex.encode(node.bytes))"
        }
        let key = field(0), valueHash = field(1), leafValue = field(3)
        var leafKey = field(2)
        let siblingCount = max(0, (data.count - 1 - 32 * 5) / 32)
        var siblings = (0..<siblingCount).map { field(5 + $0) }
        if flags & 32 != 0 {
            // Inputs are too short for 256 siblings: repeat the given ones to depth 254...257,
            // either side of the deepest valid proof.
            let depth = 254 + Int(flags >> 6)
            let given = siblings.isEmpty ? [Hash32.zero] : siblings
            siblings = (0..<depth).map { given[$0 % given.count] }
        }
        if flags & 8 != 0 {
            // Same first `depth` bits as the key, the rest from the input.
            let depth = min(siblings.count, SparseMerkleNode.maxDepth)
            var bytes = leafKey.bytes
            for bit in 0..<depth {
                let mask = UInt8(0x80) >> UInt8(bit & 7)
                bytes[bit >> 3] = (bytes[bit >> 3] & ~mask) | (key.bytes[bit >> 3] & mask)
            }
            leafKey = Hash32(unchecked: bytes)
        }
        let claimed: Hash32? = flags & 1 != 0 ? valueHash : nil
        let leaf: SparseMerkleLeaf? = flags & 2 != 0
            ? SparseMerkleLeaf(key: flags & 1 != 0 && flags & 16 != 0 ? key : leafKey,
                               valueHash: flags & 1 != 0 && flags & 16 != 0 ? valueHash : leafValue)
            : nil
        let proof = SparseMerkleProof(siblings: siblings, leaf: leaf)

        guard flags & 4 != 0 else {
            _ = proof.verify(root: field(4), key: key, valueHash: claimed)
            return nil
        }
        // The root this proof implies, computed independently of `verify`.
        guard siblings.count <= SparseMerkleNode.maxDepth else {
            return proof.verify(root: field(4), key: key, valueHash: claimed)
                ? "a proof deeper than \(SparseMerkleNode.maxDepth) verified" : nil
        }
        var hash = leaf.map { SparseMerkleNode.leafHash(key: $0.key, valueHash: $0.valueHash) } ?? .zero
        for level in stride(from: siblings.count - 1, through: 0, by: -1) {
            let bit = (key.bytes[level >> 3] >> (7 - UInt8(level & 7))) & 1 == 1
            hash = bit ? SparseMerkleNode.innerHash(left: siblings[level], right: hash)
                       : SparseMerkleNode.innerHash(left: hash, right: siblings[level])
        }
        let expected: Bool
        if let claimed {
            expected = leaf?.key == key && leaf?.valueHash == claimed
        } else if let leaf {
            expected = leaf.key != key && SparseMerkleNode.sharesPrefix(leaf.key, key, bits: siblings.count)
        } else {
            expected = true
        }
        let got = proof.verify(root: hash, key: key, valueHash: claimed)
        if got != expected {
            return "proof with \(siblings.count) siblings, leaf \(leaf.map { "\($0.key)" } ?? "none"), key \(key): verify gave \(got), expected \(expected)"
        }
        return nil
    }
}
