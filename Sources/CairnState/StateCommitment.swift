import CairnCore
import CairnCrypto
import CairnStorage

/// Folds account changes into the state tree. Cost ∝ changed accounts × log(accounts).
public enum StateCommitment {
    public static func update<Store: SparseMerkleNodeStore>(
        root: Hash32, changes: [(address: Address, account: Account)], nodes: Store
    ) throws -> SparseMerkleUpdate {
        let tree = SparseMerkleTree(store: nodes)
        return try tree.update(root: root, changes: changes.map {
            (key: StateKeys.account($0.address), valueHash: StateKeys.valueHash($0.account))
        })
    }

    /// Genesis state: every allocation, committed into an empty tree.
    public static func genesis(_ genesis: Genesis) throws -> (accounts: [(address: Address, account: Account)], tree: SparseMerkleUpdate) {
        let accounts = genesis.allocations.map { (address: $0.address, account: Account(balance: $0.balance, nonce: 0)) }
        let tree = try update(root: .zero, changes: accounts, nodes: InMemorySparseMerkleNodeStore())
        return (accounts, tree)
    }
}

extension ChainDatabase: AccountReader {}
