import CairnCore
import CairnCrypto

/// Double-sign evidence (Specs/staking.md §6.2): checked against state before the block
/// (BlockVerifier and beginBlock use the same check), then punished in beginBlock.
extension Staking {
    /// Throws the first rule a block's evidence list breaks, in list order.
    public static func validate<S: StakingStore>(evidence: [DuplicateVoteEvidence], height: UInt64, chainID: String,
                                                 parameters: StakingParameters, _ store: inout S) throws {
        guard UInt64(evidence.count) <= parameters.maxEvidencePerBlock else {
            throw EvidenceError.tooMany(count: evidence.count, limit: parameters.maxEvidencePerBlock)
        }
        var seen = AddressList()
        for (i, e) in evidence.enumerated() {
            guard e.hasValidSignatures(chainID: chainID) else { throw EvidenceError.badSignature(index: i) }
            guard e.height < height else {
                throw EvidenceError.notInPast(index: i, evidenceHeight: e.height, blockHeight: height)
            }
            let age = height - e.height
            guard age <= parameters.maxEvidenceAge else {
                throw EvidenceError.tooOld(index: i, age: age, maximum: parameters.maxEvidenceAge)
            }
            guard let validator = try store.validatorRecord(e.validator) else {
                throw EvidenceError.unknownValidator(index: i, e.validator)
            }
            guard e.height >= validator.createdHeight else {
                throw EvidenceError.beforeValidatorExisted(index: i, e.validator, createdHeight: validator.createdHeight)
            }
            guard !validator.tombstoned else { throw EvidenceError.alreadyTombstoned(index: i, e.validator) }
            guard seen.insert(e.validator) else { throw EvidenceError.duplicate(index: i, e.validator) }
        }
    }

    /// What a proposer may put in its block: the candidates that pass `validate` one by one, in
    /// order, without a second item for the same validator, at most `max_evidence_per_block`.
    public static func admissibleEvidence<S: StakingStore>(_ candidates: [DuplicateVoteEvidence], height: UInt64,
                                                           chainID: String, parameters: StakingParameters,
                                                           _ store: inout S) throws -> [DuplicateVoteEvidence] {
        var chosen: [DuplicateVoteEvidence] = []
        for e in candidates where UInt64(chosen.count) < parameters.maxEvidencePerBlock {
            do {
                try validate(evidence: chosen + [e], height: height, chainID: chainID, parameters: parameters, &store)
                chosen.append(e)
            } catch is EvidenceError {
                continue
            }
        }
        return chosen
    }

    /// `validate` against committed state (an evidence pool checking what it holds).
    public static func validate(evidence: [DuplicateVoteEvidence], height: UInt64, chainID: String,
                                parameters: StakingParameters, state: any StateReader) throws {
        var overlay = StateOverlay(base: state)
        try validate(evidence: evidence, height: height, chainID: chainID, parameters: parameters, &overlay)
    }

    /// `admissibleEvidence` against committed state (a proposer choosing its block's evidence).
    public static func admissibleEvidence(_ candidates: [DuplicateVoteEvidence], height: UInt64, chainID: String,
                                          parameters: StakingParameters, state: any StateReader) throws -> [DuplicateVoteEvidence] {
        var overlay = StateOverlay(base: state)
        return try admissibleEvidence(candidates, height: height, chainID: chainID, parameters: parameters, &overlay)
    }

    /// Slashes, jails and tombstones each validator the (validated) evidence names.
    static func punishDoubleSigns<S: StakingStore>(_ evidence: [DuplicateVoteEvidence], height: UInt64,
                                                   _ parameters: StakingParameters, _ store: inout S) throws {
        for e in evidence {
            try slash(e.validator, infractionHeight: e.height, fraction: parameters.slashFractionDoubleSign,
                      height: height, &store)
            try jail(e.validator, until: .max, tombstone: true, &store)
        }
    }
}
