import CairnCore
import CairnCrypto

public struct StakingGenesisError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { "invalid genesis staking: \(message)" }
}

/// The staking entries of the genesis state (Specs/staking.md §9).
extension Staking {
    /// Each genesis validator (address = consensus key = operator, power P) becomes a validator
    /// with P · power_reduction base units minted and self-bonded, commission 0. The genesis set
    /// governs heights 1 and 2 as given; a power above the per-validator cap is capped from the
    /// set decided at height 1 on.
    public static func genesisState<S: StakingStore>(_ genesis: Genesis, _ store: inout S) throws {
        let parameters = genesis.parameters.staking
        if let problem = parameters.problem { throw StakingGenesisError(message: problem) }
        guard UInt64(genesis.validators.validators.count) <= parameters.maxValidators else {
            throw StakingGenesisError(message: "more genesis validators than max_validators")
        }
        var candidates = AddressList()
        for v in genesis.validators.validators {
            let (tokens, overflow) = UInt128(v.power).multipliedReportingOverflow(by: parameters.powerReduction)
            guard !overflow else { throw StakingGenesisError(message: "validator \(v.address): power × power_reduction overflows") }
            store.set(.validator(v.address), ValidatorRecord(operatorAddress: v.address, tokens: tokens,
                                                             totalShares: tokens, commission: 0, createdHeight: 0))
            store.set(.delegation(v.address, v.address), DelegationRecord(shares: tokens, rewardStart: 0))
            store.set(.delegatorDelegations(v.address), AddressList([v.address]))
            candidates.insert(v.address)
        }
        store.put(.candidates, candidates)
        store.set(.stakingGlobals, StakingGlobals(activeSet: genesis.validators.validators))
    }

    /// The same entries as `StateChange`s sorted by key, for building the genesis state tree.
    public static func genesisChanges(_ genesis: Genesis) throws -> [StateChange] {
        var store = ChangeCollector()
        try genesisState(genesis, &store)
        return store.entries.keys.sorted().map { StateChange(key: $0, value: store.entries[$0]!) }
    }
}

/// Writes only, over an empty state: what genesis needs.
private struct ChangeCollector: StakingStore {
    var entries: [StateKey: [UInt8]] = [:]
    mutating func get<T: CanonicalDecodable>(_ type: T.Type, _ key: StateKey) throws -> T? {
        try entries[key].map { try T(canonicalBytes: $0) }
    }
    mutating func set(_ key: StateKey, _ value: some CanonicalEncodable) { entries[key] = value.canonicalBytes }
    mutating func delete(_ key: StateKey) { entries[key] = nil }
    mutating func account(_ address: Address) throws -> Account { try get(Account.self, .account(address)) ?? .empty }
    mutating func set(_ address: Address, _ account: Account) { set(.account(address), account) }
}
