import CairnCore
import CairnCrypto
import Synchronization

/// A node's persistent chain: blocks, commits, the transaction index and authenticated state,
/// over one LevelDB. Every block goes in with one synced write batch, so a crash leaves either
/// all of a block or none of it.
public final class ChainDatabase: Sendable {
    public let db: LevelDB
    public let path: String
    /// The tip as this process last wrote it (only this process writes the database), so the
    /// hot paths that ask for it (every mempool admission) read no LevelDB entry.
    private let latestTip = Mutex<ChainTip?>(nil)
    private let nodeCache = TreeNodeCache()

    /// A block with a thousand attestations writes ~7 MiB; a 32 MiB write buffer gathers several
    /// blocks per level-0 table instead of flushing one table per block (bench attestations:
    /// ~15 % more receipts per CPU-second than the 4 MiB default).
    public static let defaultOptions = LevelDB.Options(writeBufferBytes: 32 << 20, blockCacheBytes: 64 << 20, bloomFilterBitsPerKey: 10)

    public init(path: String, options: LevelDB.Options = ChainDatabase.defaultOptions) throws(StorageError) {
        let opened: LevelDB
        do { opened = try LevelDB(path: path, options: options) } catch { throw .leveldb(error) }
        do throws(StorageError) { try Self.checkLayout(opened, path: path) } catch {
            opened.close()
            throw error
        }
        db = opened
        self.path = path
    }

    /// Refuses a chain whose tip block sits where earlier builds kept blocks (`'b'` ‖ id).
    private static func checkLayout(_ db: LevelDB, path: String) throws(StorageError) {
        func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
            do { return try db.get(key) } catch { throw .leveldb(error) }
        }
        guard let raw = try get(StorageKeys.tip) else { return }
        let tip: ChainTip
        do { tip = try ChainTip(canonicalBytes: raw) } catch { throw .corrupt(what: "chain tip", reason: "\(error)") }
        if tip.height > 0, try get(StorageKeys.block(height: tip.height)) == nil, try get(StorageKeys.blockByID(tip.blockID)) != nil {
            throw .olderLayout(path: path)
        }
    }

    public func close() { db.close() }

    // MARK: Reads

    public func genesisHash() throws(StorageError) -> Hash32? {
        guard let raw = try get(StorageKeys.genesisHash) else { return nil }
        guard let h = Hash32(bytes: raw) else { throw .corrupt(what: "genesis hash", reason: "\(raw.count) bytes") }
        return h
    }

    public func tip(snapshot: LevelDB.Snapshot? = nil) throws(StorageError) -> ChainTip? {
        if snapshot == nil, let tip = latestTip.withLock({ $0 }) { return tip }
        return try decode(ChainTip.self, StorageKeys.tip, "chain tip", snapshot: snapshot)
    }

    /// A point-in-time view for reads that must agree with each other (a tip and an account).
    public func snapshot() throws(StorageError) -> LevelDB.Snapshot {
        do { return try db.snapshot() } catch { throw .leveldb(error) }
    }

    public func blockID(height: UInt64) throws(StorageError) -> Hash32? {
        guard let raw = try get(StorageKeys.blockID(height: height)) else { return nil }
        guard let h = Hash32(bytes: raw) else { throw .corrupt(what: "block id of height \(height)", reason: "length") }
        return h
    }

    public func block(id: Hash32) throws(StorageError) -> Block? {
        guard let raw = try get(StorageKeys.blockHeight(id: id)) else { return nil }
        guard let height = UInt64(bigEndianBytes: raw) else { throw .corrupt(what: "height of block \(id)", reason: "\(raw.count) bytes") }
        return try block(height: height)
    }

    public func block(height: UInt64) throws(StorageError) -> Block? {
        try decode(Block.self, StorageKeys.block(height: height), "block of height \(height)")
    }

    public func commit(height: UInt64) throws(StorageError) -> Commit? {
        try decode(Commit.self, StorageKeys.commit(height: height), "commit of height \(height)")
    }

    public func stateRoot(height: UInt64) throws(StorageError) -> Hash32? {
        guard let raw = try get(StorageKeys.stateRoot(height: height)) else { return nil }
        guard let h = Hash32(bytes: raw) else { throw .corrupt(what: "state root of height \(height)", reason: "length") }
        return h
    }

    /// The node's validator schedule record for `height` (who votes, with proposer priorities),
    /// written with the block before it; height 1's is written at initialisation.
    public func validatorSchedule(height: UInt64) throws(StorageError) -> [UInt8]? {
        try get(StorageKeys.validatorSchedule(height: height))
    }

    /// The senders of a block's transactions, in block order: recovered once at admission and
    /// kept, so serving a block or a transaction never recovers a signature again.
    public func senders(height: UInt64) throws(StorageError) -> [Address]? {
        try decode(SenderList.self, StorageKeys.senders(height: height), "senders of height \(height)")?.addresses
    }

    /// The events of a committed block's begin and end steps.
    public func blockResults(height: UInt64) throws(StorageError) -> BlockResults? {
        try decode(BlockResults.self, StorageKeys.blockResults(height: height), "results of height \(height)")
    }

    public func transactionLocation(id: Hash32) throws(StorageError) -> TransactionLocation? {
        try decode(TransactionLocation.self, StorageKeys.transaction(id: id), "index entry of transaction \(id)")
    }

    /// The height a transaction was committed at, or nil.
    public func committedHeight(of id: Hash32) throws(StorageError) -> UInt64? {
        try transactionLocation(id: id)?.height
    }

    /// The latest committed value of a state entry (the flat table, not the tree: one read).
    public func entry(_ key: StateKey, snapshot: LevelDB.Snapshot? = nil) throws(StorageError) -> [UInt8]? {
        try get(StorageKeys.stateEntry(key), snapshot: snapshot)
    }

    /// Latest committed entries of `namespace` under `prefix` from the key `from` (inclusive),
    /// in key order: keys without the namespace byte.
    public func stateEntries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int,
                             snapshot: LevelDB.Snapshot? = nil) throws(StorageError) -> [(key: [UInt8], value: [UInt8])] {
        try entries(under: StorageKeys.stateEntry(StateKey(namespace: namespace, key: [])), prefix: prefix, from: from, limit: limit, snapshot: snapshot)
    }

    /// The node index's entries of `namespace` under `prefix`, as `stateEntries` lists state.
    public func indexEntries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int,
                             snapshot: LevelDB.Snapshot? = nil) throws(StorageError) -> [(key: [UInt8], value: [UInt8])] {
        try entries(under: StorageKeys.indexEntry(StateKey(namespace: namespace, key: [])), prefix: prefix, from: from, limit: limit, snapshot: snapshot)
    }

    private func entries(under root: [UInt8], prefix: [UInt8], from: [UInt8]?, limit: Int,
                         snapshot: LevelDB.Snapshot?) throws(StorageError) -> [(key: [UInt8], value: [UInt8])] {
        let start = from.map { root + $0 }
        do {
            return try db.entries(prefix: root + prefix, from: start, limit: limit, snapshot: snapshot)
                .map { (key: Array($0.key.dropFirst(root.count)), value: $0.value) }
        } catch {
            throw .leveldb(error)
        }
    }

    /// The latest committed entry decoded as `type`; nil when absent.
    public func entry<T: CanonicalDecodable>(_ type: T.Type, _ key: StateKey,
                                             snapshot: LevelDB.Snapshot? = nil) throws(StorageError) -> T? {
        try decode(type, StorageKeys.stateEntry(key), "state entry \(key)", snapshot: snapshot)
    }

    public func account(_ address: Address) throws(StorageError) -> Account {
        try account(address, snapshot: nil)
    }

    public func account(_ address: Address, snapshot: LevelDB.Snapshot?) throws(StorageError) -> Account {
        try entry(Account.self, .account(address), snapshot: snapshot) ?? .empty
    }

    /// An entry's encoding by its leaf value hash, for reading historical state through a proof.
    public func stateValue(hash: Hash32) throws(StorageError) -> [UInt8]? {
        try get(StorageKeys.treeValue(hash))
    }

    /// The tree nodes, as the sparse Merkle tree reads them.
    public var treeNodes: TreeNodeReader { TreeNodeReader(db: db, cache: nodeCache) }

    public struct TreeNodeReader: SparseMerkleNodeStore, Sendable {
        let db: LevelDB
        let cache: TreeNodeCache

        public func node(_ hash: Hash32) throws -> [UInt8]? {
            if let cached = cache.node(hash) { return cached }
            guard let bytes = try db.get(StorageKeys.treeNode(hash)) else { return nil }
            cache.insert(CollectionOfOne((hash, bytes)))
            return bytes
        }
    }

    // MARK: Writes

    /// Writes genesis state at height 0. Fails if the directory already holds a chain.
    public func initialize(genesisHash: Hash32, stateChanges: [StateChange],
                           treeUpdate: SparseMerkleUpdate, firstValidatorSchedule: [UInt8]) throws(StorageError) {
        if try self.genesisHash() != nil { throw .alreadyInitialized(path: path) }
        var batch = WriteBatch()
        batch.put(StorageKeys.genesisHash, genesisHash.bytes)
        Self.addState(stateChanges, treeUpdate: treeUpdate, to: &batch)
        batch.put(StorageKeys.stateRoot(height: 0), treeUpdate.root.bytes)
        batch.put(StorageKeys.validatorSchedule(height: 1), firstValidatorSchedule)
        let tip = ChainTip(height: 0, blockID: genesisHash, stateRoot: treeUpdate.root, seed: BlockSeed.genesis(genesisHash: genesisHash))
        batch.put(StorageKeys.tip, tip.canonicalBytes)
        try write(batch)
        latestTip.withLock { $0 = tip }
    }

    /// Commits one block and all it changes atomically, with an fsync.
    public func commit(_ write: BlockWrite) throws(StorageError) {
        let header = write.block.header
        guard let current = try tip() else { throw .notInitialized(path: path) }
        guard header.height == current.height + 1 else {
            throw .notNextHeight(tip: current.height, got: header.height)
        }
        guard header.previousBlockID == current.blockID else {
            throw .inconsistentBlock("its previous block id \(header.previousBlockID) is not the tip \(current.blockID)")
        }
        guard write.treeUpdate.root == header.stateRoot else {
            throw .inconsistentBlock("its state root \(header.stateRoot) is not the root of its state changes \(write.treeUpdate.root)")
        }
        let id = header.id
        var batch = WriteBatch()
        batch.put(StorageKeys.blockHeight(id: id), header.height.bigEndianBytes)
        batch.put(StorageKeys.blockID(height: header.height), id.bytes)
        batch.put(StorageKeys.commit(height: header.height), write.commit.canonicalBytes)
        batch.put(StorageKeys.stateRoot(height: header.height), header.stateRoot.bytes)
        let count = write.block.transactions.count
        guard write.transactionIDs.count == count, write.senders.count == count, write.results.count == count else {
            throw .inconsistentBlock("it has \(count) transactions but \(write.transactionIDs.count) ids, \(write.senders.count) senders and \(write.results.count) results")
        }
        for index in 0..<count {
            let location = TransactionLocation(height: header.height, index: UInt64(index), result: write.results[index])
            batch.put(StorageKeys.transaction(id: write.transactionIDs[index]), location.canonicalBytes)
        }
        batch.put(StorageKeys.senders(height: header.height), SenderList(addresses: write.senders).canonicalBytes)
        batch.put(StorageKeys.blockResults(height: header.height), write.blockResults.canonicalBytes)
        batch.put(StorageKeys.validatorSchedule(height: header.height + 1), write.nextValidatorSchedule)
        Self.addState(write.stateChanges, treeUpdate: write.treeUpdate, to: &batch)
        for entry in write.indexEntries {
            if let value = entry.value { batch.put(StorageKeys.indexEntry(entry.key), value) } else { batch.delete(StorageKeys.indexEntry(entry.key)) }
        }
        // The block last: LevelDB's batch grows by doubling, and megabytes of block copied after the
        // small entries are copied once, not again at the next growth.
        batch.put(StorageKeys.block(height: header.height), write.encodedBlock ?? write.block.canonicalBytes)
        let tip = ChainTip(height: header.height, blockID: id, stateRoot: header.stateRoot, seed: header.seal.seed)
        batch.put(StorageKeys.tip, tip.canonicalBytes)
        try self.write(batch)
        latestTip.withLock { $0 = tip }
        nodeCache.insert(write.treeUpdate.newNodes)
    }

    private static func addState(_ changes: [StateChange], treeUpdate: SparseMerkleUpdate, to batch: inout WriteBatch) {
        for change in changes {
            if let encoded = change.value {
                batch.put(StorageKeys.stateEntry(change.key), encoded)
                batch.put(StorageKeys.treeValue(StateKey.valueHash(encoded: encoded)), encoded)
            } else {
                batch.delete(StorageKeys.stateEntry(change.key))
            }
        }
        for node in treeUpdate.newNodes {
            batch.put(StorageKeys.treeNode(node.hash), node.bytes)
        }
    }

    // MARK: Helpers

    private func write(_ batch: WriteBatch) throws(StorageError) {
        do { try db.write(batch, sync: true) } catch { throw .leveldb(error) }
    }

    private func get(_ key: [UInt8], snapshot: LevelDB.Snapshot? = nil) throws(StorageError) -> [UInt8]? {
        do { return try db.get(key, snapshot: snapshot) } catch { throw .leveldb(error) }
    }

    private func decode<T: CanonicalDecodable>(_ type: T.Type, _ key: [UInt8], _ what: String,
                                               snapshot: LevelDB.Snapshot? = nil) throws(StorageError) -> T? {
        guard let raw = try get(key, snapshot: snapshot) else { return nil }
        do { return try T(canonicalBytes: raw) } catch { throw .corrupt(what: what, reason: "\(error)") }
    }
}

/// A block's senders as stored: a list of 20-byte addresses.
struct SenderList: CanonicalCodable {
    var addresses: [Address]

    init(addresses: [Address]) { self.addresses = addresses }

    func encode(to writer: inout CanonicalWriter) { writer.write(list: addresses) }

    init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        addresses = try reader.readList("senders", limit: Block.maxTransactions)
    }
}
