/// A 20-byte account address: the last 20 bytes of Keccak-256 of the 64-byte uncompressed
/// public key (as in Ethereum), shown as EIP-55 checksummed hex.
public struct Address: Hashable, Comparable, Sendable {
    public let bytes: [UInt8]

    public static let zero = Address(unchecked: [UInt8](repeating: 0, count: 20))

    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    public init(unchecked bytes: [UInt8]) {
        precondition(bytes.count == 20, "Address needs 20 bytes")
        self.bytes = bytes
    }

    /// One call over the raw bytes: these are dictionary and set keys on hot paths (mempool,
    /// block verification, state), where hashing byte by byte showed up in profiles.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func < (a: Address, b: Address) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

}
