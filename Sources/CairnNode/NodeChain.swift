import CairnCore
import CairnCrypto
import CairnState
import CairnStorage

/// A node's chain: its database, opened against the genesis it was created with.
public final class NodeChain: Sendable {
    public let database: ChainDatabase
    public let genesis: Genesis
    public let genesisHash: Hash32
    public let rules: TransactionRules

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
    public init(directory: String, genesis: Genesis) throws(Error) {
        do {
            database = try ChainDatabase(path: directory)
        } catch {
            throw .storage(error)
        }
        self.genesis = genesis
        self.genesisHash = genesis.hash
        self.rules = TransactionRules(chainID: genesis.chainID, parameters: genesis.parameters)
        do {
            if let stored = try database.genesisHash() {
                guard stored == genesisHash else {
                    database.close()
                    throw StorageError.genesisMismatch(stored: stored, given: genesisHash)
                }
            } else {
                let state: (changes: [StateChange], tree: SparseMerkleUpdate)
                do { state = try StateCommitment.genesis(genesis) } catch {
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

    public func close() { database.close() }
}
