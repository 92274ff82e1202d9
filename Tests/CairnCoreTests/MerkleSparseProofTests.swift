import CairnCore
import CairnCrypto
import Testing

/// Proof verification against trees assembled by hand, so these tests do not depend on the tree
/// code in CairnStorage.
@Suite("MerkleSparseProof")
struct MerkleSparseProofTests {
    /// A key whose first byte is `first` and the rest `fill`.
    private static func key(_ first: UInt8, fill: UInt8 = 0) -> Hash32 {
        Hash32(unchecked: [first] + [UInt8](repeating: fill, count: 31))
    }

    private static func value(_ n: UInt8) -> Hash32 { Hash32.sha256([n]) }

    // Keys: a = 00…, b = 01…, c = 1…  Tree: root = inner(inner(leaf a, leaf b), leaf c).
    private let a = SparseMerkleLeaf(key: key(0b0000_0000), valueHash: value(1))
    private let b = SparseMerkleLeaf(key: key(0b0100_0000), valueHash: value(2))
    private let c = SparseMerkleLeaf(key: key(0b1000_0000), valueHash: value(3))

    private func h(_ leaf: SparseMerkleLeaf) -> Hash32 {
        SparseMerkleNode.leafHash(key: leaf.key, valueHash: leaf.valueHash)
    }
    private var ab: Hash32 { SparseMerkleNode.innerHash(left: h(a), right: h(b)) }
    private var root: Hash32 { SparseMerkleNode.innerHash(left: ab, right: h(c)) }

    @Test func nodeEncodingsAndHashes() throws {
        let leaf = SparseMerkleNode.leaf(a)
        #expect(leaf.bytes.count == 65 && leaf.bytes[0] == 0x00)
        #expect(leaf.hash == Hash32.sha256([0x00] + a.key.bytes + a.valueHash.bytes))
        #expect(SparseMerkleNode(bytes: leaf.bytes) == leaf)
        let inner = SparseMerkleNode.inner(left: h(a), right: h(b))
        #expect(inner.bytes[0] == 0x01)
        #expect(inner.hash == ab)
        #expect(SparseMerkleNode(bytes: inner.bytes) == inner)
        #expect(SparseMerkleNode(bytes: [0x02] + [UInt8](repeating: 0, count: 64)) == nil)
        #expect(SparseMerkleNode(bytes: Array(leaf.bytes.dropLast())) == nil)
    }

    @Test func pathBitsAreMostSignificantFirst() {
        let k = Hash32(unchecked: [0b1000_0001, 0b0100_0000] + [UInt8](repeating: 0, count: 29) + [0x01])
        #expect(SparseMerkleNode.pathBit(k, at: 0))
        #expect(!SparseMerkleNode.pathBit(k, at: 1))
        #expect(SparseMerkleNode.pathBit(k, at: 7))
        #expect(SparseMerkleNode.pathBit(k, at: 9))
        #expect(SparseMerkleNode.pathBit(k, at: 255))
        #expect(!SparseMerkleNode.pathBit(k, at: 254))
        #expect(SparseMerkleNode.sharesPrefix(k, Self.key(0b1000_0000), bits: 7))
        #expect(!SparseMerkleNode.sharesPrefix(k, Self.key(0b1000_0000), bits: 8))
        #expect(SparseMerkleNode.sharesPrefix(k, k, bits: 256))
    }

    @Test func inclusionProofs() {
        let proofA = SparseMerkleProof(siblings: [h(c), h(b)], leaf: a)
        let proofC = SparseMerkleProof(siblings: [ab], leaf: c)
        #expect(proofA.verify(root: root, key: a.key, valueHash: a.valueHash))
        #expect(proofC.verify(root: root, key: c.key, valueHash: c.valueHash))
        #expect(!proofA.verify(root: root, key: a.key, valueHash: c.valueHash))
        #expect(!proofA.verify(root: root, key: a.key, valueHash: nil), "an inclusion proof is no exclusion proof")
        #expect(!proofA.verify(root: ab, key: a.key, valueHash: a.valueHash))
    }

    @Test func exclusionByAnotherLeaf() {
        // d = 0000_0001… shares the path 00 with a, where a's leaf sits.
        let d = Self.key(0b0000_0001)
        let proof = SparseMerkleProof(siblings: [h(c), h(b)], leaf: a)
        #expect(proof.verify(root: root, key: d, valueHash: nil))
        #expect(!proof.verify(root: root, key: d, valueHash: a.valueHash))
        // A key on b's side cannot use a's leaf: its bits walk a different path.
        #expect(!proof.verify(root: root, key: Self.key(0b0100_0001), valueHash: nil))
    }

    @Test func exclusionRequiresSharedPrefix() {
        // A verifier walking key e = 1000_0001… must not accept c's proof pretending c sits deeper.
        let e = Self.key(0b1000_0001)
        #expect(SparseMerkleProof(siblings: [ab], leaf: c).verify(root: root, key: e, valueHash: nil))
        // In a one-leaf tree the leaf ends every path, so it proves absence of any other key.
        #expect(SparseMerkleProof(siblings: [], leaf: a).verify(root: h(a), key: e, valueHash: nil))
        // Leaf a does not share bit 0 with e, so it may not end e's path even though the hashes fit.
        let fake = SparseMerkleNode.innerHash(left: h(c), right: h(a))
        #expect(!SparseMerkleProof(siblings: [h(c)], leaf: a).verify(root: fake, key: e, valueHash: nil))
    }

    @Test func exclusionByEmptySubtree() {
        // Tree {a, b}: root = inner(inner(a, b), empty); any 1… key ends in the empty right child.
        let rootAB = SparseMerkleNode.innerHash(left: ab, right: .zero)
        let proof = SparseMerkleProof(siblings: [ab], leaf: nil)
        #expect(proof.verify(root: rootAB, key: c.key, valueHash: nil))
        #expect(!proof.verify(root: rootAB, key: c.key, valueHash: c.valueHash))
        #expect(!proof.verify(root: rootAB, key: a.key, valueHash: nil))
    }

    @Test func emptyTree() {
        let proof = SparseMerkleProof(siblings: [], leaf: nil)
        #expect(proof.verify(root: .zero, key: a.key, valueHash: nil))
        #expect(!proof.verify(root: .zero, key: a.key, valueHash: a.valueHash))
        #expect(!proof.verify(root: root, key: a.key, valueHash: nil))
    }

    @Test func singleLeafTree() {
        let proof = SparseMerkleProof(siblings: [], leaf: a)
        #expect(proof.verify(root: h(a), key: a.key, valueHash: a.valueHash))
        #expect(proof.verify(root: h(a), key: b.key, valueHash: nil))
    }

    @Test func tamperedProofsFail() {
        let good = SparseMerkleProof(siblings: [h(c), h(b)], leaf: a)
        #expect(good.verify(root: root, key: a.key, valueHash: a.valueHash))
        var flipped = good.siblings
        flipped[1] = Hash32(unchecked: flipped[1].bytes.enumerated().map { $0.offset == 5 ? $0.element ^ 0x10 : $0.element })
        #expect(!SparseMerkleProof(siblings: flipped, leaf: a).verify(root: root, key: a.key, valueHash: a.valueHash))
        #expect(!SparseMerkleProof(siblings: [h(c)], leaf: a).verify(root: root, key: a.key, valueHash: a.valueHash))
        #expect(!SparseMerkleProof(siblings: [h(c), h(b), .zero], leaf: a).verify(root: root, key: a.key, valueHash: a.valueHash))
        #expect(!SparseMerkleProof(siblings: [h(b), h(c)], leaf: a).verify(root: root, key: a.key, valueHash: a.valueHash))
        let swapped = SparseMerkleLeaf(key: b.key, valueHash: a.valueHash)
        #expect(!SparseMerkleProof(siblings: good.siblings, leaf: swapped).verify(root: root, key: a.key, valueHash: a.valueHash))
        #expect(!SparseMerkleProof(siblings: good.siblings, leaf: nil).verify(root: root, key: a.key, valueHash: nil))
    }

    @Test func rejectsMoreThan256Siblings() {
        // Hand-build a proof with 257 siblings whose recomputation matches its "root": it must
        // still be rejected by length alone.
        let siblings = [Hash32](repeating: .zero, count: 257)
        var hash = h(a)
        for _ in 0..<257 { hash = SparseMerkleNode.innerHash(left: hash, right: .zero) }
        let proof = SparseMerkleProof(siblings: siblings, leaf: a)
        #expect(!proof.verify(root: hash, key: a.key, valueHash: a.valueHash))
    }
}
