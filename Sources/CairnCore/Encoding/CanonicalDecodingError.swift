/// Why a byte string is not the canonical encoding of a value.
public enum CanonicalDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended while `field` was being read.
    case truncated(field: String)
    /// Bytes were left over after a complete value.
    case trailingBytes(count: Int)
    /// A varint used more bytes than its value needs.
    case nonMinimalVarint(field: String)
    /// A varint does not fit the integer type of `field`.
    case varintOverflow(field: String)
    /// A length or count is above the limit the format sets for `field`.
    case lengthExceedsLimit(field: String, length: UInt64, limit: Int)
    /// An enum tag this protocol version does not define.
    case unknownTag(type: String, tag: UInt64)
    /// A structurally valid value that breaks a rule of its type.
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .truncated(let field): "input ends in the middle of \(field)"
        case .trailingBytes(let n): "\(n) unexpected byte(s) after the end of the value"
        case .nonMinimalVarint(let field): "\(field) is not minimally encoded"
        case .varintOverflow(let field): "\(field) is too large for its type"
        case .lengthExceedsLimit(let field, let length, let limit):
            "\(field) has length \(length), above the limit of \(limit)"
        case .unknownTag(let type, let tag): "unknown \(type) tag \(tag)"
        case .invalidValue(let field, let reason): "invalid \(field): \(reason)"
        }
    }
}
