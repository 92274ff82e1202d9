import CairnCore
import CairnCrypto

/// State keys of the staking module (Specs/staking.md §2). Heights inside keys are 8 bytes
/// big-endian so keys of one namespace sort by height.
extension StateKey {
    public enum StakingNamespace {
        public static let validator: UInt8 = 0x02
        public static let delegation: UInt8 = 0x03
        public static let unbonding: UInt8 = 0x04
        public static let redelegation: UInt8 = 0x05
        public static let maturityQueue: UInt8 = 0x06
        public static let validatorUnbondings: UInt8 = 0x07
        public static let validatorRedelegations: UInt8 = 0x08
        public static let delegatorDelegations: UInt8 = 0x09
        public static let delegatorUnbondings: UInt8 = 0x0A
        public static let delegatorRedelegations: UInt8 = 0x0B
        public static let signingInfo: UInt8 = 0x0C
        public static let missedChunk: UInt8 = 0x0D
        public static let candidates: UInt8 = 0x0E
        public static let stakingGlobals: UInt8 = 0x0F
        /// A node index, not state (Specs/runtime.md §7.3): what each block paid from the reward pool.
        public static let blockRewards: UInt8 = 0x2D
    }

    /// The node index entry of what the block at `height` (in reward epoch `epoch`) paid.
    public static func blockRewards(epoch: UInt64, height: UInt64) -> StateKey {
        StateKey(namespace: StakingNamespace.blockRewards, key: epoch.bigEndianBytes + height.bigEndianBytes)
    }

    public static func validator(_ consensus: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.validator, key: consensus.bytes)
    }
    public static func delegation(_ delegator: Address, _ validator: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.delegation, key: delegator.bytes + validator.bytes)
    }
    public static func unbonding(_ delegator: Address, _ validator: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.unbonding, key: delegator.bytes + validator.bytes)
    }
    public static func redelegation(_ delegator: Address, _ source: Address, _ destination: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.redelegation, key: delegator.bytes + source.bytes + destination.bytes)
    }
    public static func maturityQueue(_ height: UInt64) -> StateKey {
        StateKey(namespace: StakingNamespace.maturityQueue, key: bigEndian(height))
    }
    public static func validatorUnbondings(_ validator: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.validatorUnbondings, key: validator.bytes)
    }
    public static func validatorRedelegations(_ source: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.validatorRedelegations, key: source.bytes)
    }
    public static func delegatorDelegations(_ delegator: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.delegatorDelegations, key: delegator.bytes)
    }
    public static func delegatorUnbondings(_ delegator: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.delegatorUnbondings, key: delegator.bytes)
    }
    public static func delegatorRedelegations(_ delegator: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.delegatorRedelegations, key: delegator.bytes)
    }
    public static func signingInfo(_ consensus: Address) -> StateKey {
        StateKey(namespace: StakingNamespace.signingInfo, key: consensus.bytes)
    }
    public static func missedChunk(_ consensus: Address, _ chunk: UInt64) -> StateKey {
        StateKey(namespace: StakingNamespace.missedChunk, key: consensus.bytes + bigEndian(chunk))
    }
    public static let candidates = StateKey(namespace: StakingNamespace.candidates, key: [])
    public static let stakingGlobals = StateKey(namespace: StakingNamespace.stakingGlobals, key: [])

    private static func bigEndian(_ value: UInt64) -> [UInt8] { value.bigEndianBytes }
}
