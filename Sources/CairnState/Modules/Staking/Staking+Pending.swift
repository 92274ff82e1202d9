import CairnCore
import CairnCrypto

/// Unbonding and redelegation entries, their indexes and the maturity queue (Specs/staking.md §5).
extension Staking {
    /// Checks that one more entry fits for the pair and, for a new pair, in the validator's
    /// index, so the operation fails before it changes anything.
    static func checkRoom<S: StakingStore>(entries key: StateKey, validatorIndexCount: Int, newPair: Bool,
                                           height: UInt64, validator: Address, _ parameters: StakingParameters,
                                           _ store: inout S) throws {
        let entries = try store.pending(key)
        let merges = entries.last?.creationHeight == height
        guard merges || UInt64(entries.count) < parameters.maxEntries else {
            throw StakingRejection.tooManyEntries(limit: parameters.maxEntries)
        }
        guard !newPair || UInt64(validatorIndexCount) < parameters.maxPendingPerValidator else {
            throw StakingRejection.validatorQueueFull(validator: validator, limit: parameters.maxPendingPerValidator)
        }
    }

    static func checkUnbondingRoom<S: StakingStore>(_ delegator: Address, _ consensus: Address, height: UInt64,
                                                    _ parameters: StakingParameters, _ store: inout S) throws {
        let mine = try store.addressList(.delegatorUnbondings(delegator))
        guard mine.contains(consensus) || UInt64(mine.count) < parameters.maxDelegationsPerDelegator else {
            throw StakingRejection.tooManyPendingPairs(limit: parameters.maxDelegationsPerDelegator)
        }
        let index = try store.addressList(.validatorUnbondings(consensus))
        try checkRoom(entries: .unbonding(delegator, consensus), validatorIndexCount: index.count,
                      newPair: !index.contains(delegator), height: height, validator: consensus, parameters, &store)
    }

    static func checkRedelegationRoom<S: StakingStore>(_ delegator: Address, _ source: Address, _ destination: Address,
                                                       height: UInt64, _ parameters: StakingParameters,
                                                       _ store: inout S) throws {
        let mine = try store.pairList(.delegatorRedelegations(delegator))
        guard mine.contains(AddressPair(source, destination)) || UInt64(mine.count) < parameters.maxDelegationsPerDelegator else {
            throw StakingRejection.tooManyPendingPairs(limit: parameters.maxDelegationsPerDelegator)
        }
        let index = try store.pairList(.validatorRedelegations(source))
        try checkRoom(entries: .redelegation(delegator, source, destination), validatorIndexCount: index.count,
                      newPair: !index.contains(AddressPair(delegator, destination)), height: height,
                      validator: source, parameters, &store)
    }

    /// Appends an entry (or adds to this height's entry), completing `unbonding_blocks` later.
    private static func addEntry<S: StakingStore>(_ key: StateKey, _ amount: Amount, height: UInt64,
                                                  _ parameters: StakingParameters, _ store: inout S) throws -> UInt64 {
        var entries = try store.pending(key)
        let completion = IntegerMath.add(height, parameters.unbondingBlocks)
        if let last = entries.indices.last, entries[last].creationHeight == height {
            entries[last].initialAmount += amount
            entries[last].balance += amount
        } else {
            entries.append(PendingEntry(creationHeight: height, completionHeight: completion,
                                        initialAmount: amount, balance: amount))
        }
        store.put(key, entries)
        return completion
    }

    static func addUnbonding<S: StakingStore>(_ delegator: Address, _ consensus: Address, _ amount: Amount,
                                              height: UInt64, _ parameters: StakingParameters, _ store: inout S) throws {
        let completion = try addEntry(.unbonding(delegator, consensus), amount, height: height, parameters, &store)
        var byValidator = try store.addressList(.validatorUnbondings(consensus))
        if byValidator.insert(delegator) { store.put(.validatorUnbondings(consensus), byValidator) }
        var byDelegator = try store.addressList(.delegatorUnbondings(delegator))
        if byDelegator.insert(consensus) { store.put(.delegatorUnbondings(delegator), byDelegator) }
        try enqueue(.unbonding(delegator: delegator, validator: consensus), at: completion, &store)
    }

    static func addRedelegation<S: StakingStore>(_ delegator: Address, _ source: Address, _ destination: Address,
                                                 _ amount: Amount, height: UInt64, _ parameters: StakingParameters,
                                                 _ store: inout S) throws {
        let completion = try addEntry(.redelegation(delegator, source, destination), amount, height: height,
                                      parameters, &store)
        var bySource = try store.pairList(.validatorRedelegations(source))
        if bySource.insert(AddressPair(delegator, destination)) { store.put(.validatorRedelegations(source), bySource) }
        var byDelegator = try store.pairList(.delegatorRedelegations(delegator))
        if byDelegator.insert(AddressPair(source, destination)) {
            store.put(.delegatorRedelegations(delegator), byDelegator)
        }
        try enqueue(.redelegation(delegator: delegator, source: source, destination: destination), at: completion, &store)
    }

    private static func enqueue<S: StakingStore>(_ item: MaturityItem, at height: UInt64, _ store: inout S) throws {
        var queue = try store.get(MaturityQueue.self, .maturityQueue(height)) ?? MaturityQueue()
        guard !queue.items.contains(item) else { return }
        queue.items.append(item)
        store.set(.maturityQueue(height), queue)
    }

    /// Whether `delegator` has redelegated stake into `validator` that has not completed yet.
    static func hasImmatureRedelegation<S: StakingStore>(_ delegator: Address, into validator: Address,
                                                         _ store: inout S) throws -> Bool {
        try store.pairList(.delegatorRedelegations(delegator)).pairs.contains { $0.second == validator }
    }

    /// Completes everything queued for `height`: pays matured unbonding entries to their
    /// delegators and drops matured redelegation entries, in queue order.
    static func completeMatured<S: StakingStore>(height: UInt64, _ store: inout S) throws {
        guard let queue = try store.get(MaturityQueue.self, .maturityQueue(height)) else { return }
        store.delete(.maturityQueue(height))
        for item in queue.items {
            switch item {
            case .unbonding(let delegator, let validator):
                let entries = try store.pending(.unbonding(delegator, validator))
                let matured = entries.filter { $0.completionHeight <= height }
                let kept = entries.filter { $0.completionHeight > height }
                try store.credit(delegator, matured.reduce(Amount(0)) { $0 + $1.balance })
                store.put(.unbonding(delegator, validator), kept)
                if kept.isEmpty {
                    var byValidator = try store.addressList(.validatorUnbondings(validator))
                    byValidator.remove(delegator)
                    store.put(.validatorUnbondings(validator), byValidator)
                    var byDelegator = try store.addressList(.delegatorUnbondings(delegator))
                    byDelegator.remove(validator)
                    store.put(.delegatorUnbondings(delegator), byDelegator)
                }
            case .redelegation(let delegator, let source, let destination):
                let key = StateKey.redelegation(delegator, source, destination)
                let kept = try store.pending(key).filter { $0.completionHeight > height }
                store.put(key, kept)
                if kept.isEmpty {
                    var bySource = try store.pairList(.validatorRedelegations(source))
                    bySource.remove(AddressPair(delegator, destination))
                    store.put(.validatorRedelegations(source), bySource)
                    var byDelegator = try store.pairList(.delegatorRedelegations(delegator))
                    byDelegator.remove(AddressPair(source, destination))
                    store.put(.delegatorRedelegations(delegator), byDelegator)
                }
            }
        }
    }
}
