import CairnCore
import CairnCrypto

/// Every parameters record as state holds it when a block starts; changes made by the block's
/// end block apply from the next block.
public struct BlockParameters: Sendable {
    public let consensus: ConsensusParameters
    public let emission: EmissionParameters
    /// Each module's decoded parameters, by module index.
    let modules: [any Sendable]
}

/// A transaction's operation decoded by its module, with what it costs.
public struct DecodedOperation: Sendable {
    let module: Int
    let value: any Sendable
    /// What the operation spends plus the fee: what the sender must hold.
    public let cost: Amount
}

/// One block's run of a rule set: the version in force, the parameters read at its start, and
/// the events of its begin block.
public struct BlockSession: Sendable {
    public let ruleSet: RuleSet
    public let context: BlockContext
    public let parameters: BlockParameters
    public let beginEvents: [Event]

    public var version: UInt64 { ruleSet.version }
}

extension Runtime {
    /// The chain-version record of `state`.
    public static func chainVersion(_ state: inout StateOverlay) throws -> ChainVersion {
        guard let record = try state.get(ChainVersion.self, ChainVersion.key) else {
            throw ExecutionFault.missingRecord("the chain-version record")
        }
        return record
    }

    /// The rule set for blocks at `height` on top of `state`.
    public func ruleSet(at height: UInt64, _ state: inout StateOverlay) throws -> RuleSet {
        let record = try Self.chainVersion(&state)
        let version = record.version(at: height)
        guard let rules = ruleSet(version: version) else {
            throw RuntimeError.unsupportedVersion(version, supported: supportedVersions, plan: record.plan)
        }
        return rules
    }

    /// The rule set of the block at `height`, with `state` made what that block's begin sees:
    /// a plan reaching this height is activated, and a module the new version adds gets its
    /// default parameters (it starts from empty state). Returns the plan activated, if any.
    public func prepare(height: UInt64, _ state: inout StateOverlay) throws -> (rules: RuleSet, activated: UpgradePlan?) {
        let record = try Self.chainVersion(&state)
        let rules = try ruleSet(at: height, &state)
        guard let plan = record.plan, height >= plan.height else { return (rules, nil) }
        state.set(ChainVersion.key, ChainVersion(version: plan.version))
        for schema in rules.parameterSchemas where try state.value(RuntimeNamespace.parametersKey(schema.owner)) == nil {
            state.write(RuntimeNamespace.parametersKey(schema.owner), schema.defaults)
        }
        return (rules, plan)
    }

    /// Starts a block: `prepare`, then every module's begin block in order. A
    /// `BlockRuleViolation` makes the block invalid; any other error is a local fault.
    public func begin(_ context: BlockContext, _ state: inout StateOverlay) throws -> BlockSession {
        let (rules, activated) = try prepare(height: context.height, &state)
        if let plan = activated {
            state.emit(Event(module: "runtime", kind: "upgrade_activated",
                             ["name": plan.name, "version": String(plan.version), "height": String(context.height)]))
        }
        let parameters = try rules.parameters(&state)
        for (index, module) in rules.modules.enumerated() {
            try module.beginBlock(context, parameters.modules[index], &state)
        }
        return BlockSession(ruleSet: rules, context: context, parameters: parameters, beginEvents: state.takeEvents())
    }
}

extension RuleSet {
    /// The consensus parameters record alone (block limits a verifier checks before running the block).
    public func consensusParameters(_ state: inout StateOverlay) throws -> ConsensusParameters {
        let schema = parameterSchemas[0]
        guard let bytes = try state.value(RuntimeNamespace.parametersKey(schema.owner)) else {
            throw ExecutionFault.missingRecord("the parameters record of \(schema.owner)")
        }
        do { return try schema.decode(bytes) as! ConsensusParameters } catch {
            throw ExecutionFault.corrupt("the parameters record of \(schema.owner): \(error)")
        }
    }

    /// Reads and decodes every parameters record. A record that is missing or does not decode is
    /// corrupt local state: the runtime writes only validated records.
    public func parameters(_ state: inout StateOverlay) throws -> BlockParameters {
        func decoded(_ schema: ParameterSchema) throws -> any Sendable {
            guard let bytes = try state.value(RuntimeNamespace.parametersKey(schema.owner)) else {
                throw ExecutionFault.missingRecord("the parameters record of \(schema.owner)")
            }
            do { return try schema.decode(bytes) } catch {
                throw ExecutionFault.corrupt("the parameters record of \(schema.owner): \(error)")
            }
        }
        let consensus = try decoded(parameterSchemas[0]) as! ConsensusParameters
        let emission = try decoded(parameterSchemas[1]) as! EmissionParameters
        let modules = try parameterSchemas.dropFirst(2).map(decoded)
        return BlockParameters(consensus: consensus, emission: emission, modules: modules)
    }

    /// Decodes `tx`'s operation and checks the rules that need no state: chain, minimum fee, a
    /// known tag, a canonical body, a cost below 2^128.
    public func decode(_ tx: Transaction, chainID: String,
                       _ consensus: ConsensusParameters) throws(TransactionRejection) -> DecodedOperation {
        // Byte equality, as specified: String == would also equate other Unicode spellings.
        guard tx.chainID.utf8.elementsEqual(chainID.utf8) else { throw .wrongChain(expected: chainID, got: tx.chainID) }
        guard tx.fee >= consensus.minTransactionFee else {
            throw .feeTooLow(minimum: consensus.minTransactionFee, got: tx.fee)
        }
        let operation = tx.operation
        guard let index = moduleByTag[operation.tag] else { throw .unknownOperation(tag: operation.tag) }
        let value: any Sendable
        do { value = try modules[index].decode(operation) } catch {
            throw .malformedOperation(tag: operation.tag, reason: error.description)
        }
        let (cost, overflow) = modules[index].spend(value).addingReportingOverflow(tx.fee)
        guard !overflow else { throw .insufficientFunds(needed: .max, available: 0) }
        return DecodedOperation(module: index, value: value, cost: cost)
    }

    /// The JSON form of an operation (nil when no module of this version owns it or it is malformed).
    public func json(_ operation: Operation) -> JSONValue? {
        guard let index = moduleByTag[operation.tag], let value = try? modules[index].decode(operation) else { return nil }
        return modules[index].json(value)
    }

    /// Checks `vtx` against its sender's account as it stands and applies it, all of it or (on a
    /// thrown rejection) none of it. Errors other than `TransactionRejection` are local faults.
    public func apply(_ vtx: VerifiedTransaction, _ session: BlockSession,
                      _ state: inout StateOverlay) throws -> TransactionResult {
        try state.atomically { state in
            let tx = vtx.transaction
            let decoded = try decode(tx, chainID: session.context.chainID, session.parameters.consensus)
            var sender = try state.account(vtx.sender)
            if tx.nonce < sender.nonce { throw TransactionRejection.nonceAlreadyUsed(accountNonce: sender.nonce, got: tx.nonce) }
            if tx.nonce > sender.nonce { throw TransactionRejection.nonceGap(expected: sender.nonce, got: tx.nonce) }
            guard sender.balance >= decoded.cost else {
                throw TransactionRejection.insufficientFunds(needed: decoded.cost, available: sender.balance)
            }
            sender.balance -= decoded.cost
            sender.nonce += 1
            state.set(vtx.sender, sender)
            let module = modules[decoded.module]
            do {
                try state.credit(ModuleAccount.feeCollector, tx.fee)
                try module.apply(decoded.value, sender: vtx.sender, session.context, session.parameters.modules[decoded.module], &state)
            } catch let rejection as any ModuleRejection {
                throw TransactionRejection.module(ModuleFailure(module: module.name, rejection))
            }
            return TransactionResult(feePaid: tx.fee, events: state.takeEvents())
        }
    }

    /// The mempool's stateful admission: whether `vtx` would apply as the next transaction of
    /// its sender on `state` (the committed state, as a scratch overlay). Returns its cost.
    /// The sender's nonce and funds are the pool's to check against what it already holds.
    public func admit(_ vtx: VerifiedTransaction, context: BlockContext, parameters: BlockParameters? = nil,
                      _ state: inout StateOverlay) throws -> Amount {
        let parameters = try parameters ?? self.parameters(&state)
        let decoded = try decode(vtx.transaction, chainID: context.chainID, parameters.consensus)
        let module = modules[decoded.module]
        do {
            try module.check(decoded.value, sender: vtx.sender, context, parameters.modules[decoded.module], &state)
        } catch let rejection as any ModuleRejection {
            throw TransactionRejection.module(ModuleFailure(module: module.name, rejection))
        }
        return decoded.cost
    }

    /// Ends a block: this height's emission to the pools, every module's end block in order,
    /// then their effects. Returns the validator set update, if any, and the end-block events.
    public func end(_ session: BlockSession, _ state: inout StateOverlay) throws -> (validators: ValidatorSet?, events: [Event]) {
        let height = session.context.height
        let emission = session.parameters.emission
        let minted = emission.amount(at: height)
        if minted > 0 {
            for part in emission.split(minted) where part.amount > 0 {
                try state.mint(part.amount, to: ModuleAccount.address(part.pool))
            }
            state.emit(Event(module: "runtime", kind: "emission", ["amount": String(minted)]))
        }
        var effects: [EndBlockEffect] = []
        for (index, module) in modules.enumerated() {
            effects += try module.endBlock(session.context, session.parameters.modules[index], &state)
        }
        var validators: ValidatorSet?
        for effect in effects {
            switch effect {
            case .validatorSet(let set):
                validators = set
            case .parameterChange(let owner, let encoded):
                applyParameterChange(owner: owner, encoded: encoded, &state)
            case .scheduleUpgrade(let plan):
                var record = try Runtime.chainVersion(&state)
                if plan.height <= height || plan.version <= record.version {
                    state.emit(Event(module: "runtime", kind: "upgrade_rejected",
                                     ["name": plan.name, "reason": "the plan must be for a later height and a higher version"]))
                } else {
                    record.plan = plan
                    state.set(ChainVersion.key, record)
                    state.emit(Event(module: "runtime", kind: "upgrade_scheduled",
                                     ["name": plan.name, "height": String(plan.height), "version": String(plan.version)]))
                }
            case .cancelUpgrade:
                var record = try Runtime.chainVersion(&state)
                if let plan = record.plan {
                    record.plan = nil
                    state.set(ChainVersion.key, record)
                    state.emit(Event(module: "runtime", kind: "upgrade_cancelled", ["name": plan.name]))
                }
            }
        }
        return (validators, state.takeEvents())
    }

    /// Validates a parameter change with its owner's rules; writes it, or records why not.
    func applyParameterChange(owner: String, encoded: [UInt8], _ state: inout StateOverlay) {
        guard let schema = schema(owner) else {
            state.emit(Event(module: "runtime", kind: "parameter_change_rejected",
                             ["owner": owner, "reason": "no module or runtime record is named '\(owner)'"]))
            return
        }
        do {
            _ = try schema.decode(encoded)
            state.write(RuntimeNamespace.parametersKey(owner), encoded)
            state.emit(Event(module: "runtime", kind: "parameter_change", ["owner": owner]))
        } catch {
            state.emit(Event(module: "runtime", kind: "parameter_change_rejected",
                             ["owner": owner, "reason": error.description]))
        }
    }

    /// The genesis state (Specs/runtime.md §9): every parameters record (genesis values, or the
    /// defaults), the chain-version record, then each module's genesis in order. Sorted by key.
    public func genesisChanges(_ genesis: Genesis) throws -> [StateChange] {
        if let unknown = genesis.moduleStates.first(where: { record in !modules.contains { $0.name == record.module } }) {
            throw ParameterProblem(field: "state.\(unknown.module)", "is no module of protocol version \(version)")
        }
        var state = StateOverlay(base: EmptyState())
        for schema in parameterSchemas {
            let encoded = genesis.parameters(of: schema.owner) ?? schema.defaults
            _ = try schema.decode(encoded)
            state.write(RuntimeNamespace.parametersKey(schema.owner), encoded)
        }
        state.set(ChainVersion.key, ChainVersion(version: genesis.protocolVersion))
        let parameters = try self.parameters(&state)
        for (index, module) in modules.enumerated() {
            try module.genesis(genesis, parameters.modules[index], &state)
        }
        return state.changes
    }

    /// Every parameters record of `view` in JSON, by owner.
    public func parametersJSON(_ view: StateView, owners: [String]? = nil) throws -> [(owner: String, json: JSONValue)] {
        try parameterSchemas.filter { owners?.contains($0.owner) ?? true }.map { schema in
            guard let bytes = try view.value(RuntimeNamespace.parametersKey(schema.owner)) else {
                throw ExecutionFault.missingRecord("the parameters record of \(schema.owner)")
            }
            do { return (schema.owner, try schema.json(bytes)) } catch {
                throw ExecutionFault.corrupt("the parameters record of \(schema.owner): \(error)")
            }
        }
    }

    /// Parses genesis's `state` sections (`sections[module]` is that module's JSON) into the
    /// modules' genesis records. Names the offending field as `state.<module>.<field>`.
    public func moduleStateRecords(_ sections: [String: JSONValue]) throws(ParameterProblem) -> [ModuleRecord] {
        var records: [ModuleRecord] = []
        for name in sections.keys.sorted() {
            guard let module = modules.first(where: { $0.name == name }) else {
                throw ParameterProblem(field: "state.\(name)", "is no module (known: \(modules.map(\.name).joined(separator: ", ")))")
            }
            do { records.append(ModuleRecord(module: name, encoded: try module.genesisState(json: sections[name]!))) } catch {
                throw error.under("state.\(name)")
            }
        }
        return records
    }

    /// Parses genesis's `params` sections into records: `sections[owner]` is that owner's JSON
    /// (absent = defaults). Names the offending field as `params.<owner>.<field>`.
    public func parameterRecords(_ sections: [String: JSONValue]) throws(ParameterProblem) -> [ModuleRecord] {
        if let unknown = sections.keys.sorted().first(where: { schema($0) == nil }) {
            throw ParameterProblem(field: "params.\(unknown)", "is no module or runtime record (known: \(parameterOwners.joined(separator: ", ")))")
        }
        var records: [ModuleRecord] = []
        for schema in parameterSchemas {
            guard let json = sections[schema.owner] else { continue }
            do { records.append(ModuleRecord(module: schema.owner, encoded: try schema.fromJSON(json))) } catch {
                throw error.under("params.\(schema.owner)")
            }
        }
        return records
    }
}

/// A local fault found while executing: state this node wrote is missing or does not decode.
/// Never another node's fault; the node stops rather than judge blocks on bad data.
public enum ExecutionFault: Error, Sendable, Equatable, CustomStringConvertible {
    case missingRecord(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .missingRecord(let what): "local state is missing \(what)"
        case .corrupt(let what): "local state is corrupt: \(what)"
        }
    }
}

/// The state before genesis.
struct EmptyState: StateReader {
    func value(at key: StateKey) throws -> [UInt8]? { nil }
    func account(_ address: Address) throws -> Account { .empty }
}
