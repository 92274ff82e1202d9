import CairnCore
import CairnCrypto
import CairnState
import Testing

/// Every state entry in a dictionary: committed state for staking tests.
struct MemoryState: StateReader {
    var entries: [StateKey: [UInt8]] = [:]
    func value(at key: StateKey) throws -> [UInt8]? { entries[key] }
    func account(_ address: Address) throws -> Account {
        try entries[.account(address)].map { try Account(canonicalBytes: $0) } ?? .empty
    }
}

enum StakingKeys {
    /// Keys 0x…11, 0x…12, …; tests sort their addresses where order matters.
    static let all: [PrivateKey] = (0x11...0x1A).map { try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [UInt8($0)]) }
}

let unit: Amount = 1_000_000_000_000_000_000

/// Small windows and periods so tests reach every rule in a few blocks.
func testStakingParameters(_ change: (inout StakingParameters) -> Void = { _ in }) -> StakingParameters {
    var p = StakingParameters(maxValidators: 10, unbondingBlocks: 10, maxEntries: 3, maxPendingPerValidator: 5,
                              maxCandidates: 20, maxDelegationsPerDelegator: 5, minSelfBond: unit,
                              maxCommission: 500_000, maxCommissionChange: 20_000, epochLength: 5,
                              emissionPerEpoch: 0, signedBlocksWindow: 10, minSignedPerWindow: 500_000,
                              downtimeJailBlocks: 20, slashFractionDowntime: 10_000, slashFractionDoubleSign: 50_000,
                              maxEvidenceAge: 8, maxEvidencePerBlock: 5)
    change(&p)
    return p
}

/// A chain driven block by block through the staking hooks, on a dictionary state, with the
/// validator-set schedule of Specs/staking.md §3 (endBlock at H decides the set of H + 2).
struct StakingChain {
    var state = MemoryState()
    var height: UInt64 = 0
    let parameters: ChainParameters
    /// sets[h] = the set that signs block h.
    var sets: [UInt64: ValidatorSet] = [:]
    let initialSupply: Amount
    /// The last block's overlay changes.
    var lastChanges: [StateChange] = []
    /// Fees the driver adds as if paid by transactions outside the test's accounts.
    var outsideFees: Amount = 0

    init(validators: [(PrivateKey, UInt64)], balances: [(Address, Amount)], staking: StakingParameters) throws {
        parameters = ChainParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: 0, staking: staking)
        let set = ValidatorSet(validators.map { Validator(address: $0.0.address, power: $0.1) })
        let genesis = Genesis(chainID: chainID, genesisTime: 1_767_225_600_000, protocolVersion: 1, parameters: parameters,
                              allocations: balances.map { .init(address: $0.0, balance: $0.1) }, validators: set)
        for a in genesis.allocations { state.entries[.account(a.address)] = Account(balance: a.balance, nonce: 0).canonicalBytes }
        for change in try Staking.genesisChanges(genesis) { state.entries[change.key] = change.value }
        sets[1] = set
        sets[2] = set
        initialSupply = balances.reduce(0) { $0 + $1.1 } + validators.reduce(0) { $0 + UInt128($1.1) * staking.powerReduction }
    }

    /// One staking operation of a block, as the executor applies it: spend and fee taken from
    /// the sender, then the staking effects; all or nothing.
    struct Op {
        var sender: Address
        var operation: StakingOperation
        var fee: Amount = 0
    }

    /// Runs block `height + 1`. `signers` default to the whole set that signed the parent.
    /// Returns each operation's rejection (nil = applied) and the set endBlock decided.
    @discardableResult
    mutating func block(_ ops: [Op] = [], signers: [Address]? = nil, evidence: [DuplicateVoteEvidence] = [],
                        fees: Amount = 0) throws -> (rejections: [Error?], update: ValidatorSet?) {
        height += 1
        let last = height >= 2 ? sets[height - 1] : nil
        let signed = (signers ?? last?.validators.map(\.address) ?? []).sorted()
        let context = BlockContext(height: height, proposer: sets[height]!.validators[0].address,
                                   lastCommitSigners: signed, lastValidators: last, evidence: evidence,
                                   parameters: parameters)
        var overlay = StateOverlay(base: state)
        try Staking.beginBlock(context, chainID: chainID, &overlay)
        var rejections: [Error?] = []
        for op in ops {
            do {
                try overlay.atomically { overlay in
                    var sender = try overlay.account(op.sender)
                    let cost = op.operation.spend + op.fee
                    guard sender.balance >= cost else {
                        throw TransactionRejection.insufficientFunds(needed: cost, available: sender.balance)
                    }
                    sender.balance -= cost
                    sender.nonce += 1
                    overlay.set(op.sender, sender)
                    try Staking.apply(op.operation, sender: op.sender, height: height, parameters: parameters.staking, &overlay)
                    try Staking.collectFee(op.fee, &overlay)
                }
                rejections.append(nil)
            } catch {
                rejections.append(error)
            }
        }
        try Staking.collectFee(fees, &overlay)
        outsideFees += fees
        let update = try Staking.endBlock(context, &overlay)
        lastChanges = overlay.changes
        for change in lastChanges { state.entries[change.key] = change.value }
        sets[height + 2] = update ?? sets[height + 1]
        return (rejections, update)
    }

    /// Runs empty blocks until `height` is `target`.
    mutating func run(to target: UInt64, signers: [Address]? = nil) throws {
        while height < target { try block(signers: signers) }
    }

    func read<T: CanonicalDecodable>(_ type: T.Type, _ key: StateKey) -> T? {
        state.entries[key].map { try! T(canonicalBytes: $0) }
    }

    func balance(_ a: Address) -> Amount { read(Account.self, .account(a))?.balance ?? 0 }
    func validator(_ a: Address) -> ValidatorRecord? { read(ValidatorRecord.self, .validator(a)) }
    func globals() -> StakingGlobals { read(StakingGlobals.self, .stakingGlobals) ?? StakingGlobals() }

    /// Runs a query against the committed state (a test failure aborts).
    func query<R>(_ body: (inout StateOverlay) throws -> R) -> R {
        var overlay = StateOverlay(base: state)
        return try! body(&overlay)
    }

    /// Every base unit that exists: balances, bonded tokens, unbonding balances, undistributed
    /// delegator rewards and the reward pot. Order of summation does not matter.
    func supply() -> Amount {
        var total: Amount = 0
        for (key, bytes) in state.entries {
            switch key.namespace {
            case StateKey.accountNamespace: total += try! Account(canonicalBytes: bytes).balance
            case StateKey.StakingNamespace.validator:
                let v = try! ValidatorRecord(canonicalBytes: bytes)
                total += v.tokens + v.rewardPool
            case StateKey.StakingNamespace.unbonding:
                total += try! PendingEntries(canonicalBytes: bytes).entries.reduce(0) { $0 + $1.balance }
            case StateKey.StakingNamespace.stakingGlobals:
                total += try! StakingGlobals(canonicalBytes: bytes).rewardPot
            default: break
            }
        }
        return total
    }

    /// initial + outside fees + emitted − burned must equal what exists.
    func expectSupplyConserved(sourceLocation: SourceLocation = #_sourceLocation) {
        let g = globals()
        #expect(supply() == initialSupply + outsideFees + g.emitted - g.burned, sourceLocation: sourceLocation)
    }
}

/// Two conflicting precommits by `key` at `height`, signed for `chain`.
func doubleSign(_ key: PrivateKey, height: UInt64, chain: String = chainID) -> DuplicateVoteEvidence {
    func vote(_ block: UInt8) -> SignedVote {
        let payload = VoteSigningPayload(chainID: chain, type: .precommit, height: height, round: 0,
                                         blockID: Hash32(unchecked: [UInt8](repeating: block, count: 32)))
        return SignedVote(payload: payload, validator: key.address, signature: key.sign(digest: payload.signingHash))
    }
    return DuplicateVoteEvidence(vote(1), vote(2))!
}

func rejection(_ error: Error?) -> StakingRejection? { error as? StakingRejection }

/// Whether every operation applied.
func allApplied(_ rejections: [Error?]) -> Bool { rejections.allSatisfy { $0 == nil } }
