import CairnCore
import CairnCrypto
import CairnState
import CairnStorage
import Testing

/// The module runtime (Specs/runtime.md): one registry, parameters in state changed only by
/// validated end-block effects, and rule sets selected by the protocol version in force.
@Suite("Module runtime")
struct RuntimeTests {
    static let standard = Runtime.standard
    static let withEffects = Runtime([try! RuleSet(version: 1, modules: [BankModule(), StakingModule(), EffectModule()])])
    static let upgradable = Runtime([
        try! RuleSet(version: 1, modules: [BankModule(), StakingModule(), EffectModule()]),
        try! RuleSet(version: 2, modules: [BankModule(), StakingModule(), EffectModule(), BlockCounterModule()]),
    ])
    let genesis = makeGenesis(balances: [(TestKeys.alice.address, 1_000_000), (TestKeys.bob.address, 1_000_000)])

    // MARK: Registry

    @Test func noTwoModulesShareANamespaceATagOrAPool() throws {
        for rules in Self.standard.ruleSets + Self.upgradable.ruleSets {
            let namespaces = rules.namespaceOwners.map(\.namespace)
            #expect(Set(namespaces).count == namespaces.count)
            let tags = rules.operationOwners.map(\.tag)
            #expect(Set(tags).count == tags.count)
            #expect(Set(rules.pools).count == rules.pools.count)
        }
        // The registry of Specs/runtime.md §3.
        let rules = Self.standard.latest
        #expect(rules.moduleNames == ["bank", "staking", "devices", "coverage", "storage", "energy"])
        #expect(rules.namespaceOwners.map { "\($0.namespace):\($0.owner)" } == [
            "1:bank"] + (2...15).map { "\($0):staking" } + ["16:runtime", "17:runtime", "18:bank"] + (19...25).map { "\($0):devices" }
            + (26...34).map { "\($0):coverage" } + ["35:runtime", "36:runtime"] + (37...44).map { "\($0):storage" }
            + ["45:staking"] + (48...61).map { "\($0):energy" })
        #expect(rules.operationOwners.map { "\($0.tag):\($0.owner)" } == ["0:bank"] + (1...7).map { "\($0):staking" }
                + (8...11).map { "\($0):devices" } + (12...15).map { "\($0):storage" } + (16...19).map { "\($0):energy" })
        #expect(rules.parameterOwners == ["consensus", "emission", "bank", "staking", "devices", "coverage", "storage", "energy"])
        #expect(rules.moduleAccounts == ["fee_collector", "staking_rewards", "coverage", "storage", "energy"])
        #expect(rules.attestationOwners.map { "\($0.tag):\($0.owner)" } == ["0:coverage", "1:storage", "2:energy"])
    }

    @Test func aRuleSetRefusesModulesThatCollide() {
        #expect(throws: RuleSet.Problem.duplicateName("bank")) { try RuleSet(version: 1, modules: [BankModule(), BankModule()]) }
        #expect(throws: RuleSet.Problem.sharedNamespace(0x02, "staking", "on_staking")) {
            try RuleSet(version: 1, modules: [BankModule(), StakingModule(), Claimer<OnStaking>()])
        }
        #expect(throws: RuleSet.Problem.sharedTag(3, "staking", "on_delegate")) {
            try RuleSet(version: 1, modules: [BankModule(), StakingModule(), Claimer<OnDelegate>()])
        }
        #expect(throws: RuleSet.Problem.sharedNamespace(0x10, "runtime", "on_parameters")) {
            try RuleSet(version: 1, modules: [Claimer<OnParameters>()])
        }
    }

    // MARK: Parameters in state

    /// A parameter change is an end-block effect: block 1 carries it, block 2 is built and
    /// checked under the new values.
    @Test func aParameterChangeAppliesFromTheNextBlock() throws {
        let chain = try RuntimeChain(runtime: Self.withEffects, genesis: genesis)
        #expect(try chain.consensusParameters().maxBlockTransactions == 100)
        var changed = try chain.consensusParameters()
        changed.maxBlockTransactions = 1
        let built = try chain.commitNext([effect(.change(owner: "consensus", encoded: changed.canonicalBytes), from: TestKeys.bob, nonce: 0),
                                          transfer(from: TestKeys.alice, to: TestKeys.carol.address, amount: 1, nonce: 0),
                                          transfer(from: TestKeys.alice, to: TestKeys.carol.address, amount: 1, nonce: 1)])
        #expect(built.executed.transactionIDs.count == 3, "block 1 still ran under the genesis limit")
        #expect(built.executed.outcome.blockResults.endEvents.contains(Event(module: "runtime", kind: "parameter_change", ["owner": "consensus"])))
        #expect(try chain.consensusParameters() == changed)

        let txs = (2..<5).map { transfer(from: TestKeys.alice, to: TestKeys.carol.address, amount: 1, nonce: UInt64($0)) }
        let next = try chain.buildNext(txs)
        #expect(next.executed.transactionIDs == [txs[0].id], "block 2 runs under max_block_transactions = 1")
        // A block of two transactions breaks the new limit for every verifier.
        let runtime = Self.withEffects
        #expect(throws: BlockValidationError.tooManyTransactions(count: 3, limit: 1)) {
            let wide = try RuntimeChain(runtime: runtime, genesis: genesis)
            try wide.commitNext([effect(.change(owner: "consensus", encoded: changed.canonicalBytes), from: TestKeys.bob, nonce: 0)])
            var tooBig = try wide.buildNext([txs[0]]).block
            tooBig.transactions = (0..<3).map { transfer(from: TestKeys.alice, to: TestKeys.carol.address, amount: 1, nonce: UInt64($0)).transaction }
            _ = try wide.verify(tooBig, runtime: runtime)
        }
        // The provable record, under the state root.
        let root = try chain.database.tip()!.stateRoot
        let key = RuntimeNamespace.parametersKey("consensus").treeKey
        let proof = try SparseMerkleTree(store: chain.database.treeNodes).prove(root: root, key: key)
        #expect(proof.leaf?.valueHash == StateKey.valueHash(encoded: changed.canonicalBytes))
    }

    /// The owner validates a change; a rejected one changes nothing and says why in an event.
    @Test func aRejectedParameterChangeChangesNothing() throws {
        let chain = try RuntimeChain(runtime: Self.withEffects, genesis: genesis)
        let before = try chain.consensusParameters()
        var bad = before
        bad.maxBlockBytes = 10
        var staking = StakingParameters()
        staking.maxValidators = 0
        let requests: [(EffectModule.Request, String)] = [
            (.change(owner: "consensus", encoded: bad.canonicalBytes), "max_block_bytes: must be 16384 to 67108864"),
            (.change(owner: "staking", encoded: staking.canonicalBytes), "max_validators: must be 1 to 65536"),
            (.change(owner: "emission", encoded: EmissionParameters(perEpoch: 5, shares: [EmissionShare(pool: "nowhere", ppm: 1_000_000)]).canonicalBytes),
             "shares[0].pool: 'nowhere' is not a registered pool (pools: staking_rewards)"),
            (.change(owner: "treasury", encoded: []), "no module or runtime record is named 'treasury'"),
        ]
        for (nonce, (request, reason)) in requests.enumerated() {
            let built = try chain.commitNext([effect(request, from: TestKeys.bob, nonce: UInt64(nonce))])
            let owner: String = if case .change(let o, _) = request { o } else { "" }
            #expect(built.executed.outcome.blockResults.endEvents
                    == [Event(module: "runtime", kind: "parameter_change_rejected", ["owner": owner, "reason": reason])])
            #expect(!built.executed.outcome.changes.contains { $0.key.namespace == RuntimeNamespace.parameters })
        }
        #expect(try chain.consensusParameters() == before)
    }

    // MARK: Protocol version

    /// A plan switches the rule set at exactly its height: version 2's extra rule runs from there
    /// on, a version-1-only binary cannot run that block (a local fault, not an invalid block),
    /// and a header with the old version is invalid.
    @Test func anUpgradeSwitchesRulesAtItsHeight() throws {
        let plan = UpgradePlan(name: "v2", height: 3, version: 2)
        let chain = try RuntimeChain(runtime: Self.upgradable, genesis: genesis)
        let first = try chain.commitNext([effect(.upgrade(plan), from: TestKeys.bob, nonce: 0)])
        #expect(first.block.header.protocolVersion == 1)
        #expect(first.executed.outcome.blockResults.endEvents
                == [Event(module: "runtime", kind: "upgrade_scheduled", ["name": "v2", "height": "3", "version": "2"])])
        #expect(try chain.database.entry(ChainVersion.self, ChainVersion.key) == ChainVersion(version: 1, plan: plan))
        let second = try chain.commitNext()
        #expect(second.block.header.protocolVersion == 1)
        #expect(try chain.database.entry(BlockCounterModule.key) == nil, "version 2's rule has not run")

        let third = try chain.buildNext()
        #expect(third.block.header.protocolVersion == 2)
        #expect(third.executed.outcome.blockResults.beginEvents.first
                == Event(module: "runtime", kind: "upgrade_activated", ["name": "v2", "version": "2", "height": "3"]))
        #expect(third.executed.outcome.changes.contains { $0.key == BlockCounterModule.key })
        #expect(third.executed.outcome.changes.contains { $0.key == ChainVersion.key && $0.value == ChainVersion(version: 2).canonicalBytes })
        // Another node with both versions reaches the same root.
        #expect(try chain.verify(third.block, runtime: Self.upgradable).treeUpdate.root == third.block.header.stateRoot)
        // A binary that runs only version 1.
        let v1Only = Runtime([Self.upgradable.ruleSets[0]])
        #expect(throws: RuntimeError.unsupportedVersion(2, supported: [1], plan: plan)) {
            _ = try chain.verify(third.block, runtime: v1Only)
        }
        // The header must carry the version in force.
        var stale = third.block
        stale.header.protocolVersion = 1
        #expect(throws: BlockValidationError.wrongProtocolVersion(expected: 2, got: 1)) {
            _ = try chain.verify(stale, runtime: Self.upgradable)
        }
        try chain.commitNext()
        #expect(try chain.database.entry(ChainVersion.self, ChainVersion.key) == ChainVersion(version: 2))
        let fourth = try chain.commitNext()
        #expect(fourth.block.header.protocolVersion == 2)
        #expect(try chain.database.entry(UInt64.self, BlockCounterModule.key) == 2)
    }

    /// Plans for a past height or an older version are refused with an event.
    @Test func anUpgradeForThePastIsRefused() throws {
        let chain = try RuntimeChain(runtime: Self.upgradable, genesis: genesis)
        let built = try chain.commitNext([effect(.upgrade(UpgradePlan(name: "late", height: 1, version: 2)), from: TestKeys.bob, nonce: 0)])
        #expect(built.executed.outcome.blockResults.endEvents.map(\.kind) == ["upgrade_rejected"])
        #expect(try chain.database.entry(ChainVersion.self, ChainVersion.key) == ChainVersion(version: 1))
    }

    // MARK: Local faults

    /// Missing local state is this node's fault, never reported as an invalid block.
    @Test func missingLocalStateIsAFaultNotAnInvalidBlock() throws {
        let chain = try RuntimeChain(runtime: Self.standard, genesis: genesis)
        let block = try chain.buildNext([transfer(from: TestKeys.alice, to: TestKeys.bob.address, amount: 1, nonce: 0)]).block
        var batch = WriteBatch()
        batch.delete([UInt8(ascii: "e"), RuntimeNamespace.parameters] + Array("staking".utf8))
        try chain.database.db.write(batch, sync: true)
        #expect(throws: ExecutionFault.missingRecord("the parameters record of staking")) {
            _ = try chain.verify(block, runtime: Self.standard)
        }
    }
}

@Suite("Events")
struct EventLimitTests {
    /// Whatever a module emits, what is stored decodes: long values and too many attributes are cut.
    @Test func emittedEventsAreCutToTheirStoredLimits() throws {
        var overlay = StateOverlay(base: MemoryAccounts())
        let long = String(repeating: "é", count: Event.maxValueBytes)   // 2 bytes each
        overlay.emit(Event(module: "bank", kind: "x", (0..<100).map { Event.Attribute("k\($0)", long) }))
        let stored = try #require(overlay.takeEvents().first)
        #expect(stored.attributes.count == Event.maxAttributes)
        #expect(stored.attributes[0].value.utf8.count == Event.maxValueBytes)
        #expect(try Event(canonicalBytes: stored.canonicalBytes) == stored)
        let result = TransactionResult(feePaid: 1, events: [stored])
        #expect(try TransactionResult(canonicalBytes: result.canonicalBytes) == result)
    }
}

/// What a `Claimer` module claims.
protocol Claim: Sendable {
    static var name: String { get }
    static var namespaces: [UInt8] { get }
    static var operationTags: [UInt64] { get }
}

enum OnStaking: Claim {
    static let name = "on_staking", namespaces: [UInt8] = [StateKey.StakingNamespace.validator], operationTags: [UInt64] = []
}
enum OnDelegate: Claim {
    static let name = "on_delegate", namespaces: [UInt8] = [], operationTags: [UInt64] = [StakingOperation.delegateTag]
}
enum OnParameters: Claim {
    static let name = "on_parameters", namespaces: [UInt8] = [RuntimeNamespace.parameters], operationTags: [UInt64] = []
}

/// A module that does nothing but claim what `C` names, for the registry's collision checks.
struct Claimer<C: Claim>: ChainModule {
    static var name: String { C.name }
    static var namespaces: [UInt8] { C.namespaces }
    static var operationTags: [UInt64] { C.operationTags }
    static var operationSchemas: [JSONValue] { [] }
    static func decode(_ operation: CairnCore.Operation) throws(CanonicalDecodingError) -> Int { 0 }
    static func json(_ operation: Int) -> JSONValue { .null }
    static func spend(_ operation: Int) -> Amount { 0 }
    func apply(_ operation: Int, sender: Address, _ block: BlockContext, _ parameters: BankParameters,
               _ state: inout StateOverlay) throws {}
}
