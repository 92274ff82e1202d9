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

/// Emission of `perEpoch` every `epochLength` blocks, all to staking's reward pool.
func stakingEmission(perEpoch: Amount, epochLength: UInt64 = 5) -> EmissionParameters {
    EmissionParameters(epochLength: epochLength, perEpoch: perEpoch,
                       shares: [EmissionShare(pool: Staking.rewardPoolName, ppm: 1_000_000)])
}

/// Small windows and periods so tests reach every rule in a few blocks.
func testStakingParameters(_ change: (inout StakingParameters) -> Void = { _ in }) -> StakingParameters {
    var p = StakingParameters(maxValidators: 10, unbondingBlocks: 10, maxEntries: 3, maxPendingPerValidator: 5,
                              maxCandidates: 20, maxDelegationsPerDelegator: 5, minSelfBond: unit,
                              maxCommission: 500_000, maxCommissionChange: 20_000, epochLength: 5,
                              signedBlocksWindow: 10, minSignedPerWindow: 500_000,
                              downtimeJailBlocks: 20, slashFractionDowntime: 10_000, slashFractionDoubleSign: 50_000,
                              maxEvidenceAge: 8, maxEvidencePerBlock: 5)
    change(&p)
    return p
}

/// A chain driven block by block through the runtime (Runtime.begin, the rule set's apply and
/// end: the same calls the block executor makes), on a dictionary state, with the validator-set
/// schedule of Specs/staking.md §3 (endBlock at H decides the set of H + 2). Operations are
/// transactions whose sender is given rather than recovered.
struct StakingChain {
    var state = MemoryState()
    var height: UInt64 = 0
    let executor = BlockExecutor(chainID: chainID)
    let staking: StakingParameters
    /// sets[h] = the set that signs block h.
    var sets: [UInt64: ValidatorSet] = [:]
    let initialSupply: Amount
    /// The last block's overlay changes.
    var lastChanges: [StateChange] = []
    /// Fees the driver adds as if paid by transactions outside the test's accounts (minted into
    /// the fee collector, so the supply record counts them).
    var outsideFees: Amount = 0

    init(validators: [(PrivateKey, UInt64)], balances: [(Address, Amount)], staking: StakingParameters,
         emission: EmissionParameters = EmissionParameters(), more: [ModuleRecord] = [], moduleStates: [ModuleRecord] = []) throws {
        self.staking = staking
        let set = ValidatorSet(validators.map { Validator(address: $0.0.address, power: $0.1) })
        let genesis = Genesis(chainID: chainID, genesisTime: 1_767_225_600_000, protocolVersion: 1,
                              parameters: [.consensus(ConsensusParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20)),
                                           ModuleRecord(StakingModule.self, staking), .emission(emission)] + more,
                              allocations: balances.map { .init(address: $0.0, balance: $0.1) }, validators: set,
                              moduleStates: moduleStates)
        for change in try StateCommitment.genesis(genesis).changes { state.entries[change.key] = change.value }
        sets[1] = set
        sets[2] = set
        initialSupply = balances.reduce(0) { $0 + $1.1 } + validators.reduce(0) { $0 + UInt128($1.1) * staking.powerReduction }
    }

    /// One operation of a block, as a transaction of `sender` paying `fee`.
    struct Op {
        var sender: Address
        var operation: CairnCore.Operation
        var fee: Amount = 0

        init(sender: Address, operation: StakingOperation, fee: Amount = 0) {
            self.init(sender: sender, any: .staking(operation), fee: fee)
        }

        init(sender: Address, any operation: CairnCore.Operation, fee: Amount = 0) {
            self.sender = sender
            self.operation = operation
            self.fee = fee
        }
    }

    /// Runs block `height + 1`. `signers` default to the whole set that signed the parent.
    /// Returns each operation's rejection (nil = applied) and the set endBlock decided.
    @discardableResult
    mutating func block(_ ops: [Op] = [], signers: [Address]? = nil, evidence: [DuplicateVoteEvidence] = [],
                        fees: Amount = 0) throws -> (rejections: [Error?], update: ValidatorSet?) {
        height += 1
        let last = height >= 2 ? sets[height - 1] : nil
        let signed = (signers ?? last?.validators.map(\.address) ?? []).sorted()
        let context = BlockContext(chainID: chainID, height: height, proposer: sets[height]!.validators[0].address,
                                   lastCommitSigners: signed, lastValidators: last, evidence: evidence)
        var overlay = StateOverlay(base: state)
        let session = try executor.runtime.begin(context, &overlay)
        var rejections: [Error?] = []
        for op in ops {
            let nonce = try overlay.account(op.sender).nonce
            let tx = UnsignedTransaction(chainID: chainID, nonce: nonce, fee: op.fee, operation: op.operation)
                .signed(with: StakingKeys.all[0])
            let vtx = VerifiedTransaction(alreadyVerified: tx, id: tx.id, sender: op.sender, encodedSize: tx.canonicalBytes.count)
            do {
                _ = try session.ruleSet.apply(vtx, session, &overlay)
                rejections.append(nil)
            } catch {
                rejections.append(error)
            }
        }
        try overlay.mint(fees, to: ModuleAccount.feeCollector)
        outsideFees += fees
        let update = try session.ruleSet.end(session, &overlay).validators
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
    func supplyRecord() -> SupplyRecord { read(SupplyRecord.self, SupplyRecord.key) ?? SupplyRecord() }
    /// Fees and emission not yet paid out: the fee collector's and the staking reward pool's balances.
    var rewardPot: Amount { balance(ModuleAccount.feeCollector) + balance(Staking.rewardPool) }

    /// Runs a query against the committed state (a test failure aborts).
    func query<R>(_ body: (inout StateView) throws -> R) -> R {
        var view = StateView(state)
        return try! body(&view)
    }

    /// Every base unit that exists, summed from the state itself: balances (module accounts
    /// included), bonded tokens, unbonding balances and undistributed delegator rewards.
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
            default: break
            }
        }
        return total
    }

    /// The supply invariant (Specs/runtime.md §6): what exists equals the supply record, which
    /// equals initial + minted (emission and outside fees) − burned.
    func expectSupplyConserved(sourceLocation: SourceLocation = #_sourceLocation) {
        let record = supplyRecord()
        #expect(supply() == record.total, "balances + bonded + unbonding + pending rewards ≠ the supply record",
                sourceLocation: sourceLocation)
        #expect(record.total == initialSupply + record.minted - record.burned, sourceLocation: sourceLocation)
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

/// The staking rejection inside a transaction's module failure.
func rejection(_ error: Error?) -> StakingRejection? {
    guard case .module(let failure)? = error as? TransactionRejection else { return nil }
    return failure.rejection as? StakingRejection
}

/// Whether every operation applied.
func allApplied(_ rejections: [Error?]) -> Bool { rejections.allSatisfy { $0 == nil } }
