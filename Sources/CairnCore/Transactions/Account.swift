import CairnCrypto

/// An account's state. An account that was never touched reads as balance 0, nonce 0.
public struct Account: Sendable, Hashable, CanonicalCodable {
    public var balance: Amount
    /// The nonce the account's next transaction must carry.
    public var nonce: UInt64

    public static let empty = Account(balance: 0, nonce: 0)

    public init(balance: Amount, nonce: UInt64) {
        self.balance = balance
        self.nonce = nonce
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: balance)
        writer.write(varint: nonce)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        balance = try reader.readVarint128("account.balance")
        nonce = try reader.readVarint("account.nonce")
    }
}
