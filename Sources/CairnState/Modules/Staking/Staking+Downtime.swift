import CairnCore
import CairnCrypto

/// Downtime (Specs/staking.md §6.3): a sliding window of signed/missed bits per validator,
/// updated once per block for each validator of the previous block's set.
extension Staking {
    static func trackDowntime<S: StakingStore>(height: UInt64, signers: [Address], lastValidators: ValidatorSet?,
                                               _ parameters: StakingParameters, _ store: inout S) throws {
        guard let set = lastValidators, height >= 2 else { return }
        let window = parameters.signedBlocksWindow
        for member in set.validators {
            let consensus = member.address
            guard let validator = try store.validatorRecord(consensus), !validator.jailed else { continue }
            var info = try store.get(SigningInfo.self, .signingInfo(consensus)) ?? SigningInfo()
            let index = info.indexOffset % window
            let chunkKey = StateKey.missedChunk(consensus, index / MissedChunk.bits)
            var chunk = try store.get(MissedChunk.self, chunkKey) ?? MissedChunk()
            let missed = !contains(signers, consensus)
            let wasMissed = chunk.bit(index % MissedChunk.bits)
            if missed != wasMissed {
                chunk.set(index % MissedChunk.bits, missed)
                if chunk.isEmpty { store.delete(chunkKey) } else { store.set(chunkKey, chunk) }
                if missed { info.missedCount += 1 } else { info.missedCount -= 1 }
            }
            info.indexOffset += 1
            if info.indexOffset >= window && info.missedCount > parameters.maxMissedPerWindow {
                try slash(consensus, infractionHeight: height - 1, fraction: parameters.slashFractionDowntime,
                          height: height, &store)
                try jail(consensus, until: IntegerMath.add(height, parameters.downtimeJailBlocks), tombstone: false, &store)
                try resetSigningInfo(consensus, parameters, &store)
            } else {
                store.set(.signingInfo(consensus), info)
            }
        }
    }

    /// Forgets a validator's window (after jailing, and on unjail): it starts afresh.
    /// Deletes only what exists, so a reset of an untracked validator changes nothing.
    static func resetSigningInfo<S: StakingStore>(_ consensus: Address, _ parameters: StakingParameters,
                                                  _ store: inout S) throws {
        if try store.get(SigningInfo.self, .signingInfo(consensus)) != nil { store.delete(.signingInfo(consensus)) }
        let chunks = (parameters.signedBlocksWindow + MissedChunk.bits - 1) / MissedChunk.bits
        for c in 0..<chunks where try store.get(MissedChunk.self, .missedChunk(consensus, c)) != nil {
            store.delete(.missedChunk(consensus, c))
        }
    }
}
