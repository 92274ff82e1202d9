import Crypto

/// A 32-byte digest: block ids, transaction ids, Merkle nodes, state roots.
public struct Hash32: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let zero = Hash32(unchecked: [UInt8](repeating: 0, count: 32))

    /// Wraps exactly 32 bytes; returns nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    public init(unchecked bytes: [UInt8]) {
        precondition(bytes.count == 32, "Hash32 needs 32 bytes")
        self.bytes = bytes
    }

    /// Parses `0x`-prefixed (or bare) hex of exactly 32 bytes.
    public init(hex: String) throws(Hex.Error) {
        self.bytes = try Hex.decode(hex, count: 32)
    }

    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> Hash32 {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hash32(hasher.finalize())
    }

    /// SHA-256 of the concatenation of `parts`, without building the concatenation.
    public static func sha256(parts: [UInt8]...) -> Hash32 {
        var hasher = SHA256()
        for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return Hash32(hasher.finalize())
    }

    /// SHA-256(prefix ‖ a ‖ b): a Merkle node (a tree of transactions, of a deal's data, the state
    /// tree), hashed from one 65-byte stack buffer. The general forms allocate the concatenation or
    /// the list of parts, which showed in the profile of every tree walk.
    public static func sha256(prefix: UInt8, _ a: Hash32, _ b: Hash32) -> Hash32 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65) { buffer in
            buffer[0] = prefix
            a.bytes.withUnsafeBufferPointer { source in
                for i in 0..<32 { buffer[1 + i] = source[i] }
            }
            b.bytes.withUnsafeBufferPointer { source in
                for i in 0..<32 { buffer[33 + i] = source[i] }
            }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            return Hash32(hasher.finalize())
        }
    }

    /// SHA-256(prefix ‖ bytes): a Merkle leaf over data.
    public static func sha256(prefix: UInt8, _ bytes: [UInt8]) -> Hash32 {
        var hasher = SHA256()
        withUnsafeBytes(of: prefix) { hasher.update(bufferPointer: $0) }
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hash32(hasher.finalize())
    }

    /// One copy of the digest's bytes: `Array(digest)` walks it as a generic sequence, which
    /// showed in the profile of every transaction id and tree node.
    init(_ digest: SHA256Digest) {
        bytes = digest.withUnsafeBytes { Array($0) }
    }

    public var hex: String { Hex.prefixed(bytes) }
    public var description: String { hex }

    /// One call over the raw bytes: these are dictionary and set keys on hot paths (mempool,
    /// block verification, state), where hashing byte by byte showed up in profiles.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func < (a: Hash32, b: Hash32) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
