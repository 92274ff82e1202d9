import CairnCrypto
import Synchronization

/// A node store held in memory, for tests and throw-away trees.
///
/// A class so a tree and its writer can share it; the Mutex makes that sharing honestly Sendable.
public final class InMemorySparseMerkleNodeStore: SparseMerkleNodeStore, Sendable {
    private let nodes = Mutex<[Hash32: [UInt8]]>([:])

    public init() {}

    public func node(_ hash: Hash32) throws -> [UInt8]? {
        nodes.withLock { $0[hash] }
    }

    /// Stores every node an update produced.
    public func apply(_ update: SparseMerkleUpdate) {
        nodes.withLock { nodes in
            for node in update.newNodes { nodes[node.hash] = node.bytes }
        }
    }

    /// Stores raw bytes under a hash without checking them (tests use this to plant corruption).
    public func put(_ hash: Hash32, bytes: [UInt8]) {
        nodes.withLock { $0[hash] = bytes }
    }

    /// Forgets a node (tests use this to simulate a missing node).
    public func remove(_ hash: Hash32) {
        nodes.withLock { _ = $0.removeValue(forKey: hash) }
    }

    public var count: Int { nodes.withLock { $0.count } }
}
