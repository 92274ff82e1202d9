import CairnCore
import CairnCrypto

/// The per-block hooks (Specs/staking.md §3): what happens before a block's transactions and after.
extension Staking {
    /// Before the transactions: (1) check and punish the block's evidence, (2) record who signed
    /// the parent and jail validators that missed too much, (3) pay the reward pot to the
    /// parent's signers. Throws `EvidenceError` when the evidence is invalid (the block is invalid).
    public static func beginBlock<S: StakingStore>(_ context: BlockContext, chainID: String, _ store: inout S) throws {
        let parameters = context.parameters.staking
        try validate(evidence: context.evidence, height: context.height, chainID: chainID, parameters: parameters, &store)
        try punishDoubleSigns(context.evidence, height: context.height, parameters, &store)
        try trackDowntime(height: context.height, signers: context.lastCommitSigners,
                          lastValidators: context.lastValidators, parameters, &store)
        try distributeRewards(signers: context.lastCommitSigners, lastValidators: context.lastValidators, &store)
    }

    /// After the transactions: (1) complete unbondings and redelegations maturing at this height,
    /// (2) add this block's emission to the reward pot, (3) decide the active set. Returns the set
    /// that takes effect at `height + 2` when it differs from the last one decided, else nil.
    public static func endBlock<S: StakingStore>(_ context: BlockContext, _ store: inout S) throws -> ValidatorSet? {
        let parameters = context.parameters.staking
        try completeMatured(height: context.height, &store)
        var globals = try store.globals()
        // Emission stops rather than overflow (only conceivable with an absurd genesis parameter).
        var minted = emission(at: context.height, parameters)
        if globals.rewardPot.addingReportingOverflow(minted).overflow || globals.emitted.addingReportingOverflow(minted).overflow {
            minted = 0
        }
        if minted > 0 {
            globals.rewardPot += minted
            globals.emitted += minted
            store.set(.stakingGlobals, globals)
        }
        let active = try computeActiveSet(parameters, &store)
        guard !active.isEmpty, active != globals.activeSet else { return nil }
        globals.activeSet = active
        store.set(.stakingGlobals, globals)
        return ValidatorSet(active)
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
