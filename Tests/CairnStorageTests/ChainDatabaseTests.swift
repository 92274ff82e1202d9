import CairnCore
import CairnCrypto
import Foundation
import Testing
@testable import CairnStorage

/// The chain database: genesis initialisation, block commits, reads, reopening and historical proofs.
/// Blocks are assembled here by hand (this target cannot see CairnState); the database checks only
/// heights, so the transfers below are applied without validity rules.
@Suite("ChainDatabase")
struct ChainDatabaseTests {
    static let keys: [PrivateKey] = (1...4).map { try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [UInt8($0)]) }
    static let alice = keys[0].address, bob = keys[1].address, carol = keys[2].address, proposer = keys[3].address
    static let genesisHash = Hash32.sha256(Array("test genesis".utf8))
    static let genesisAccounts: [(address: Address, account: Account)] =
        [(alice, Account(balance: 1_000, nonce: 0)), (bob, Account(balance: 500, nonce: 0))].sorted { $0.0 < $1.0 }

    /// A fresh directory, removed afterwards.
    static func withDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-chaindb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    /// Opens a database at `path` and writes the genesis state.
    static func initialized(_ path: String) throws -> ChainDatabase {
        let db = try ChainDatabase(path: path)
        let tree = try SparseMerkleTree(store: InMemorySparseMerkleNodeStore()).update(root: .zero, changes: genesisAccounts.map {
            (key: StateKey.account($0.address).treeKey, valueHash: StateKey.valueHash(encoded: $0.account.canonicalBytes))
        })
        try db.initialize(genesisHash: genesisHash, stateChanges: stateChanges(genesisAccounts), treeUpdate: tree, firstValidatorSchedule: [1])
        return db
    }

    /// The next block on the tip: each transfer moves `amount` and pays `fee` to the proposer.
    static func nextBlock(_ db: ChainDatabase, _ transfers: [(from: PrivateKey, to: Address, amount: Amount)],
                          fee: Amount = 1, heightOverride: UInt64? = nil) throws -> BlockWrite {
        let tip = try #require(try db.tip())
        var touched: [Address: Account] = [:]
        func get(_ a: Address) throws -> Account { try touched[a] ?? db.account(a) }
        var txs: [Transaction] = []
        for t in transfers {
            var sender = try get(t.from.address)
            let tx = UnsignedTransaction(chainID: "cairn-test", nonce: sender.nonce, fee: fee,
                                         operation: Operation(tag: 0) { w in  // storage keeps operations opaque
                                             w.write(address: t.to)
                                             w.write(varint: t.amount)
                                         }).signed(with: t.from)
            sender.balance -= t.amount + fee
            sender.nonce += 1
            touched[t.from.address] = sender
            var to = try get(t.to)
            to.balance += t.amount
            touched[t.to] = to
            var p = try get(proposer)
            p.balance += fee
            touched[proposer] = p
            txs.append(tx)
        }
        let accounts = touched.keys.sorted().map { (address: $0, account: touched[$0]!) }
        let update = try SparseMerkleTree(store: db.treeNodes).update(root: tip.stateRoot, changes: accounts.map {
            (key: StateKey.account($0.address).treeKey, valueHash: StateKey.valueHash(encoded: $0.account.canonicalBytes))
        })
        let ids = txs.map(\.id)
        let height = heightOverride ?? tip.height + 1
        let header = BlockHeader(chainID: "cairn-test", height: height, time: 1_000 + height, previousBlockID: tip.blockID,
                                 transactionsRoot: MerkleRoot.of(ids), attestationsRoot: MerkleRoot.of([]),
                                 stateRoot: update.root, validatorsHash: .zero, nextValidatorsHash: .zero,
                                 lastCommitHash: .zero, evidenceRoot: .zero, proposer: proposer,
                                 seal: Self.keys[0].seal(previousSeed: tip.seed, height: height), protocolVersion: 1)
        return BlockWrite(block: Block(header: header, transactions: txs),
                          commit: Commit(height: height, round: 0, blockID: header.id, signatures: []),
                          transactionIDs: ids, senders: try txs.map { try $0.recoverSender() },
                          results: txs.map { TransactionResult(feePaid: $0.fee) },
                          stateChanges: stateChanges(accounts), treeUpdate: update,
                          nextValidatorSchedule: [UInt8(height + 1)])
    }

    static func stateChanges(_ accounts: [(address: Address, account: Account)]) -> [StateChange] {
        accounts.map { StateChange(key: .account($0.address), value: $0.account.canonicalBytes) }
    }

    @Test func initializeWritesHeightZero() throws {
        try Self.withDirectory { path in
            let db = try Self.initialized(path)
            defer { db.close() }
            #expect(try db.genesisHash() == Self.genesisHash)
            let tip = try #require(try db.tip())
            #expect(tip.height == 0 && tip.blockID == Self.genesisHash)
            #expect(try db.stateRoot(height: 0) == tip.stateRoot)
            #expect(try db.account(Self.alice) == Account(balance: 1_000, nonce: 0))
            #expect(try db.account(Self.carol) == .empty)
            #expect(try db.block(height: 0) == nil && db.blockID(height: 1) == nil && db.commit(height: 1) == nil)
        }
    }

    @Test func secondInitializeFailsAndChangesNothing() throws {
        try Self.withDirectory { path in
            let db = try Self.initialized(path)
            defer { db.close() }
            let before = try db.tip()
            let other = SparseMerkleUpdate(root: Hash32.sha256([9]), newNodes: [])
            let error = #expect(throws: StorageError.self) {
                try db.initialize(genesisHash: .zero, stateChanges: Self.stateChanges([(Self.carol, Account(balance: 1, nonce: 0))]), treeUpdate: other, firstValidatorSchedule: [1])
            }
            guard case .alreadyInitialized? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(error?.description == "\(path) already holds a chain")
            #expect(try db.tip() == before)
            #expect(try db.genesisHash() == Self.genesisHash)
            #expect(try db.account(Self.carol) == .empty)
        }
    }

    @Test func commitStoresTheBlockAndEverythingItChanges() throws {
        try Self.withDirectory { path in
            let db = try Self.initialized(path)
            defer { db.close() }
            let write = try Self.nextBlock(db, [(Self.keys[0], Self.carol, 100), (Self.keys[1], Self.alice, 50)])
            try db.commit(write)
            let id = write.block.id
            #expect(try db.tip() == ChainTip(height: 1, blockID: id, stateRoot: write.block.header.stateRoot,
                                             seed: write.block.header.seal.seed))
            #expect(try db.blockID(height: 1) == id)
            #expect(try db.block(id: id) == write.block)
            #expect(try db.block(height: 1) == write.block)
            #expect(try db.commit(height: 1) == write.commit)
            #expect(try db.stateRoot(height: 1) == write.block.header.stateRoot)
            #expect(try db.account(Self.alice) == Account(balance: 949, nonce: 1))
            #expect(try db.account(Self.bob) == Account(balance: 449, nonce: 1))
            #expect(try db.account(Self.carol) == Account(balance: 100, nonce: 0))
            #expect(try db.account(Self.proposer) == Account(balance: 2, nonce: 0))
            for (index, txID) in write.transactionIDs.enumerated() {
                #expect(try db.transactionLocation(id: txID)
                        == TransactionLocation(height: 1, index: UInt64(index), result: TransactionResult(feePaid: 1)))
            }
            #expect(try db.transactionLocation(id: .zero) == nil)
            #expect(try db.senders(height: 1) == write.senders)
            #expect(try db.senders(height: 2) == nil)
            // As the mempool calls it: through a closure that erases the typed throw.
            let isCommitted: @Sendable (Hash32) throws -> UInt64? = { id in try db.committedHeight(of: id) }
            #expect(try isCommitted(.zero) == nil)
            #expect(try isCommitted(write.transactionIDs[0]) == 1)
            let carolValue = StateKey.valueHash(encoded: Account(balance: 100, nonce: 0).canonicalBytes)
            #expect(try db.stateValue(hash: carolValue) == Account(balance: 100, nonce: 0).canonicalBytes)
        }
    }

    @Test func reopeningGivesTheSameChain() throws {
        try Self.withDirectory { path in
            var tip: ChainTip?
            do {
                let db = try Self.initialized(path)
                try db.commit(try Self.nextBlock(db, [(Self.keys[0], Self.bob, 7)]))
                try db.commit(try Self.nextBlock(db, []))
                tip = try db.tip()
                db.close()
            }
            let db = try ChainDatabase(path: path)
            defer { db.close() }
            #expect(try db.tip() == tip)
            #expect(tip?.height == 2)
            #expect(try db.genesisHash() == Self.genesisHash)
            #expect(try db.account(Self.bob) == Account(balance: 507, nonce: 0))
            #expect(try db.block(height: 2)?.header.previousBlockID == db.blockID(height: 1))
            #expect(try db.block(height: 1)?.header.previousBlockID == Self.genesisHash)
        }
    }

    @Test func aDirectoryWithBlocksKeyedByIdIsRefusedWithTheReason() throws {
        try Self.withDirectory { path in
            do {
                let db = try Self.initialized(path)
                let write = try Self.nextBlock(db, [(Self.keys[0], Self.bob, 7)])
                try db.commit(write)
                // What an earlier build wrote: the block under 'b' ‖ id, nothing under 'B' ‖ height.
                try db.db.put([UInt8(ascii: "b")] + write.block.id.bytes, write.block.canonicalBytes)
                try db.db.delete([UInt8(ascii: "B")] + UInt64(1).bigEndianBytes)
                db.close()
            }
            let error = #expect(throws: StorageError.self) { _ = try ChainDatabase(path: path) }
            guard case .olderLayout(let reported)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(reported == path)
        }
    }

    @Test func commitOfTheWrongHeightFailsAndChangesNothing() throws {
        try Self.withDirectory { path in
            let db = try Self.initialized(path)
            defer { db.close() }
            try db.commit(try Self.nextBlock(db, []))
            let tip = try db.tip()
            for height: UInt64 in [1, 3, 0] {
                let write = try Self.nextBlock(db, [(Self.keys[0], Self.carol, 5)], heightOverride: height)
                let error = #expect(throws: StorageError.self) { try db.commit(write) }
                guard case .notNextHeight(let t, let got)? = error else { Issue.record("got \(String(describing: error))"); return }
                #expect(t == 1 && got == height)
                #expect(try db.block(id: write.block.id) == nil)
                #expect(try db.transactionLocation(id: write.transactionIDs[0]) == nil)
            }
            #expect(try db.tip() == tip)
            #expect(try db.account(Self.carol) == .empty)
            #expect(try db.blockID(height: 3) == nil)
        }
    }

    @Test func commitBeforeInitializeFails() throws {
        try Self.withDirectory { path in
            let db = try ChainDatabase(path: path)
            defer { db.close() }
            let header = BlockHeader(chainID: "c", height: 1, time: 1, previousBlockID: .zero, transactionsRoot: .zero,
                                     attestationsRoot: .zero, stateRoot: .zero, validatorsHash: .zero, nextValidatorsHash: .zero,
                                     lastCommitHash: .zero, evidenceRoot: .zero, proposer: .zero,
                                     seal: Self.keys[0].seal(previousSeed: .zero, height: 1), protocolVersion: 1)
            let write = BlockWrite(block: Block(header: header, transactions: []),
                                   commit: Commit(height: 1, round: 0, blockID: header.id, signatures: []),
                                   transactionIDs: [], senders: [], results: [], stateChanges: [],
                                   treeUpdate: SparseMerkleUpdate(root: .zero, newNodes: []), nextValidatorSchedule: [])
            #expect(throws: StorageError.self) { try db.commit(write) }
            #expect(try db.tip() == nil)
            #expect(try db.genesisHash() == nil)
        }
    }

    @Test func stateProofsVerifyAgainstStoredRootsAtEveryHeight() throws {
        try Self.withDirectory { path in
            let db = try Self.initialized(path)
            defer { db.close() }
            try db.commit(try Self.nextBlock(db, [(Self.keys[0], Self.carol, 100)]))
            try db.commit(try Self.nextBlock(db, [(Self.keys[2], Self.bob, 30)]))
            try db.commit(try Self.nextBlock(db, [(Self.keys[0], Self.carol, 1)]))
            let tree = SparseMerkleTree(store: db.treeNodes)
            // What each account held at each height (fee 1 per transaction, to the proposer).
            let expected: [UInt64: [Address: Account?]] = [
                0: [Self.alice: Account(balance: 1_000, nonce: 0), Self.carol: nil, Self.proposer: nil],
                1: [Self.alice: Account(balance: 899, nonce: 1), Self.carol: Account(balance: 100, nonce: 0),
                    Self.proposer: Account(balance: 1, nonce: 0)],
                2: [Self.carol: Account(balance: 69, nonce: 1), Self.bob: Account(balance: 530, nonce: 0)],
                3: [Self.alice: Account(balance: 897, nonce: 2), Self.carol: Account(balance: 70, nonce: 1),
                    Self.proposer: Account(balance: 3, nonce: 0)],
            ]
            for (height, accounts) in expected.sorted(by: { $0.key < $1.key }) {
                let root = try #require(try db.stateRoot(height: height))
                for (address, account) in accounts {
                    let key = StateKey.account(address).treeKey
                    let proof = try tree.prove(root: root, key: key)
                    let valueHash = account.map { StateKey.valueHash(encoded: $0.canonicalBytes) }
                    #expect(proof.verify(root: root, key: key, valueHash: valueHash), "\(address) at height \(height)")
                    #expect(try tree.get(root: root, key: key) == valueHash)
                    if let valueHash {
                        // The value behind a historical leaf is readable by its hash.
                        #expect(try db.stateValue(hash: valueHash) == account?.canonicalBytes)
                        // And a proof never verifies a different value or another height's root.
                        #expect(!proof.verify(root: root, key: key, valueHash: Hash32.sha256([0])))
                    }
                }
            }
            #expect(try db.stateRoot(height: 4) == nil)
        }
    }
}
