import CairnCrypto
import Testing
@testable import CairnStorage

/// The state tree's node cache keeps at most two generations, and a node found in the older one
/// moves to the newer, so the nodes every block reads stay while the rest age out.
@Suite("Tree node cache")
struct TreeNodeCacheTests {
    static func node(_ i: UInt8) -> (hash: Hash32, bytes: [UInt8]) { (Hash32.sha256([i]), [i, i]) }

    @Test func twoGenerationsBoundItAndAHitMovesANodeToTheNewer() {
        let cache = TreeNodeCache(capacity: 2)
        cache.insert([Self.node(1), Self.node(2)])
        cache.insert([Self.node(3)])
        #expect(cache.count == 3)
        #expect(cache.node(Self.node(1).hash) == [1, 1])
        cache.insert([Self.node(4)])
        #expect(cache.node(Self.node(2).hash) == nil)
        #expect(cache.node(Self.node(1).hash) == [1, 1])
        #expect(cache.node(Self.node(3).hash) == [3, 3])
        #expect(cache.node(Self.node(4).hash) == [4, 4])
        #expect(cache.count <= 4)
    }

    /// What the reader serves from the cache is what LevelDB holds, before and after a reopen.
    @Test func theReaderServesTheStoredNodes() throws {
        try withTemporaryDirectory { path in
            let db = try ChainDatabase(path: path + "/chain")
            defer { db.close() }
            let nodes = (0..<50).map { Self.node(UInt8($0)) }
            var batch = WriteBatch()
            for n in nodes { batch.put(StorageKeys.treeNode(n.hash), n.bytes) }
            try db.db.write(batch, sync: true)
            let reader = db.treeNodes
            for _ in 0..<2 {
                for n in nodes { #expect(try reader.node(n.hash) == n.bytes) }
            }
            #expect(try reader.node(Hash32.sha256([0xFF, 0xFF])) == nil)
        }
    }
}
