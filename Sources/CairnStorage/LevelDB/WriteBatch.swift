import CairnCore

/// An ordered list of puts and deletes that ``LevelDB/write(_:sync:)`` applies atomically:
/// after a crash either all of them are visible or none is.
///
/// It is a plain value (not a wrapper of `leveldb_writebatch_t`) so that it can be built on any
/// thread, copied, passed between tasks and inspected in tests; the C batch exists only for the
/// duration of a `write` call. Operations apply in the order recorded, so a later operation on the
/// same key wins (a put followed by a delete of that key leaves the key absent).
public struct WriteBatch: Sendable, Equatable {
    /// One recorded operation.
    public enum Operation: Sendable, Equatable {
        case put(key: [UInt8], value: [UInt8])
        case delete(key: [UInt8])

        /// The key the operation writes.
        public var key: [UInt8] {
            switch self {
            case .put(let key, _), .delete(let key): return key
            }
        }
    }

    /// The operations, in the order they will be applied.
    public private(set) var operations: [Operation] = []

    /// The size LevelDB's own encoding of this batch will have (12-byte header, then per
    /// operation a tag byte and varint-length-prefixed key and value). Useful for cutting a large
    /// import into batches of bounded size.
    public private(set) var approximateBytes: Int = WriteBatch.headerBytes

    private static let headerBytes = 12

    public init() {}

    /// Records that `key` must hold `value` (which may be empty).
    public mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        operations.append(.put(key: key, value: value))
        approximateBytes += Self.encodedSize(of: operations[operations.count - 1])
    }

    /// Records that `key` must be absent. Deleting an absent key is not an error.
    public mutating func delete(_ key: [UInt8]) {
        operations.append(.delete(key: key))
        approximateBytes += Self.encodedSize(of: operations[operations.count - 1])
    }

    /// Appends the operations of `other` after those already recorded.
    public mutating func append(contentsOf other: WriteBatch) {
        operations.append(contentsOf: other.operations)
        approximateBytes += other.approximateBytes - Self.headerBytes
    }

    /// Forgets every recorded operation.
    public mutating func removeAll() {
        operations.removeAll()
        approximateBytes = Self.headerBytes
    }

    /// Number of recorded operations.
    public var count: Int { operations.count }

    public var isEmpty: Bool { operations.isEmpty }

    private static func encodedSize(of operation: Operation) -> Int {
        switch operation {
        case .put(let key, let value):
            return 1 + varintSize(key.count) + key.count + varintSize(value.count) + value.count
        case .delete(let key):
            return 1 + varintSize(key.count) + key.count
        }
    }

    /// LevelDB's varints are the canonical encoding's (unsigned LEB128).
    private static func varintSize(_ value: Int) -> Int { CanonicalWriter.varintSize(UInt64(value)) }
}
