import CairnCore
import CairnCrypto

/// What a delegator holds with one validator, as queries report it.
public struct DelegationInfo: Sendable, Hashable {
    public let delegator: Address
    public let validator: Address
    public let shares: UInt128
    /// Current value of the shares in base units (rounded down).
    public let tokens: Amount
    /// Rewards accrued and not yet paid (paid on the next change or `withdrawRewards`).
    public let pendingRewards: Amount
}

public struct UnbondingInfo: Sendable, Hashable {
    public let validator: Address
    public let entries: [PendingEntry]
}

public struct RedelegationInfo: Sendable, Hashable {
    public let source: Address
    public let destination: Address
    public let entries: [PendingEntry]
}

/// Read-only views for RPC (Specs/staking.md §10). Each is a few point reads through the index
/// records; none scans the state.
extension Staking {
    public static func validator<S: StakingReader>(_ consensus: Address, _ store: inout S) throws -> ValidatorRecord? {
        try store.validatorRecord(consensus)
    }

    /// Every validator record, by consensus address.
    public static func validators<S: StakingReader>(_ store: inout S) throws -> [(address: Address, record: ValidatorRecord)] {
        try store.addressList(.candidates).addresses.compactMap { a in try store.validatorRecord(a).map { (a, $0) } }
    }

    /// The active set most recently decided (it governs two heights after the block that decided it).
    public static func activeSet<S: StakingReader>(_ store: inout S) throws -> [Validator] {
        try store.globals().activeSet
    }

    public static func globals<S: StakingReader>(_ store: inout S) throws -> StakingGlobals {
        try store.globals()
    }

    public static func delegation<S: StakingReader>(_ delegator: Address, _ consensus: Address,
                                                   _ store: inout S) throws -> DelegationInfo? {
        guard let d = try store.get(DelegationRecord.self, .delegation(delegator, consensus)),
              let v = try store.validatorRecord(consensus) else { return nil }
        return DelegationInfo(delegator: delegator, validator: consensus, shares: d.shares,
                              tokens: tokens(ofShares: d.shares, v), pendingRewards: pendingRewards(d, v))
    }

    public static func delegations<S: StakingReader>(of delegator: Address, _ store: inout S) throws -> [DelegationInfo] {
        try store.addressList(.delegatorDelegations(delegator)).addresses.compactMap { try delegation(delegator, $0, &store) }
    }

    public static func unbondings<S: StakingReader>(of delegator: Address, _ store: inout S) throws -> [UnbondingInfo] {
        try store.addressList(.delegatorUnbondings(delegator)).addresses.map {
            UnbondingInfo(validator: $0, entries: try store.pending(.unbonding(delegator, $0)))
        }
    }

    public static func redelegations<S: StakingReader>(of delegator: Address, _ store: inout S) throws -> [RedelegationInfo] {
        try store.pairList(.delegatorRedelegations(delegator)).pairs.map {
            RedelegationInfo(source: $0.first, destination: $0.second,
                             entries: try store.pending(.redelegation(delegator, $0.first, $0.second)))
        }
    }

    public static func signingInfo<S: StakingReader>(_ consensus: Address, _ store: inout S) throws -> SigningInfo {
        try store.get(SigningInfo.self, .signingInfo(consensus)) ?? SigningInfo()
    }
}
