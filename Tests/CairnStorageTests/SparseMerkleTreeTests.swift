import CairnCore
import CairnTestSupport
import CairnCrypto
import CairnStorage
import Testing


/// A tree with its own in-memory store that stores whatever an update returns.
struct TestTree {
    let store = InMemorySparseMerkleNodeStore()
    var tree: SparseMerkleTree<InMemorySparseMerkleNodeStore> { SparseMerkleTree(store: store) }

    @discardableResult
    func update(_ root: Hash32, _ changes: [(key: Hash32, valueHash: Hash32?)]) throws -> SparseMerkleUpdate {
        let update = try tree.update(root: root, changes: changes)
        store.apply(update)
        return update
    }

    func insertAll(_ entries: [(key: Hash32, valueHash: Hash32?)]) throws -> Hash32 {
        try update(.zero, entries).root
    }
}

func randomHash(_ rng: inout SeededGenerator) -> Hash32 {
    Hash32(unchecked: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
}

func key(_ name: String) -> Hash32 { Hash32.sha256(Array(name.utf8)) }
func value(_ name: String) -> Hash32 { Hash32.sha256(Array("value of \(name)".utf8)) }

@Suite("SparseMerkleTree")
struct SparseMerkleTreeTests {
    @Test func emptyTree() throws {
        let t = TestTree()
        let update = try t.update(.zero, [])
        #expect(update.root == .zero)
        #expect(update.newNodes.isEmpty)
        #expect(try t.tree.get(root: .zero, key: key("a")) == nil)
        let proof = try t.tree.prove(root: .zero, key: key("a"))
        #expect(proof == SparseMerkleProof(siblings: [], leaf: nil))
        #expect(proof.verify(root: .zero, key: key("a"), valueHash: nil))
        // Deleting from an empty tree leaves it empty.
        #expect(try t.update(.zero, [(key("a"), nil)]).root == .zero)
    }

    @Test func singleKey() throws {
        let t = TestTree()
        let update = try t.update(.zero, [(key("a"), value("a"))])
        #expect(update.root == SparseMerkleNode.leafHash(key: key("a"), valueHash: value("a")))
        #expect(update.newNodes.count == 1)
        #expect(try t.tree.get(root: update.root, key: key("a")) == value("a"))
        #expect(try t.tree.get(root: update.root, key: key("b")) == nil)
        #expect(try t.tree.prove(root: update.root, key: key("a")).siblings.isEmpty)
    }

    /// The worked example of Specs/merkle.md, cross-checked with an independent Python model.
    @Test func specExample() throws {
        let t = TestTree()
        let root = try t.insertAll(["alice", "carol", "dave"].map { (key($0), value($0)) })
        #expect(root.hex == "0x037d93187d0500ffd982edc96aeb75773d94e7f3638ec8bff0e19aa412227114")

        let carol = try t.tree.prove(root: root, key: key("carol"))
        #expect(carol.siblings.map(\.hex) == [
            "0x0000000000000000000000000000000000000000000000000000000000000000",
            "0x918d85e39f7f438cadda64e151f55222abcce4d55c1c11ba7bc591b8cb4eaea6",
            "0x549586934dcaff573c07dd476981b4d0ac0d9279758e699234ade3dedfa6d9ad",
        ])
        #expect(carol.leaf == SparseMerkleLeaf(key: key("carol"), valueHash: value("carol")))
        #expect(carol.verify(root: root, key: key("carol"), valueHash: value("carol")))

        let bob = try t.tree.prove(root: root, key: key("bob"))
        #expect(bob == SparseMerkleProof(
            siblings: [try Hash32(hex: "0x017e442556fbacef8fdfcf18ddb3178f39aacb3c4ac371738528404fdda373d8")], leaf: nil))
        #expect(bob.verify(root: root, key: key("bob"), valueHash: nil))

        let peggy = try t.tree.prove(root: root, key: key("peggy"))
        #expect(peggy.siblings.map(\.hex) == [
            "0x0000000000000000000000000000000000000000000000000000000000000000",
            "0x44e3610cb497fa0a16b768fd59bd1423a2ef4e393d1d3fdc6aee4fe915c06326",
        ])
        #expect(peggy.leaf?.key == key("alice"))
        #expect(peggy.verify(root: root, key: key("peggy"), valueHash: nil))
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func rootIndependentOfOrderAndBatching(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let count = Int.random(in: 1...300, using: &rng)
        let entries = (0..<count).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
        let t = TestTree()
        let oneBatch = try t.insertAll(entries)

        for _ in 0..<3 {
            var root = Hash32.zero
            var remaining = entries.shuffled(using: &rng)
            while !remaining.isEmpty {
                let size = Int.random(in: 1...max(1, remaining.count / 2 + 1), using: &rng)
                root = try t.update(root, Array(remaining.prefix(size))).root
                remaining.removeFirst(min(size, remaining.count))
            }
            #expect(root == oneBatch)
        }
        // One at a time, reversed.
        var root = Hash32.zero
        for entry in entries.reversed() { root = try t.update(root, [entry]).root }
        #expect(root == oneBatch)
    }

    @Test func deletionReturnsToEarlierRoot() throws {
        let t = TestTree()
        let ab = try t.insertAll([(key("a"), value("a")), (key("b"), value("b"))])
        let abc = try t.update(ab, [(key("c"), value("c"))]).root
        #expect(abc != ab)
        #expect(try t.update(abc, [(key("c"), nil)]).root == ab)
        #expect(try t.update(abc, [(key("a"), nil), (key("b"), nil), (key("c"), nil)]).root == .zero)
        // Deleting an absent key changes nothing.
        #expect(try t.update(ab, [(key("zzz"), nil)]).root == ab)
    }

    @Test func deletionCollapsesLongSharedPrefix() throws {
        // Two keys sharing their first 200 bits sit under a chain of ~200 inner nodes; deleting
        // one must move the other leaf all the way up to the root.
        var rng = SeededGenerator(seed: 9)
        let base = randomHash(&rng).bytes
        var other = base
        other[25] ^= 0x80  // differs first at bit 200
        let a = Hash32(unchecked: base), b = Hash32(unchecked: other)
        let t = TestTree()
        let both = try t.insertAll([(a, value("a")), (b, value("b"))])
        #expect(try t.tree.prove(root: both, key: a).siblings.count == 201)
        let afterDelete = try t.update(both, [(b, nil)]).root
        #expect(afterDelete == SparseMerkleNode.leafHash(key: a, valueHash: value("a")))
    }

    /// After any mix of inserts, overwrites and deletes the root equals the root of the final
    /// contents built from scratch: deletion compacts exactly as insertion would have.
    @Test(arguments: [61, 62, 63] as [UInt64])
    func rootIsCanonicalAfterDeletes(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let t = TestTree()
        var model: [Hash32: Hash32] = [:]
        var keys: [Hash32] = []
        // Clusters of keys sharing long prefixes make deep chains that deletion must collapse.
        for _ in 0..<30 {
            let base = randomHash(&rng).bytes
            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                var bytes = base
                let bit = Int.random(in: 0..<256, using: &rng)
                if Bool.random(using: &rng) { bytes[bit / 8] ^= 1 << UInt8(bit % 8) }
                keys.append(Hash32(unchecked: bytes))
            }
        }
        var root = Hash32.zero
        for _ in 0..<30 {
            var changes: [(key: Hash32, valueHash: Hash32?)] = []
            for _ in 0..<Int.random(in: 1...25, using: &rng) {
                let k = keys[Int.random(in: 0..<keys.count, using: &rng)]
                let v: Hash32? = Bool.random(using: &rng) ? nil : randomHash(&rng)
                changes.append((k, v))
                model[k] = v
            }
            root = try t.update(root, changes).root
            let contents = model.map { (key: $0.key, valueHash: Optional($0.value)) }
            #expect(root == (try TestTree().insertAll(contents)))
        }
    }

    @Test func laterDuplicateChangesWin() throws {
        let t = TestTree()
        let expected = try t.insertAll([(key("a"), value("2")), (key("b"), value("b"))])
        let root = try t.insertAll([
            (key("a"), value("1")), (key("b"), value("b")), (key("c"), value("c")),
            (key("a"), value("2")), (key("c"), nil),
        ])
        #expect(root == expected)
        let base = try t.insertAll([(key("a"), value("1"))])
        #expect(try t.update(base, [(key("a"), nil), (key("a"), value("1"))]).root == base)
        #expect(try t.update(base, [(key("a"), value("9")), (key("a"), nil)]).root == .zero)
    }

    @Test(arguments: [11, 12] as [UInt64])
    func matchesDictionaryModelAndProvesEveryKey(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let t = TestTree()
        var model: [Hash32: Hash32] = [:]
        var keys: [Hash32] = []  // every key ever used, in creation order
        var root = Hash32.zero
        for _ in 0..<20 {
            var changes: [(key: Hash32, valueHash: Hash32?)] = []
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                let reuse = !keys.isEmpty && Bool.random(using: &rng)
                let k = reuse ? keys[Int.random(in: 0..<keys.count, using: &rng)] : randomHash(&rng)
                if !reuse { keys.append(k) }
                let v: Hash32? = Int.random(in: 0..<3, using: &rng) == 0 ? nil : randomHash(&rng)
                changes.append((k, v))
                model[k] = v
            }
            root = try t.update(root, changes).root
        }
        for k in keys {
            let expected = model[k] ?? nil
            #expect(try t.tree.get(root: root, key: k) == expected)
            let proof = try t.tree.prove(root: root, key: k)
            #expect(proof.verify(root: root, key: k, valueHash: expected))
            if let expected {
                #expect(!proof.verify(root: root, key: k, valueHash: nil))
                #expect(!proof.verify(root: root, key: k, valueHash: SparseMerkleNode.innerHash(left: expected, right: expected)))
            }
        }
        for _ in 0..<100 {
            let absent = randomHash(&rng)
            let proof = try t.tree.prove(root: root, key: absent)
            #expect(proof.verify(root: root, key: absent, valueHash: nil))
            #expect(!proof.verify(root: root, key: absent, valueHash: randomHash(&rng)))
        }
    }

    @Test func tamperedProofsAreRejected() throws {
        var rng = SeededGenerator(seed: 21)
        let entries = (0..<64).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
        let t = TestTree()
        let root = try t.insertAll(entries)
        for (k, v) in entries.prefix(16) {
            let proof = try t.tree.prove(root: root, key: k)
            #expect(proof.verify(root: root, key: k, valueHash: v))
            for index in proof.siblings.indices {
                var siblings = proof.siblings
                var bytes = siblings[index].bytes
                bytes[Int.random(in: 0..<32, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                siblings[index] = Hash32(unchecked: bytes)
                #expect(!SparseMerkleProof(siblings: siblings, leaf: proof.leaf).verify(root: root, key: k, valueHash: v))
            }
            #expect(!SparseMerkleProof(siblings: Array(proof.siblings.dropLast()), leaf: proof.leaf).verify(root: root, key: k, valueHash: v))
            #expect(!SparseMerkleProof(siblings: Array(proof.siblings.dropFirst()), leaf: proof.leaf).verify(root: root, key: k, valueHash: v))
            #expect(!SparseMerkleProof(siblings: proof.siblings + [.zero], leaf: proof.leaf).verify(root: root, key: k, valueHash: v))
            let otherValue = SparseMerkleLeaf(key: k, valueHash: randomHash(&rng))
            #expect(!SparseMerkleProof(siblings: proof.siblings, leaf: otherValue).verify(root: root, key: k, valueHash: otherValue.valueHash))
            let otherKey = SparseMerkleLeaf(key: randomHash(&rng), valueHash: v!)
            #expect(!SparseMerkleProof(siblings: proof.siblings, leaf: otherKey).verify(root: root, key: k, valueHash: nil))
            #expect(!proof.verify(root: root, key: k, valueHash: nil))
            #expect(!SparseMerkleProof(siblings: proof.siblings, leaf: nil).verify(root: root, key: k, valueHash: nil))
        }
        // An exclusion proof for one key does not prove absence of a present key.
        let absent = randomHash(&rng)
        let exclusion = try t.tree.prove(root: root, key: absent)
        for (k, _) in entries where k != exclusion.leaf?.key {
            #expect(!exclusion.verify(root: root, key: k, valueHash: nil))
        }
    }

    @Test func oldRootsStayProvable() throws {
        var rng = SeededGenerator(seed: 31)
        let t = TestTree()
        let first = (0..<50).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
        let oldRoot = try t.insertAll(first)
        var root = oldRoot
        for _ in 0..<5 {
            let changes = (0..<10).map { i in
                (key: i < 5 ? first[Int.random(in: 0..<50, using: &rng)].key : randomHash(&rng),
                 valueHash: Bool.random(using: &rng) ? Optional(randomHash(&rng)) : nil)
            }
            root = try t.update(root, changes).root
        }
        #expect(root != oldRoot)
        for (k, v) in first {
            #expect(try t.tree.get(root: oldRoot, key: k) == v)
            #expect(try t.tree.prove(root: oldRoot, key: k).verify(root: oldRoot, key: k, valueHash: v))
        }
    }

    @Test func updateEmitsOnlyLogarithmicallyManyReachableNodes() throws {
        var rng = SeededGenerator(seed: 41)
        let entries = (0..<10_000).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
        let t = TestTree()
        let build = try t.update(.zero, entries)
        // Building from empty emits exactly the nodes of the tree: nothing superseded, nothing twice.
        #expect(build.newNodes.count == (try reachable(from: build.root, in: t)).count)
        var root = build.root
        for step in 0..<3 {
            let k = step == 0 ? randomHash(&rng) : entries[step].key
            let update = try t.update(root, [(k, step == 2 ? nil : Optional(randomHash(&rng)))])
            #expect(update.newNodes.count < 64)
            #expect(!update.newNodes.isEmpty)
            try expectAllReachable(update, in: t)
            root = update.root
        }
        // A batch of 100 changes shares the upper levels of the tree.
        let batch = (0..<100).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
        let update = try t.update(root, batch)
        #expect(update.newNodes.count < 100 * 30)
        try expectAllReachable(update, in: t)
    }

    @Test func emittedNodesAreExactlyTheNewReachableOnes() throws {
        var rng = SeededGenerator(seed: 51)
        let t = TestTree()
        var root = try t.insertAll((0..<200).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) })
        for _ in 0..<10 {
            let present = try reachable(from: root, in: t)
            let changes = (0..<20).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
            let update = try t.update(root, changes)
            try expectAllReachable(update, in: t)
            let after = try reachable(from: update.root, in: t)
            let emitted = Set(update.newNodes.map(\.hash))
            // Every node of the new tree was either there before or emitted now.
            #expect(after.subtracting(present).isSubset(of: emitted))
            #expect(emitted.count == update.newNodes.count, "no node emitted twice")
            root = update.root
        }
    }

    /// Large batches are rebuilt on several cores below the top levels; the root and the emitted
    /// nodes must be exactly those of the one-core descent, deletions and one-sided batches included.
    @Test(arguments: [71, 72] as [UInt64])
    func concurrentDescentMatchesTheSerialOne(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let t = TestTree()
        let existing = (0..<3_000).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
        let root = try t.insertAll(existing)
        var changes = (0..<4_000).map { _ in (key: randomHash(&rng), valueHash: Optional(randomHash(&rng))) }
        changes += existing.prefix(1_500).map { (key: $0.key, valueHash: nil as Hash32?) }
        changes += existing.dropFirst(1_500).prefix(500).map { (key: $0.key, valueHash: Optional(randomHash(&rng))) }
        // Keys all under the left half of the root: the split must descend the busy side.
        let leftOnly = changes.filter { !SparseMerkleNode.pathBit($0.key, at: 0) }
        for batch in [changes, leftOnly] {
            let serial = try t.tree.update(root: root, changes: batch, concurrentLevels: 0)
            let concurrent = try t.tree.update(root: root, changes: batch, concurrentLevels: 4)
            #expect(concurrent.root == serial.root)
            #expect(Set(concurrent.newNodes.map(\.hash)) == Set(serial.newNodes.map(\.hash)))
            #expect(concurrent.newNodes.count == serial.newNodes.count)
        }
        // And the store reached through the concurrent path reports a missing node, not a crash.
        let rootNode = try #require(try t.store.node(root))
        guard case .inner(let left, _)? = SparseMerkleNode(bytes: rootNode) else { Issue.record("root is not inner"); return }
        t.store.remove(left)
        #expect(throws: SparseMerkleError.missingNode(left)) { try t.tree.update(root: root, changes: changes, concurrentLevels: 4) }
    }

    @Test func missingNodeIsAnError() throws {
        let t = TestTree()
        let root = try t.insertAll([(key("a"), value("a")), (key("b"), value("b"))])
        let unknown = Hash32.sha256([1, 2, 3])
        #expect(throws: SparseMerkleError.missingNode(unknown)) { try t.tree.get(root: unknown, key: key("a")) }
        #expect(throws: SparseMerkleError.missingNode(unknown)) { try t.tree.prove(root: unknown, key: key("a")) }
        #expect(throws: SparseMerkleError.missingNode(unknown)) { try t.tree.update(root: unknown, changes: [(key("a"), nil)]) }
        let leafA = SparseMerkleNode.leafHash(key: key("a"), valueHash: value("a"))
        t.store.remove(leafA)
        #expect(throws: SparseMerkleError.missingNode(leafA)) { try t.tree.get(root: root, key: key("a")) }
        // Deleting b must read a's node to move it up; its absence is reported, not crashed on.
        #expect(throws: SparseMerkleError.missingNode(leafA)) { try t.tree.update(root: root, changes: [(key("b"), nil)]) }
    }

    @Test func malformedNodeIsAnError() throws {
        let t = TestTree()
        let root = try t.insertAll([(key("a"), value("a")), (key("b"), value("b"))])
        t.store.put(root, bytes: [0x01, 0x02])
        #expect(throws: SparseMerkleError.self) { try t.tree.get(root: root, key: key("a")) }
        t.store.put(root, bytes: [0x07] + [UInt8](repeating: 0, count: 64))
        #expect(throws: SparseMerkleError.self) { try t.tree.prove(root: root, key: key("a")) }
        // Well-formed bytes stored under the wrong hash.
        t.store.put(root, bytes: SparseMerkleNode.leaf(SparseMerkleLeaf(key: key("x"), valueHash: value("x"))).bytes)
        #expect(throws: SparseMerkleError.self) { try t.tree.update(root: root, changes: [(key("c"), value("c"))]) }
        let error = SparseMerkleError.malformedNode(root, reason: "test")
        #expect(error.description.contains(root.hex))
    }

    // MARK: helpers

    private func reachable(from root: Hash32, in t: TestTree) throws -> Set<Hash32> {
        var seen: Set<Hash32> = []
        var stack = [root]
        while let hash = stack.popLast() {
            guard hash != .zero, seen.insert(hash).inserted else { continue }
            guard let bytes = try t.store.node(hash), let node = SparseMerkleNode(bytes: bytes) else {
                Issue.record("node \(hash) unreadable")
                continue
            }
            if case .inner(let left, let right) = node { stack += [left, right] }
        }
        return seen
    }

    /// Every emitted node belongs to the new tree (nothing superseded) and hashes correctly.
    private func expectAllReachable(_ update: SparseMerkleUpdate, in t: TestTree) throws {
        let nodes = try reachable(from: update.root, in: t)
        for node in update.newNodes {
            #expect(nodes.contains(node.hash))
            #expect(Hash32.sha256(node.bytes) == node.hash)
        }
    }
}
