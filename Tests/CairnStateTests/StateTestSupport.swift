import CairnCore
import CairnCrypto
import CairnState
import CairnStorage
import Foundation

/// Committed state held in a dictionary, for executor tests that need no database: the given
/// accounts over the runtime's genesis records (parameters, chain version, the proposer as the
/// one validator).
struct MemoryAccounts: StateReader {
    var accounts: [Address: Account] = [:]
    var records: [StateKey: [UInt8]]

    init(accounts: [Address: Account] = [:], consensus: ConsensusParameters = parameters) {
        self.accounts = accounts
        var records: [StateKey: [UInt8]] = [:]
        for change in try! StateCommitment.genesis(makeGenesis(balances: [], parameters: consensus)).changes
        where change.key.namespace != StateKey.accountNamespace {
            records[change.key] = change.value
        }
        self.records = records
    }

    func account(_ address: Address) throws -> Account { accounts[address] ?? .empty }
    func value(at key: StateKey) throws -> [UInt8]? {
        guard key.namespace == StateKey.accountNamespace, let address = Address(bytes: key.key) else { return records[key] }
        return accounts[address]?.canonicalBytes
    }
}

extension BlockExecutor {
    /// A block at height 1 with no consensus context beyond its proposer.
    func execute(_ txs: [VerifiedTransaction], proposer: Address, state: any StateReader) throws -> ExecutionOutcome {
        try execute(txs, context: context(height: 1, proposer: proposer), state: state)
    }
}

extension BlockExecutor {
    /// One transaction of a block at height 1 proposed by `proposer`, after its begin block.
    func apply(_ vtx: VerifiedTransaction, proposer: Address, overlay: inout StateOverlay) throws -> TransactionResult {
        let session = try runtime.begin(context(height: 1, proposer: proposer), &overlay)
        return try session.ruleSet.apply(vtx, session, &overlay)
    }
}

extension StateOverlay {
    /// Writes a block's changes over this overlay's base: the state after the block.
    mutating func replay(_ changes: [StateChange]) {
        for change in changes {
            if let value = change.value { set(change.key, EncodedValue(bytes: value)) } else { delete(change.key) }
        }
    }
}

/// Already-encoded bytes, written as they are.
private struct EncodedValue: CanonicalEncodable {
    let bytes: [UInt8]
    func encode(to writer: inout CanonicalWriter) { writer.write(fixed: bytes) }
}

extension ExecutionOutcome {
    /// The fee collector's balance after the block over `base`: the block's fees (Specs/runtime.md §6).
    func feesCollected(over base: any StateReader) throws -> Amount {
        var overlay = StateOverlay(base: base)
        overlay.replay(changes)
        return try overlay.account(ModuleAccount.feeCollector).balance
    }
}

/// A bank failure as the runtime reports it.
func bank(_ rejection: BankRejection) -> TransactionRejection {
    .module(ModuleFailure(module: BankModule.name, rejection))
}

/// A staking failure as the runtime reports it.
func staking(_ rejection: StakingRejection) -> TransactionRejection {
    .module(ModuleFailure(module: StakingModule.name, rejection))
}

extension BlockBuilder {
    /// A block whose validator set is `validators` at every height, with no last commit or evidence.
    func build(parent: ChainTip, time: UInt64, proposer: Address, candidates: [VerifiedTransaction],
               validators: ValidatorSet = ValidatorSet([Validator(address: TestKeys.proposer.address, power: 1)]),
               database: ChainDatabase) throws -> BuiltBlock {
        try build(parent: parent, time: time, sealer: sealer(of: proposer), lastCommit: nil, evidence: [],
                  validators: BlockValidators(current: validators, next: validators, last: nil),
                  candidates: candidates, database: database)
    }
}

extension BlockVerifier {
    /// Rules 1–11 of a height-1 block whose sets are all `validators`, as a database write.
    func verify(_ block: Block, commit: Commit, parent: ChainTip, parentTime: UInt64, validators: ValidatorSet,
                database: ChainDatabase) throws -> BlockWrite {
        let executed = try verify(block, parent: parent, parentTime: parentTime,
                                  validators: BlockValidators(current: validators, next: validators, last: nil), database: database)
        try verify(commit: commit, for: block, validators: validators)
        return executed.write(commit: commit, nextValidatorSchedule: [])
    }
}

/// Fixed keys; their addresses sort as `keys.map(\.address).sorted()`.
/// The key of a test address, which seals the blocks it proposes.
func sealer(of address: Address) -> PrivateKey {
    guard let key = TestKeys.all.first(where: { $0.address == address }) else { preconditionFailure("\(address) is no test key") }
    return key
}

enum TestKeys {
    static let all: [PrivateKey] = (1...6).map { try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [UInt8($0)]) }
    static let alice = all[0], bob = all[1], carol = all[2], proposer = all[3]
}

let chainID = "cairn-test"
let parameters = ConsensusParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: 10)
let executor = BlockExecutor(chainID: chainID)

func transfer(from key: PrivateKey, to: Address, amount: Amount, fee: Amount = 10, nonce: UInt64,
              chain: String = chainID) -> VerifiedTransaction {
    let tx = UnsignedTransaction(chainID: chain, nonce: nonce, fee: fee,
                                 operation: .transfer(to: to, amount: amount)).signed(with: key)
    return try! VerifiedTransaction(tx)
}

/// A genesis with the given balances and the keys' addresses as equal-power validators.
func makeGenesis(balances: [(Address, Amount)], validators: [PrivateKey] = [TestKeys.proposer],
                 parameters: ConsensusParameters = parameters, more: [ModuleRecord] = []) -> Genesis {
    Genesis(chainID: chainID, genesisTime: 1_767_225_600_000, protocolVersion: 1, parameters: [.consensus(parameters)] + more,
            allocations: balances.map { .init(address: $0.0, balance: $0.1) },
            validators: ValidatorSet(validators.map { Validator(address: $0.address, power: 1) }))
}

/// Runs `body` with a chain database initialised from `genesis` in a fresh temporary directory.
func withChain<R>(_ genesis: Genesis, _ body: (ChainDatabase) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("cairn-state-tests-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: url) }
    let db = try ChainDatabase(path: url.path)
    defer { db.close() }
    let (changes, tree) = try StateCommitment.genesis(genesis)
    try db.initialize(genesisHash: genesis.hash, stateChanges: changes, treeUpdate: tree, firstValidatorSchedule: [])
    return try body(db)
}
