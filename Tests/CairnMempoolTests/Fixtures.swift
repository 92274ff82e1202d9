import CairnCore
import CairnCrypto
import CairnMempool
import CairnState

/// Shared helpers: deterministic keys, real signatures, an in-memory committed state.
enum Fixture {
    static let chainID = "cairn-test"
    static let minimumFee: Amount = 10
    static let consensus = ConsensusParameters(minTransactionFee: minimumFee)
    static let rules = AdmissionRules(chainID: chainID, consensus: consensus)
    static let executor = BlockExecutor(chainID: chainID)
    /// The runtime's genesis records (parameters, chain version, one validator) for `MapState`.
    static let records: [StateKey: [UInt8]] = {
        let genesis = Genesis(chainID: chainID, genesisTime: 1, protocolVersion: 1, parameters: [.consensus(consensus)],
                              allocations: [], validators: ValidatorSet([Validator(address: recipient, power: 1)]))
        var records: [StateKey: [UInt8]] = [:]
        for change in try! StateCommitment.genesis(genesis).changes where change.key.namespace != StateKey.accountNamespace {
            records[change.key] = change.value
        }
        return records
    }()
    static let recipient = Address(unchecked: [UInt8](repeating: 0xAB, count: 20))

    /// Key number `index`, the same on every run.
    static func key(_ index: Int) -> PrivateKey {
        let seed = Hash32.sha256(Array("cairn-mempool-test-key-\(index)".utf8)).bytes
        return try! PrivateKey(bytes: seed)
    }

    static func signed(_ key: PrivateKey, nonce: UInt64, fee: Amount, amount: Amount = 100,
                       chainID: String = chainID) -> Transaction {
        UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee,
                            operation: .transfer(to: recipient, amount: amount)).signed(with: key)
    }

    static func verified(_ key: PrivateKey, nonce: UInt64, fee: Amount, amount: Amount = 100,
                         chainID: String = chainID) -> VerifiedTransaction {
        try! VerifiedTransaction(signed(key, nonce: nonce, fee: fee, amount: amount, chainID: chainID))
    }

    static func pool(_ limits: MempoolLimits = MempoolLimits()) -> TransactionPool {
        TransactionPool(limits: limits, rules: rules)
    }

    static let rich = Account(balance: 1_000_000_000, nonce: 0)
}

/// Committed state as a plain dictionary of accounts over the runtime's genesis records.
struct MapState: StateReader {
    var accounts: [Address: Account] = [:]
    func account(_ address: Address) throws -> Account { accounts[address] ?? .empty }
    func value(at key: StateKey) throws -> [UInt8]? {
        guard key.namespace == StateKey.accountNamespace, let address = Address(bytes: key.key) else { return Fixture.records[key] }
        return accounts[address]?.canonicalBytes
    }
}

extension BlockExecutor {
    /// A block at height 1 with no consensus context beyond its proposer.
    func execute(_ txs: [VerifiedTransaction], proposer: Address, state: any StateReader) throws -> ExecutionOutcome {
        try execute(txs, context: context(height: 1, proposer: proposer), state: state)
    }
}

