import CairnCrypto

/// Where state entries sit in the sparse Merkle tree (Specs/state.md).
public enum StateKeys {
    /// Namespace byte of account entries; later modules take other bytes.
    public static let accountNamespace: UInt8 = 0x01

    /// Tree key of an account: SHA-256(0x01 ‖ address).
    public static func account(_ address: Address) -> Hash32 {
        Hash32.sha256(parts: [accountNamespace], address.bytes)
    }

    /// Leaf value hash of an account: SHA-256 of its canonical encoding.
    public static func valueHash(_ account: Account) -> Hash32 {
        valueHash(encoded: account.canonicalBytes)
    }

    public static func valueHash(encoded: [UInt8]) -> Hash32 { Hash32.sha256(encoded) }
}
