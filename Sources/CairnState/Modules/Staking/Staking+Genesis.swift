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
    static func genesisState(_ genesis: Genesis, _ parameters: StakingParameters, _ store: inout StateOverlay) throws {
        guard UInt64(genesis.validators.validators.count) <= parameters.maxValidators else {
            throw StakingGenesisError(message: "\(genesis.validators.validators.count) genesis validators, but params.staking.max_validators is \(parameters.maxValidators)")
        }
        var candidates = AddressList()
        var stake: Amount = 0
        for v in genesis.validators.validators {
            let (tokens, o1) = UInt128(v.power).multipliedReportingOverflow(by: parameters.powerReduction)
            let (sum, o2) = stake.addingReportingOverflow(tokens)
            guard !o1, !o2 else { throw StakingGenesisError(message: "validator \(v.address): power × power_reduction overflows") }
            stake = sum
            store.set(.validator(v.address), ValidatorRecord(operatorAddress: v.address, tokens: tokens,
                                                             totalShares: tokens, commission: 0, createdHeight: 0))
            store.set(.delegation(v.address, v.address), DelegationRecord(shares: tokens, rewardStart: 0))
            store.set(.delegatorDelegations(v.address), AddressList([v.address]))
            candidates.insert(v.address)
        }
        store.put(.candidates, candidates)
        store.set(.stakingGlobals, StakingGlobals(activeSet: genesis.validators.validators))
        // Genesis stake is minted: it is part of the supply, held bonded outside any balance.
        do { try store.recordGenesisSupply(stake) } catch {
            throw StakingGenesisError(message: "total supply with the validators' stake overflows 128 bits")
        }
    }
}
