import CairnCore
import CairnCrypto
import CairnMempool
import CairnState
import CairnStorage
import Synchronization

/// A node's chain: its database, opened against the genesis it was created with.
public final class NodeChain: Sendable {
    public let database: ChainDatabase
    public let genesis: Genesis
    public let genesisHash: Hash32
    /// The runtime this binary runs this chain with.
    public let executor: BlockExecutor
    private let admissionCache = Mutex<BlockExecutor.Admission?>(nil)

    public enum Error: Swift.Error, CustomStringConvertible {
        case storage(StorageError)
        case genesisState(String)
        public var description: String {
            switch self {
            case .storage(let e): "\(e)"
            case .genesisState(let m): "cannot build the genesis state: \(m)"
            }
        }
    }

    /// Opens the chain in `directory`, writing genesis state on first use. A directory made from
    /// another genesis is refused.
    public init(directory: String, genesis: Genesis, runtime: Runtime = .standard) throws(Error) {
        do {
            database = try ChainDatabase(path: directory)
        } catch {
            throw .storage(error)
        }
        self.genesis = genesis
        self.genesisHash = genesis.hash
        self.executor = BlockExecutor(chainID: genesis.chainID, runtime: runtime)
        do {
            if let stored = try database.genesisHash() {
                guard stored == genesisHash else {
                    database.close()
                    throw StorageError.genesisMismatch(stored: stored, given: genesisHash)
                }
            } else {
                let state: (changes: [StateChange], tree: SparseMerkleUpdate)
                do { state = try StateCommitment.genesis(genesis, runtime: runtime) } catch {
                    throw Error.genesisState("\(error)")
                }
                let schedule = try ValidatorSchedule.genesis(genesis)
                try database.initialize(genesisHash: genesisHash, stateChanges: state.changes, treeUpdate: state.tree,
                                        firstValidatorSchedule: schedule.canonicalBytes)
            }
        } catch let e as StorageError {
            throw .storage(e)
        } catch let e as Error {
            throw e
        } catch {
            throw .genesisState("\(error)")
        }
    }

    public func tip() throws(StorageError) -> ChainTip {
        guard let tip = try database.tip() else { throw .notInitialized(path: database.path) }
        return tip
    }

    /// Time of the block at `height`; height 0 is the genesis time.
    public func blockTime(height: UInt64) throws(StorageError) -> UInt64 {
        if height == 0 { return genesis.genesisTime }
        guard let block = try database.block(height: height) else {
            throw .corrupt(what: "block at height \(height)", reason: "missing below the tip")
        }
        return block.header.time
    }

    /// Who votes at `height` (≥ 1, at most one above the tip) and at the next.
    public func validatorSchedule(height: UInt64) throws(StorageError) -> ValidatorSchedule {
        guard let raw = try database.validatorSchedule(height: height) else {
            throw .corrupt(what: "validator schedule of height \(height)", reason: "missing")
        }
        do { return try ValidatorSchedule(canonicalBytes: raw) } catch {
            throw .corrupt(what: "validator schedule of height \(height)", reason: "\(error)")
        }
    }

    /// Committed state, for reading.
    public func view(snapshot: LevelDB.Snapshot? = nil) -> StateView {
        StateView(SnapshotState(database: database, snapshot: snapshot))
    }

    /// The rules for the next block on top of committed state: what the mempool admits by and
    /// the proposer reaps by.
    public func admissionRules() throws -> AdmissionRules {
        let next = try tip().height + 1
        var overlay = StateOverlay(base: database)
        let rules = try executor.runtime.ruleSet(at: next, &overlay)
        return AdmissionRules(chainID: genesis.chainID, consensus: try rules.consensusParameters(&overlay), ruleSet: rules)
    }

    /// The mempool's stateful check of `vtx` on committed state, with the rules and parameters
    /// read once per height.
    public func admit(_ vtx: VerifiedTransaction) throws -> Amount {
        try executor.admit(vtx, try cachedAdmission(), state: database)
    }

    /// The rules and parameters of the next height, read once per height.
    private func cachedAdmission() throws -> BlockExecutor.Admission {
        let next = try tip().height + 1
        if let cached = admissionCache.withLock({ $0 }), cached.height == next { return cached }
        let admission = try executor.admission(nextHeight: next, state: database)
        admissionCache.withLock { $0 = admission }
        return admission
    }

    /// The protocol version of the next block.
    public func protocolVersion(snapshot: LevelDB.Snapshot? = nil) throws -> UInt64 {
        guard let tip = try database.tip(snapshot: snapshot) else { throw StorageError.notInitialized(path: database.path) }
        var overlay = StateOverlay(base: SnapshotState(database: database, snapshot: snapshot))
        return try Runtime.chainVersion(&overlay).version(at: tip.height + 1)
    }

    public func close() { database.close() }
}

/// Committed state as of one LevelDB snapshot (the latest state when nil).
struct SnapshotState: StateReader {
    let database: ChainDatabase
    let snapshot: LevelDB.Snapshot?

    func value(at key: StateKey) throws -> [UInt8]? { try database.entry(key, snapshot: snapshot) }
    func account(_ address: Address) throws -> Account { try database.account(address, snapshot: snapshot) }
}

extension SnapshotState: StateScanner {
    func entries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        try database.stateEntries(namespace: namespace, prefix: prefix, from: from, limit: limit, snapshot: snapshot)
    }

    func indexEntries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        try database.indexEntries(namespace: namespace, prefix: prefix, from: from, limit: limit, snapshot: snapshot)
    }
}

/// State as of an earlier height, read through that height's state root: each entry is found
/// by its proof's leaf and fetched by value hash (so only what the tree still references).
struct HistoricalState: StateReader {
    let database: ChainDatabase
    let root: Hash32

    func value(at key: StateKey) throws -> [UInt8]? {
        let proof = try SparseMerkleTree(store: database.treeNodes).prove(root: root, key: key.treeKey)
        guard let leaf = proof.leaf, leaf.key == key.treeKey else { return nil }
        guard let value = try database.stateValue(hash: leaf.valueHash) else {
            throw StorageError.corrupt(what: "state value \(leaf.valueHash)", reason: "missing below a stored root")
        }
        return value
    }

    func account(_ address: Address) throws -> Account {
        try value(at: .account(address)).map { try Account(canonicalBytes: $0) } ?? .empty
    }
}

extension NodeChain {
    /// A mempool over this chain: admission checks the committed account, the runtime's stateful
    /// rules and the rules in force after the latest commit.
    /// The attestation pool over this chain: decoding and recovery under the rules of the next
    /// height, the module's check on committed state.
    public func makeAttestationPool(limits: AttestationPoolLimits = AttestationPoolLimits()) -> AttestationPool {
        AttestationPool(limits: limits, verify: { [self] attestation in
            try cachedAdmission().rules.verifyAttestation(attestation, chainID: genesis.chainID)
        }, check: { [self] verified in
            let admission = try cachedAdmission()
            var overlay = StateOverlay(base: database)
            try admission.rules.admit(verified, context: executor.context(height: admission.height, proposer: .zero),
                                      parameters: admission.parameters, &overlay)
        })
    }

    public func makeMempool(limits: MempoolLimits = MempoolLimits()) throws -> Mempool {
        var pool = TransactionPool(limits: limits, rules: try admissionRules())
        pool.blockCommitted([], senderAccounts: [], height: try tip().height)
        let database = self.database
        return Mempool(pool: pool, state: database, isCommitted: { id in try database.committedHeight(of: id) },
                       admit: { [self] vtx in try admit(vtx) })
    }
}
