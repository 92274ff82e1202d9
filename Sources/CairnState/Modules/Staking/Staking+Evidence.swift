import CairnCore
import CairnCrypto

/// Double-sign evidence (Specs/staking.md §6.1, §6.2): checked against state before the block
/// (BlockVerifier and beginBlock use the same check), then punished in beginBlock.
extension Staking {
    /// Throws the first rule a block's evidence list breaks, in list order.
    /// Signatures are not checked here: the block verifier checks each piece once, and a
    /// proposer's own evidence comes from votes its engine verified.
    public static func validate<S: StakingReader>(evidence: [DuplicateVoteEvidence], height: UInt64,
                                                  parameters: StakingParameters, _ store: inout S) throws {
        guard UInt64(evidence.count) <= parameters.maxEvidencePerBlock else {
            throw EvidenceError.tooMany(count: evidence.count, limit: parameters.maxEvidencePerBlock)
        }
        var seen = AddressList()
        for (i, e) in evidence.enumerated() {
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
    public static func admissibleEvidence<S: StakingReader>(_ candidates: [DuplicateVoteEvidence], height: UInt64,
                                                            parameters: StakingParameters,
                                                            _ store: inout S) throws -> [DuplicateVoteEvidence] {
        var chosen: [DuplicateVoteEvidence] = []
        for e in candidates where UInt64(chosen.count) < parameters.maxEvidencePerBlock {
            do {
                try validate(evidence: chosen + [e], height: height, parameters: parameters, &store)
                chosen.append(e)
            } catch is EvidenceError {
                continue
            }
        }
        return chosen
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
