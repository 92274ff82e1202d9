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
