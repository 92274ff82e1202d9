import CairnCore
import CairnCrypto

/// The staking module behind the runtime's seam (Specs/staking.md): validators, delegation,
/// rewards, slashing. The rules are `Staking`'s; this type routes the runtime's hooks to them.
public struct StakingModule: ChainModule {
    public static let name = "staking"
    public static let namespaces: [UInt8] = [
        StateKey.StakingNamespace.validator, StateKey.StakingNamespace.delegation, StateKey.StakingNamespace.unbonding,
        StateKey.StakingNamespace.redelegation, StateKey.StakingNamespace.maturityQueue,
        StateKey.StakingNamespace.validatorUnbondings, StateKey.StakingNamespace.validatorRedelegations,
        StateKey.StakingNamespace.delegatorDelegations, StateKey.StakingNamespace.delegatorUnbondings,
        StateKey.StakingNamespace.delegatorRedelegations, StateKey.StakingNamespace.signingInfo,
        StateKey.StakingNamespace.missedChunk, StateKey.StakingNamespace.candidates, StateKey.StakingNamespace.stakingGlobals,
        StateKey.StakingNamespace.blockRewards,
    ]
    public static let operationTags: [UInt64] = Array(StakingOperation.tags)
    public static let emissionPools: [String] = [Staking.rewardPoolName]

    public init() {}

    public static func decode(_ operation: Operation) throws(CanonicalDecodingError) -> StakingOperation {
        try StakingOperation(operation)
    }

    public static func spend(_ operation: StakingOperation) -> Amount { operation.spend }

    public static var operationSchemas: [JSONValue] {
        let address = QuerySchema.address, amount = QuerySchema.amount, integer = QuerySchema.integer
        func form(_ type: String, _ fields: [String: JSONValue]) -> JSONValue {
            QuerySchema.object(fields.merging(["type": ["const": .string(type)]]) { a, _ in a })
        }
        return [
            form("create_validator", ["consensus_key": address, "commission": integer, "self_bond": amount]),
            form("edit_validator", ["validator": address, "commission": ["type": ["integer", "null"], "minimum": 0]]),
            form("delegate", ["validator": address, "amount": amount]),
            form("undelegate", ["validator": address, "amount": amount]),
            form("redelegate", ["source": address, "destination": address, "amount": amount]),
            form("unjail", ["validator": address]),
            form("withdraw_rewards", ["validator": address]),
        ]
    }

    /// Field names as in Specs/staking.md §4.
    public static func json(_ op: StakingOperation) -> JSONValue {
        func amount(_ a: Amount) -> JSONValue { .string(String(a)) }
        func int(_ v: UInt64) -> JSONValue { .integer(Int64(clamping: v)) }
        switch op {
        case .createValidator(let key, let commission, let selfBond):
            return ["type": "create_validator", "consensus_key": .string(key.checksummed), "commission": int(commission),
                    "self_bond": amount(selfBond)]
        case .editValidator(let validator, let commission):
            return ["type": "edit_validator", "validator": .string(validator.checksummed),
                    "commission": commission.map(int) ?? .null]
        case .delegate(let validator, let a):
            return ["type": "delegate", "validator": .string(validator.checksummed), "amount": amount(a)]
        case .undelegate(let validator, let a):
            return ["type": "undelegate", "validator": .string(validator.checksummed), "amount": amount(a)]
        case .redelegate(let source, let destination, let a):
            return ["type": "redelegate", "source": .string(source.checksummed),
                    "destination": .string(destination.checksummed), "amount": amount(a)]
        case .unjail(let validator):
            return ["type": "unjail", "validator": .string(validator.checksummed)]
        case .withdrawRewards(let validator):
            return ["type": "withdraw_rewards", "validator": .string(validator.checksummed)]
        }
    }

    public func genesis(_ genesis: Genesis, _ parameters: StakingParameters, _ state: inout StateOverlay) throws {
        try Staking.genesisState(genesis, parameters, &state)
    }

    public func beginBlock(_ block: BlockContext, _ parameters: StakingParameters, _ state: inout StateOverlay) throws {
        try Staking.beginBlock(block, parameters, &state)
    }

    public func apply(_ operation: StakingOperation, sender: Address, _ block: BlockContext,
                      _ parameters: StakingParameters, _ state: inout StateOverlay) throws {
        try Staking.apply(operation, sender: sender, height: block.height, parameters: parameters, &state)
        // The event is the operation's JSON form, flattened: its type, the sender and each field.
        let form = Self.json(operation)
        var attributes = [Event.Attribute("sender", Event.value(sender))]
        for (key, value) in (form.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) where key != "type" {
            switch value {
            case .string(let text): attributes.append(Event.Attribute(key, text.hasPrefix("0x") ? text.lowercased() : text))
            case .integer(let n): attributes.append(Event.Attribute(key, String(n)))
            default: attributes.append(Event.Attribute(key, ""))
            }
        }
        state.emit(Event(module: Self.name, kind: form["type"]?.stringValue ?? "operation", attributes))
    }

    public func endBlock(_ block: BlockContext, _ parameters: StakingParameters,
                         _ state: inout StateOverlay) throws -> [EndBlockEffect] {
        try Staking.endBlock(block, parameters, &state)
    }

    public func queries() -> [ModuleQuery] { StakingQueries.all }

    /// The admissible evidence in order, at most `max_evidence_per_block`; a piece that fails on
    /// its own for a reason no later block changes (too old, unknown or tombstoned validator,
    /// before the validator existed) is refused for good. Pending evidence older than
    /// `max_evidence_age` is worthless, and more than one piece per possible validator
    /// (`max_candidates`) is never needed: the first punishment tombstones.
    public func selectEvidence(_ candidates: [DuplicateVoteEvidence], _ block: BlockContext,
                               _ parameters: StakingParameters, _ state: inout StateOverlay) throws -> EvidenceSelection {
        let chosen = try Staking.admissibleEvidence(candidates, height: block.height, parameters: parameters, &state)
        var refused: [EvidenceSelection.Refusal] = []
        for e in candidates where !chosen.contains(e) {
            do {
                try Staking.validate(evidence: [e], height: block.height, parameters: parameters, &state)
            } catch let error as EvidenceError {
                switch error {
                case .tooOld, .unknownValidator, .alreadyTombstoned, .beforeValidatorExisted:
                    refused.append(.init(e, error.description))
                case .tooMany, .notInPast, .duplicate:
                    break
                }
            }
        }
        return EvidenceSelection(chosen: chosen, refused: refused, maxAge: parameters.maxEvidenceAge,
                                 maxPending: Int(clamping: parameters.maxCandidates))
    }
}
