import CairnCore
import CairnCrypto
import CairnState
import CairnStorage
import Foundation
import Testing

/// The state machine against Specs/vectors/genesis.json and execution.json, whose roots were
/// computed by an independent model of the specs (Tests/CairnCoreTests/VectorGenerator.swift).
@Suite("Execution vectors")
struct ExecutionVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Specs/vectors")

    struct StateEntry: Decodable, Equatable { var namespace: Int; var key: String; var encoding: String }

    struct GenesisVectors: Decodable {
        struct Entry: Decodable { var json: String; var hash: String; var stateEntries: [StateEntry]; var stateRoot: String }
        var vectors: [Entry]
    }

    struct Execution: Decodable {
        struct AccountEntry: Decodable { var address: String; var balance: String; var nonce: String }
        var genesisJson: String
        var genesisStateRoot: String
        var proposer: String
        var transactions: [String]
        var transactionsRoot: String
        var feesPaid: [String]
        var changedAccounts: [AccountEntry]
        var changedStakingEntries: [StateEntry]
        var rewardPot: String
        var stateRoot: String
    }

    static func form(_ change: StateChange) -> StateEntry {
        StateEntry(namespace: Int(change.key.namespace), key: Hex.prefixed(change.key.key),
                   encoding: change.value.map(Hex.prefixed) ?? "deleted")
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test func genesisStateRoots() throws {
        for v in try Self.load("genesis.json", as: GenesisVectors.self).vectors {
            let g = try GenesisFile.parse(Array(v.json.utf8))
            #expect(g.hash.hex == v.hash)
            let (changes, tree) = try StateCommitment.genesis(g)
            // The node writes exactly the entries the spec model lists (accounts and staking records).
            #expect(changes.map(Self.form) == v.stateEntries)
            #expect(tree.root.hex == v.stateRoot)
        }
    }

    @Test func blockExecution() throws {
        let v = try Self.load("execution.json", as: Execution.self)
        let genesis = try GenesisFile.parse(Array(v.genesisJson.utf8))
        let executor = BlockExecutor(chainID: genesis.chainID)
        let proposer = try Address(hex: v.proposer)
        let txs = try v.transactions.map { try VerifiedTransaction(Transaction.decode(Hex.decode($0))) }
        try withChain(genesis) { db in
            let parent = try #require(try db.tip())
            #expect(parent.stateRoot.hex == v.genesisStateRoot)
            let outcome = try executor.execute(txs, proposer: proposer, state: db)
            #expect((try outcome.changedAccounts()).map(\.address.checksummed) == v.changedAccounts.map(\.address))
            #expect((try outcome.changedAccounts()).map { String($0.account.balance) } == v.changedAccounts.map(\.balance))
            #expect((try outcome.changedAccounts()).map { String($0.account.nonce) } == v.changedAccounts.map(\.nonce))
            #expect(outcome.results.map { String($0.feePaid) } == v.feesPaid)
            // Everything else the block wrote: the staking globals, whose pot holds the fees.
            #expect(outcome.changes.filter { $0.key.namespace != StateKey.accountNamespace }.map(Self.form) == v.changedStakingEntries)
            #expect(String(try outcome.feesCollected(over: db)) == v.rewardPot)
            let root = try StateCommitment.update(root: parent.stateRoot, changes: outcome.changes, nodes: db.treeNodes).root
            #expect(root.hex == v.stateRoot)
            // The proposer's builder includes all of them and fills the same roots into the header.
            let built = try BlockBuilder(executor: executor)
                .build(parent: parent, time: genesis.genesisTime + 1, proposer: proposer, candidates: txs, database: db)
            #expect(built.skipped.isEmpty)
            #expect(built.block.header.transactionsRoot.hex == v.transactionsRoot)
            #expect(built.block.header.stateRoot.hex == v.stateRoot)
        }
    }
}
