import CairnCrypto

/// The steps a validator signs at, in the order it signs them within one round.
public enum SignStep: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
    case proposal = 1
    case prevote = 2
    case precommit = 3

    public static func < (a: SignStep, b: SignStep) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .proposal: "proposal"
        case .prevote: "prevote"
        case .precommit: "precommit"
        }
    }
}

/// (height, round, step), ordered lexicographically: a validator only ever signs at increasing
/// positions, except that it may sign the very same message again.
public struct SignPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let height: UInt64
    public let round: UInt64
    public let step: SignStep

    public init(height: UInt64, round: UInt64, step: SignStep) {
        self.height = height
        self.round = round
        self.step = step
    }

    public static func < (a: SignPosition, b: SignPosition) -> Bool {
        (a.height, a.round, a.step.rawValue) < (b.height, b.round, b.step.rawValue)
    }

    public var description: String { "\(step) at height \(height) round \(round)" }
}

/// What a signed proposal or vote said besides its position: the block (nil for a vote for no
/// block) and, for a proposal, its proof-of-lock round. With the chain id and the position it is
/// the whole signed message, so a restarted validator can send its last vote again.
public struct SignedContent: Sendable, Hashable {
    public let blockID: Hash32?
    public let polRound: UInt64?

    public init(blockID: Hash32?, polRound: UInt64? = nil) {
        self.blockID = blockID
        self.polRound = polRound
    }
}

/// The last thing the validator signed: enough to refuse a conflicting message, to hand out the
/// same signature again for the same message, and to rebuild that message.
public struct SignRecord: Sendable, Hashable {
    public let position: SignPosition
    public let signingHash: Hash32
    public let signature: RecoverableSignature
    /// Nil only in sign-state files written before the content was stored.
    public let content: SignedContent?

    public init(position: SignPosition, signingHash: Hash32, signature: RecoverableSignature, content: SignedContent?) {
        self.position = position
        self.signingHash = signingHash
        self.signature = signature
        self.content = content
    }
}
