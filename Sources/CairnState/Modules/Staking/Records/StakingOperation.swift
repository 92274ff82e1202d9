import CairnCore
import CairnCrypto

/// The staking operations a transaction can carry (Specs/staking.md §4). Each has its own
/// operation tag; the body of its `Operation` is the fields below in order.
public enum StakingOperation: Sendable, Hashable {
    /// Creates a validator signing with `consensusKey`, operated by the sender, bonding
    /// `selfBond` base units of the sender's balance.
    case createValidator(consensusKey: Address, commission: UInt64, selfBond: Amount)
    /// Changes what the operator may change; nil = unchanged.
    case editValidator(validator: Address, commission: UInt64?)
    case delegate(validator: Address, amount: Amount)
    /// Starts unbonding `amount` base units' worth of the sender's shares.
    case undelegate(validator: Address, amount: Amount)
    case redelegate(source: Address, destination: Address, amount: Amount)
    case unjail(validator: Address)
    case withdrawRewards(validator: Address)

    public static let createValidatorTag: UInt64 = 1
    public static let editValidatorTag: UInt64 = 2
    public static let delegateTag: UInt64 = 3
    public static let undelegateTag: UInt64 = 4
    public static let redelegateTag: UInt64 = 5
    public static let unjailTag: UInt64 = 6
    public static let withdrawRewardsTag: UInt64 = 7
    public static let tags: ClosedRange<UInt64> = 1...7

    public var tag: UInt64 {
        switch self {
        case .createValidator: Self.createValidatorTag
        case .editValidator: Self.editValidatorTag
        case .delegate: Self.delegateTag
        case .undelegate: Self.undelegateTag
        case .redelegate: Self.redelegateTag
        case .unjail: Self.unjailTag
        case .withdrawRewards: Self.withdrawRewardsTag
        }
    }

    /// Base units the operation takes from the sender's balance (besides the fee).
    public var spend: Amount {
        switch self {
        case .createValidator(_, _, let selfBond): selfBond
        case .delegate(_, let amount): amount
        default: 0
        }
    }

    /// The operation a transaction carries: the tag and the fields.
    public var operation: Operation { Operation(tag: tag) { writeFields(to: &$0) } }

    func writeFields(to writer: inout CanonicalWriter) {
        switch self {
        case .createValidator(let key, let commission, let selfBond):
            writer.write(address: key)
            writer.write(varint: commission)
            writer.write(varint: selfBond)
        case .editValidator(let validator, let commission):
            writer.write(address: validator)
            writer.write(optional: commission)
        case .delegate(let validator, let amount), .undelegate(let validator, let amount):
            writer.write(address: validator)
            writer.write(varint: amount)
        case .redelegate(let source, let destination, let amount):
            writer.write(address: source)
            writer.write(address: destination)
            writer.write(varint: amount)
        case .unjail(let validator), .withdrawRewards(let validator):
            writer.write(address: validator)
        }
    }

    /// Decodes the body of a staking operation; the whole body must be its fields.
    public init(_ operation: Operation) throws(CanonicalDecodingError) {
        var reader = operation.reader
        switch operation.tag {
        case Self.createValidatorTag:
            self = .createValidator(consensusKey: try reader.readAddress("create_validator.consensus_key"),
                                    commission: try reader.readVarint("create_validator.commission"),
                                    selfBond: try reader.readVarint128("create_validator.self_bond"))
        case Self.editValidatorTag:
            self = .editValidator(validator: try reader.readAddress("edit_validator.validator"),
                                  commission: try reader.readOptional("edit_validator.commission"))
        case Self.delegateTag:
            self = .delegate(validator: try reader.readAddress("delegate.validator"),
                             amount: try reader.readVarint128("delegate.amount"))
        case Self.undelegateTag:
            self = .undelegate(validator: try reader.readAddress("undelegate.validator"),
                               amount: try reader.readVarint128("undelegate.amount"))
        case Self.redelegateTag:
            self = .redelegate(source: try reader.readAddress("redelegate.source"),
                               destination: try reader.readAddress("redelegate.destination"),
                               amount: try reader.readVarint128("redelegate.amount"))
        case Self.unjailTag:
            self = .unjail(validator: try reader.readAddress("unjail.validator"))
        case Self.withdrawRewardsTag:
            self = .withdrawRewards(validator: try reader.readAddress("withdraw_rewards.validator"))
        default:
            throw .unknownTag(type: "staking operation", tag: operation.tag)
        }
        try reader.finish()
    }
}

extension Operation {
    /// A staking operation.
    public static func staking(_ operation: StakingOperation) -> Operation { operation.operation }
}
