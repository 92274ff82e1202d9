import CairnCrypto

/// Where one state entry lives (Specs/state.md): a namespace byte naming the module and record
/// type, and the record's key within it. The entry's position in the sparse Merkle tree is
/// SHA-256(namespace ‖ key); its leaf value hash is SHA-256 of the entry's canonical encoding.
public struct StateKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let namespace: UInt8
    public let key: [UInt8]

    public init(namespace: UInt8, key: [UInt8]) {
        self.namespace = namespace
        self.key = key
    }

    /// Namespace of account entries; Specs/state.md lists every namespace.
    public static let accountNamespace: UInt8 = 0x01

    public static func account(_ address: Address) -> StateKey {
        StateKey(namespace: accountNamespace, key: address.bytes)
    }

    /// The key in the sparse Merkle tree.
    public var treeKey: Hash32 { Hash32.sha256(parts: [namespace], key) }

    /// Namespace first, then key bytes: the one order changes are committed and stored in.
    public static func < (a: StateKey, b: StateKey) -> Bool {
        a.namespace != b.namespace ? a.namespace < b.namespace : a.key.lexicographicallyPrecedes(b.key)
    }

    public var description: String { "\(namespace):\(Hex.encode(key))" }

    /// Leaf value hash of an encoded entry.
    public static func valueHash(encoded: [UInt8]) -> Hash32 { Hash32.sha256(encoded) }
}

/// One entry's new value after a block; nil = the entry was deleted.
public struct StateChange: Sendable, Hashable {
    public let key: StateKey
    public let value: [UInt8]?

    public init(key: StateKey, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}
