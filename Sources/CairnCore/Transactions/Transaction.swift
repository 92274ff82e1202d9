import CairnCrypto

/// The signed part of a transaction: everything but the signature.
public struct UnsignedTransaction: Sendable, Hashable, CanonicalCodable {
    public var chainID: String
    public var nonce: UInt64
    public var fee: Amount
    public var operation: Operation

    public init(chainID: String, nonce: UInt64, fee: Amount, operation: Operation) {
        self.chainID = chainID
        self.nonce = nonce
        self.fee = fee
        self.operation = operation
    }

    /// Domain tag that keeps transaction signatures from being valid as any other Cairn signature.
    public static let signingDomain = "cairn/tx/v1"

    /// SHA-256(encode_string("cairn/tx/v1") ‖ encode(unsigned transaction)). The chain id is inside,
    /// so a signature is valid on one chain only.
    public var signingHash: Hash32 { domainHash(Self.signingDomain) }

    public func signed(with key: PrivateKey) -> Transaction {
        Transaction(unsigned: self, signature: key.sign(digest: signingHash))
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(varint: nonce)
        writer.write(varint: fee)
        writer.write(operation)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        chainID = try reader.readString("chain id", limit: ChainID.maxLength)
        nonce = try reader.readVarint("nonce")
        fee = try reader.readVarint128("fee")
        operation = try reader.read(Operation.self)
    }
}

/// A signed transaction. The sender is not carried: it is the address recovered from the signature.
public struct Transaction: Sendable, Hashable, CanonicalCodable {
    public var unsigned: UnsignedTransaction
    public var signature: RecoverableSignature

    /// Largest encoded transaction accepted anywhere (decoding, mempool, blocks).
    public static let maxEncodedBytes = 16 * 1024

    public init(unsigned: UnsignedTransaction, signature: RecoverableSignature) {
        self.unsigned = unsigned
        self.signature = signature
    }

    public var chainID: String { unsigned.chainID }
    public var nonce: UInt64 { unsigned.nonce }
    public var fee: Amount { unsigned.fee }
    public var operation: Operation { unsigned.operation }

    /// SHA-256 of the full encoding, signature included.
    public static func id(ofEncoding bytes: [UInt8]) -> Hash32 { Hash32.sha256(bytes) }
    public var id: Hash32 { Self.id(ofEncoding: canonicalBytes) }

    /// Recovers the sender; throws when the signature does not recover a key for this transaction.
    public func recoverSender() throws(CryptoError) -> Address {
        try signature.recoverAddress(digest: unsigned.signingHash)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(unsigned)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        unsigned = try reader.read(UnsignedTransaction.self)
        signature = try reader.read(RecoverableSignature.self)
    }

    /// Decodes a transaction received from outside, enforcing the size limit first.
    public static func decode(_ bytes: [UInt8]) throws(CanonicalDecodingError) -> Transaction {
        guard bytes.count <= maxEncodedBytes else {
            throw .lengthExceedsLimit(field: "transaction", length: UInt64(bytes.count), limit: maxEncodedBytes)
        }
        return try Transaction(canonicalBytes: bytes)
    }
}

/// A transaction whose signature has been checked once, with what that check produced.
/// Everything after admission (ordering, block building, execution) uses this instead of verifying again.
public struct VerifiedTransaction: Sendable, Hashable {
    public let transaction: Transaction
    public let id: Hash32
    public let sender: Address
    public let encodedSize: Int

    /// Decodes nothing: checks the signature of `transaction` and records the sender.
    public init(_ transaction: Transaction) throws(CryptoError) {
        try self.init(transaction, encoding: transaction.canonicalBytes)
    }

    /// A transaction whose sender was recovered earlier under the same id (the id covers the
    /// signature, so the same id always recovers the same sender): nothing is checked again.
    public init(alreadyVerified transaction: Transaction, id: Hash32, sender: Address, encodedSize: Int) {
        self.transaction = transaction
        self.id = id
        self.sender = sender
        self.encodedSize = encodedSize
    }

    /// The same, for a caller that already holds the canonical encoding (it decoded it, or
    /// measured it), so it is not built again.
    public init(_ transaction: Transaction, encoding: [UInt8]) throws(CryptoError) {
        self.transaction = transaction
        self.id = Transaction.id(ofEncoding: encoding)
        self.sender = try transaction.recoverSender()
        self.encodedSize = encoding.count
    }
}
