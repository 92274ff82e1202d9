import CairnCore
import CairnCrypto

/// A validator candidate, keyed by its consensus address (the key that signs votes).
/// Delegators own shares of `tokens`; slashing lowers `tokens` only, so every bonded
/// delegation loses the same fraction at once.
public struct ValidatorRecord: Sendable, Hashable, CanonicalCodable {
    /// The account that created it and alone may edit or unjail it.
    public var operatorAddress: Address
    /// Bonded base units, self-bond and delegations together.
    public var tokens: Amount
    public var totalShares: UInt128
    /// Share (ppm) of this validator's rewards its operator keeps.
    public var commission: UInt64
    /// 1 + the epoch of the last commission change; 0 = never changed.
    public var commissionChangedEpoch: UInt64
    public var jailed: Bool
    /// First height at which `unjail` may apply.
    public var jailedUntil: UInt64
    /// Double-signed: jailed forever.
    public var tombstoned: Bool
    /// Delegator rewards per share, scaled by `Staking.rewardScale`, since creation.
    public var rewardPerShare: UInt128
    /// Remainder (in scaled units, below `totalShares`) not yet in `rewardPerShare`.
    public var rewardCarry: UInt128
    /// Base units credited to delegators and not yet paid out.
    public var rewardPool: Amount
    public var createdHeight: UInt64

    public init(operatorAddress: Address, tokens: Amount, totalShares: UInt128, commission: UInt64,
                commissionChangedEpoch: UInt64 = 0, jailed: Bool = false, jailedUntil: UInt64 = 0,
                tombstoned: Bool = false, rewardPerShare: UInt128 = 0, rewardCarry: UInt128 = 0,
                rewardPool: Amount = 0, createdHeight: UInt64) {
        self.operatorAddress = operatorAddress
        self.tokens = tokens
        self.totalShares = totalShares
        self.commission = commission
        self.commissionChangedEpoch = commissionChangedEpoch
        self.jailed = jailed
        self.jailedUntil = jailedUntil
        self.tombstoned = tombstoned
        self.rewardPerShare = rewardPerShare
        self.rewardCarry = rewardCarry
        self.rewardPool = rewardPool
        self.createdHeight = createdHeight
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: operatorAddress)
        writer.write(varint: tokens)
        writer.write(varint: totalShares)
        writer.write(varint: commission)
        writer.write(varint: commissionChangedEpoch)
        writer.write(bool: jailed)
        writer.write(varint: jailedUntil)
        writer.write(bool: tombstoned)
        writer.write(varint: rewardPerShare)
        writer.write(varint: rewardCarry)
        writer.write(varint: rewardPool)
        writer.write(varint: createdHeight)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        operatorAddress = try reader.readAddress("validator.operator")
        tokens = try reader.readVarint128("validator.tokens")
        totalShares = try reader.readVarint128("validator.total_shares")
        commission = try reader.readVarint("validator.commission")
        commissionChangedEpoch = try reader.readVarint("validator.commission_changed_epoch")
        jailed = try reader.readBool("validator.jailed")
        jailedUntil = try reader.readVarint("validator.jailed_until")
        tombstoned = try reader.readBool("validator.tombstoned")
        rewardPerShare = try reader.readVarint128("validator.reward_per_share")
        rewardCarry = try reader.readVarint128("validator.reward_carry")
        rewardPool = try reader.readVarint128("validator.reward_pool")
        createdHeight = try reader.readVarint("validator.created_height")
    }
}
