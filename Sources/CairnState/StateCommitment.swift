import CairnCore
import CairnCrypto
import CairnStorage

/// Folds state changes into the state tree. Cost ∝ changed entries × log(entries).
public enum StateCommitment {
    public static func update<Store: SparseMerkleNodeStore>(
        root: Hash32, changes: [StateChange], nodes: Store
    ) throws -> SparseMerkleUpdate {
        let tree = SparseMerkleTree(store: nodes)
        return try tree.update(root: root, changes: changes.map {
            (key: $0.key.treeKey, valueHash: $0.value.map(StateKey.valueHash(encoded:)))
        })
    }

    /// Genesis state (Specs/runtime.md §9), committed into an empty tree.
    public static func genesis(_ genesis: Genesis, runtime: Runtime = .standard) throws -> (changes: [StateChange], tree: SparseMerkleUpdate) {
        guard let rules = runtime.ruleSet(version: genesis.protocolVersion) else {
            throw RuntimeError.unsupportedVersion(genesis.protocolVersion, supported: runtime.supportedVersions, plan: nil)
        }
        let changes = try rules.genesisChanges(genesis)
        let tree = try update(root: .zero, changes: changes, nodes: InMemorySparseMerkleNodeStore())
        return (changes, tree)
    }
}
