import CairnCore
import CairnCrypto
import Dispatch

/// The result of a batch update: the new root and the nodes the caller must store for it.
///
/// Old nodes are never deleted by an update, so earlier roots stay readable and provable.
public struct SparseMerkleUpdate: Sendable {
    public let root: Hash32
    /// Nodes of the new tree that did not exist in the old one (possibly some that an even older
    /// root already had; storing them again is harmless since the store is content-addressed).
    public let newNodes: [(hash: Hash32, bytes: [UInt8])]

    public init(root: Hash32, newNodes: [(hash: Hash32, bytes: [UInt8])]) {
        self.root = root
        self.newNodes = newNodes
    }
}

/// The compact sparse Merkle tree of Specs/merkle.md, read from a content-addressed node store.
///
/// The tree is persistent: an update never modifies a node, it returns new ones, so any root ever
/// produced can still be read and proven as long as its nodes are kept.
public struct SparseMerkleTree<Store: SparseMerkleNodeStore> {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Applies `changes` (a nil value hash deletes; for repeated keys the later change wins) to the
    /// tree at `root`, in one descent over the sorted changes so that a shared path is read and
    /// hashed once. A large batch's subtrees below the top `concurrentLevels` are rebuilt on
    /// separate cores: they share no node, and the result does not depend on the split.
    public func update(root: Hash32, changes: [(key: Hash32, valueHash: Hash32?)],
                       concurrentLevels: Int = 2) throws -> SparseMerkleUpdate {
        let sorted = Self.normalize(changes)
        var builder = Builder(store: store)
        let result = try builder.apply(to: .stored(root), depth: 0, changes: sorted[...], concurrentLevels: concurrentLevels)
        return SparseMerkleUpdate(root: result.hash, newNodes: builder.emitted)
    }

    /// Fewest changes under an inner node for its two halves to be rebuilt concurrently: below
    /// this, handing work to another core costs more than the hashing it saves.
    static var concurrentFrom: Int { 512 }

    /// The value hash stored under `key`, or nil when the key is absent.
    public func get(root: Hash32, key: Hash32) throws -> Hash32? {
        var hash = root
        for depth in 0...SparseMerkleNode.maxDepth {
            switch try load(hash) {
            case nil:
                return nil
            case .leaf(let leaf):
                return leaf.key == key ? leaf.valueHash : nil
            case .inner(let left, let right):
                guard depth < SparseMerkleNode.maxDepth else { throw tooDeep(hash) }
                hash = SparseMerkleNode.pathBit(key, at: depth) ? right : left
            }
        }
        throw tooDeep(hash)
    }

    /// A proof of `key`'s value hash, or of its absence, under `root`.
    public func prove(root: Hash32, key: Hash32) throws -> SparseMerkleProof {
        var hash = root
        var siblings: [Hash32] = []
        for depth in 0...SparseMerkleNode.maxDepth {
            switch try load(hash) {
            case nil:
                return SparseMerkleProof(siblings: siblings, leaf: nil)
            case .leaf(let leaf):
                return SparseMerkleProof(siblings: siblings, leaf: leaf)
            case .inner(let left, let right):
                guard depth < SparseMerkleNode.maxDepth else { throw tooDeep(hash) }
                let goRight = SparseMerkleNode.pathBit(key, at: depth)
                siblings.append(goRight ? left : right)
                hash = goRight ? right : left
            }
        }
        throw tooDeep(hash)
    }

    /// Reads and checks a node; nil for the empty subtree.
    func load(_ hash: Hash32) throws -> SparseMerkleNode? {
        try Self.load(hash, from: store)
    }

    static func load(_ hash: Hash32, from store: Store) throws -> SparseMerkleNode? {
        if hash == .zero { return nil }
        guard let bytes = try store.node(hash) else { throw SparseMerkleError.missingNode(hash) }
        guard let node = SparseMerkleNode(bytes: bytes) else {
            throw SparseMerkleError.malformedNode(hash, reason: "not a 65-byte leaf or inner node encoding")
        }
        guard Hash32.sha256(bytes) == hash else {
            throw SparseMerkleError.malformedNode(hash, reason: "stored bytes hash to \(Hash32.sha256(bytes).hex)")
        }
        return node
    }

    private func tooDeep(_ hash: Hash32) -> SparseMerkleError {
        .malformedNode(hash, reason: "inner node below depth \(SparseMerkleNode.maxDepth)")
    }

    /// Sorts by key and keeps only the last change for each key.
    static func normalize(_ changes: [(key: Hash32, valueHash: Hash32?)]) -> [Change] {
        let ordered = changes.enumerated().sorted { a, b in
            a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
        }
        var result: [Change] = []
        result.reserveCapacity(ordered.count)
        for (_, change) in ordered {
            if let last = result.last, last.key == change.key { result.removeLast() }
            result.append(Change(key: change.key, valueHash: change.valueHash))
        }
        return result
    }

    struct Change: Sendable {
        let key: Hash32
        let valueHash: Hash32?
    }

    /// A subtree as the descent sees it: untouched ones are known only by hash until their kind
    /// matters (a lone leaf must move up when its sibling empties).
    enum Subtree: Sendable {
        case empty
        case leaf(SparseMerkleLeaf)
        case inner(Hash32)
        case stored(Hash32)

        /// An untouched empty child arrives as `.stored(.zero)`; compaction must see it as empty.
        var normalized: Subtree {
            if case .stored(let hash) = self, hash == .zero { return .empty }
            return self
        }

        var hash: Hash32 {
            switch self {
            case .empty: .zero
            case .leaf(let leaf): SparseMerkleNode.leafHash(key: leaf.key, valueHash: leaf.valueHash)
            case .inner(let hash), .stored(let hash): hash
            }
        }
    }

    /// An entry of a subtree being rebuilt; `isNew` marks leaves the update creates.
    struct Entry {
        let leaf: SparseMerkleLeaf
        let isNew: Bool
    }

    /// Carries the nodes created during one update. Only nodes that end up in the final tree are
    /// recorded: leaves are recorded once placed, inner nodes only when they survive compaction
    /// (an inner node always holds ≥ 2 entries, so nothing above can collapse it).
    struct Builder {
        let store: Store
        var emitted: [(hash: Hash32, bytes: [UInt8])] = []

        /// `apply`, with an inner node's two halves rebuilt concurrently down to `concurrentLevels`
        /// below `depth` while each half still holds enough changes to be worth a core.
        mutating func apply(to subtree: Subtree, depth: Int, changes: ArraySlice<Change>, concurrentLevels: Int) throws -> Subtree {
            guard concurrentLevels > 0, changes.count >= SparseMerkleTree.concurrentFrom, depth < SparseMerkleNode.maxDepth,
                  case .stored(let hash) = subtree, case .inner(let left, let right)? = try SparseMerkleTree.load(hash, from: store)
            else { return try apply(to: subtree, depth: depth, changes: changes) }
            let split = changes.partitioningIndex { SparseMerkleNode.pathBit($0.key, at: depth) }
            let newLeft: Subtree, newRight: Subtree
            if split == changes.startIndex || split == changes.endIndex {
                // Every change is on one side: descend it, still splitting further down.
                let goesRight = split == changes.startIndex
                let changed = try apply(to: .stored(goesRight ? right : left), depth: depth + 1, changes: changes, concurrentLevels: concurrentLevels)
                (newLeft, newRight) = goesRight ? (.stored(left), changed) : (changed, .stored(right))
            } else {
                let halves = [(left, changes[..<split]), (right, changes[split...])]
                let store = self.store
                let outcomes = HalfOutcomes<(Subtree, [(hash: Hash32, bytes: [UInt8])])>()
                DispatchQueue.concurrentPerform(iterations: 2) { side in
                    var half = Builder(store: store)
                    let (child, slice) = halves[side]
                    let result = Result { try half.apply(to: .stored(child), depth: depth + 1, changes: slice, concurrentLevels: concurrentLevels - 1) }
                    outcomes.set(side, result.map { ($0, half.emitted) })
                }
                let leftNodes: [(hash: Hash32, bytes: [UInt8])], rightNodes: [(hash: Hash32, bytes: [UInt8])]
                (newLeft, leftNodes) = try outcomes.get(0)
                (newRight, rightNodes) = try outcomes.get(1)
                emitted += leftNodes
                emitted += rightNodes
            }
            if newLeft.hash == left, newRight.hash == right { return .inner(hash) }
            return try combine(newLeft, newRight)
        }

        mutating func apply(to subtree: Subtree, depth: Int, changes: ArraySlice<Change>) throws -> Subtree {
            if changes.isEmpty { return subtree }
            let node: SparseMerkleNode?
            switch subtree {
            case .empty: node = nil
            case .leaf(let leaf): node = .leaf(leaf)
            case .inner(let hash), .stored(let hash): node = try SparseMerkleTree.load(hash, from: store)
            }
            switch node {
            case nil:
                return try build(depth: depth, entries: changes.compactMap { change in
                    change.valueHash.map { Entry(leaf: SparseMerkleLeaf(key: change.key, valueHash: $0), isNew: true) }
                }[...])
            case .leaf(let existing):
                var entries: [Entry] = []
                var existingPlaced = false
                for change in changes {
                    if !existingPlaced, existing.key <= change.key {
                        if existing.key != change.key { entries.append(Entry(leaf: existing, isNew: false)) }
                        existingPlaced = true
                    }
                    if let valueHash = change.valueHash {
                        let leaf = SparseMerkleLeaf(key: change.key, valueHash: valueHash)
                        entries.append(Entry(leaf: leaf, isNew: leaf != existing))
                    }
                }
                if !existingPlaced { entries.append(Entry(leaf: existing, isNew: false)) }
                return try build(depth: depth, entries: entries[...])
            case .inner(let left, let right):
                guard depth < SparseMerkleNode.maxDepth else {
                    throw SparseMerkleError.malformedNode(subtree.hash, reason: "inner node at depth \(depth)")
                }
                let split = changes.partitioningIndex { SparseMerkleNode.pathBit($0.key, at: depth) }
                let newLeft = try apply(to: .stored(left), depth: depth + 1, changes: changes[..<split])
                let newRight = try apply(to: .stored(right), depth: depth + 1, changes: changes[split...])
                if newLeft.hash == left, newRight.hash == right { return .inner(subtree.hash) }
                return try combine(newLeft, newRight)
            }
        }

        /// Builds the subtree holding exactly `entries` (sorted, distinct keys) below `depth`.
        mutating func build(depth: Int, entries: ArraySlice<Entry>) throws -> Subtree {
            switch entries.count {
            case 0:
                return .empty
            case 1:
                let entry = entries[entries.startIndex]
                if entry.isNew { emit(.leaf(entry.leaf)) }
                return .leaf(entry.leaf)
            default:
                // Distinct 256-bit keys always part before depth 256.
                precondition(depth < SparseMerkleNode.maxDepth, "distinct keys share all 256 bits")
                let split = entries.partitioningIndex { SparseMerkleNode.pathBit($0.leaf.key, at: depth) }
                return try combine(
                    build(depth: depth + 1, entries: entries[..<split]),
                    build(depth: depth + 1, entries: entries[split...]))
            }
        }

        /// Joins two sibling subtrees, applying the compaction rule: a leaf whose sibling is empty
        /// takes its parent's place.
        mutating func combine(_ left: Subtree, _ right: Subtree) throws -> Subtree {
            let left = left.normalized, right = right.normalized
            switch (try resolveLone(left, sibling: right), try resolveLone(right, sibling: left)) {
            case (.empty, .empty): return .empty
            case (.leaf(let leaf), .empty), (.empty, .leaf(let leaf)): return .leaf(leaf)
            case (let l, let r):
                let node = SparseMerkleNode.inner(left: l.hash, right: r.hash)
                let hash = emit(node)
                return .inner(hash)
            }
        }

        /// An untouched subtree's kind matters only when its sibling is empty; read it only then.
        private func resolveLone(_ subtree: Subtree, sibling: Subtree) throws -> Subtree {
            guard case .stored(let hash) = subtree, case .empty = sibling else { return subtree }
            switch try SparseMerkleTree.load(hash, from: store) {
            case nil: return .empty
            case .leaf(let leaf): return .leaf(leaf)
            case .inner: return .inner(hash)
            }
        }

        @discardableResult
        private mutating func emit(_ node: SparseMerkleNode) -> Hash32 {
            let bytes = node.bytes
            let hash = Hash32.sha256(bytes)
            emitted.append((hash: hash, bytes: bytes))
            return hash
        }
    }
}

/// The tree holds nothing but its store, which is Sendable.
extension SparseMerkleTree: Sendable {}

/// The two halves' results of a concurrent descent, each written by its own worker before either
/// is read (after `concurrentPerform` returns); two properties, so the writes never overlap.
private final class HalfOutcomes<Value>: @unchecked Sendable {
    private var left: Result<Value, any Error>?
    private var right: Result<Value, any Error>?

    func set(_ side: Int, _ result: Result<Value, any Error>) {
        if side == 0 { left = result } else { right = result }
    }

    func get(_ side: Int) throws -> Value { try (side == 0 ? left : right)!.get() }
}

extension ArraySlice {
    /// The first index whose element satisfies `belongsInSecondPartition`, assuming the slice is
    /// already partitioned (all `false` elements before all `true` ones) — a binary search.
    fileprivate func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Index {
        var low = startIndex
        var high = endIndex
        while low < high {
            let mid = low + (high - low) / 2
            if belongsInSecondPartition(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
