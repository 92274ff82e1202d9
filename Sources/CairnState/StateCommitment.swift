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

    /// Genesis state: every allocation, committed into an empty tree.
    public static func genesis(_ genesis: Genesis) throws -> (changes: [StateChange], tree: SparseMerkleUpdate) {
        let accounts = genesis.allocations.map {
            StateChange(key: .account($0.address), value: Account(balance: $0.balance, nonce: 0).canonicalBytes)
        }
        // The genesis validators' records, self-delegations and the staking globals (Specs/staking.md §9).
        let changes = (accounts + (try Staking.genesisChanges(genesis))).sorted { $0.key < $1.key }
        let tree = try update(root: .zero, changes: changes, nodes: InMemorySparseMerkleNodeStore())
        return (changes, tree)
    }
}
