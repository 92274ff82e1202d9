import CairnCore
import CairnCrypto

/// The per-block hooks (Specs/staking.md §3): what happens before a block's transactions and after.
extension Staking {
    /// Before the transactions: (1) check and punish the block's evidence, (2) record who signed
    /// the parent and jail validators that missed too much, (3) pay the reward pool (with the fees
    /// collected since) to the parent's signers. Invalid evidence makes the block invalid.
    static func beginBlock(_ context: BlockContext, _ parameters: StakingParameters, _ store: inout StateOverlay) throws {
        do {
            try validate(evidence: context.evidence, height: context.height, parameters: parameters, &store)
        } catch let error as EvidenceError {
            throw BlockRuleViolation(module: StakingModule.name, reason: error.reason, message: error.description)
        }
        try punishDoubleSigns(context.evidence, height: context.height, parameters, &store)
        try trackDowntime(height: context.height, signers: context.lastCommitSigners,
                          lastValidators: context.lastValidators, parameters, &store)
        let fees = try store.account(ModuleAccount.feeCollector).balance
        try store.move(fees, from: ModuleAccount.feeCollector, to: rewardPool)
        try distributeRewards(signers: context.lastCommitSigners, lastValidators: context.lastValidators, height: context.height, &store)
    }

    /// After the transactions: (1) complete unbondings and redelegations maturing at this height,
    /// (2) decide the active set. Returns the set that takes effect at `height + 2` when it
    /// differs from the last one decided.
    static func endBlock(_ context: BlockContext, _ parameters: StakingParameters,
                         _ store: inout StateOverlay) throws -> [EndBlockEffect] {
        try completeMatured(height: context.height, &store)
        var globals = try store.globals()
        let active = try computeActiveSet(parameters, &store)
        guard !active.isEmpty, active != globals.activeSet else { return [] }
        globals.activeSet = active
        store.set(.stakingGlobals, globals)
        store.emit(Event(module: StakingModule.name, kind: "active_set_changed",
                         [Event.Attribute("validators", String(active.count))]))
        return [.validatorSet(ValidatorSet(active))]
    }

    /// The top `max_validators` candidates by bonded tokens (ties: lower consensus address), not
    /// jailed, with at least one unit of power; sorted by address.
    static func computeActiveSet<S: StakingStore>(_ parameters: StakingParameters, _ store: inout S) throws -> [Validator] {
        var ranked: [(address: Address, tokens: Amount)] = []
        for address in try store.addressList(.candidates).addresses {
            guard let v = try store.validatorRecord(address), !v.jailed,
                  power(tokens: v.tokens, parameters: parameters) >= 1 else { continue }
            ranked.append((address, v.tokens))
        }
        ranked.sort { $0.tokens != $1.tokens ? $0.tokens > $1.tokens : $0.address < $1.address }
        return ranked.prefix(Int(min(parameters.maxValidators, UInt64(Int.max))))
            .map { Validator(address: $0.address, power: power(tokens: $0.tokens, parameters: parameters)) }
            .sorted { $0.address < $1.address }
    }
}
