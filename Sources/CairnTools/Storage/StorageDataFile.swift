import CairnCore
import CairnCrypto
import CairnState
import Foundation

/// A file on disk as a deal's data (Specs/depin/storage.md §3): its root, and the answers to a
/// challenge read back from the file itself, as a provider serves them.
public struct StorageDataFile: Sendable {
    public let path: String
    public let size: UInt64
    public let chunkSize: Int
    /// Every level of the tree: 64 bytes of hashes per chunk, about 6 % of the data at 1 KiB.
    public let levels: DataTreeLevels

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String, String)
        case empty(String)
        case badChunkSize(Int)

        public var description: String {
            switch self {
            case .unreadable(let path, let why): "cannot read \(path): \(why)"
            case .empty(let path): "\(path) is empty; a deal holds at least one byte"
            case .badChunkSize(let size): "chunk size \(size) is not a power of two from 32 to 65536"
            }
        }
    }

    public init(path: String, chunkSize: Int) throws {
        guard chunkSize >= 32, chunkSize <= 65_536, chunkSize & (chunkSize - 1) == 0 else { throw Failure.badChunkSize(chunkSize) }
        var leaves: [Hash32] = []
        let size = try Self.forEachChunk(path: path, chunkSize: chunkSize) { leaves.append(DataTree.leafHash($0)) }
        self.path = path
        self.size = size
        self.chunkSize = chunkSize
        self.levels = DataTreeLevels(leaves: leaves)
    }

    public var root: Hash32 { levels.root }
    public var chunkCount: UInt64 { levels.count }

    /// The data root and size of a file in O(log n) memory, without keeping the tree.
    public static func root(path: String, chunkSize: Int) throws -> (root: Hash32, size: UInt64, chunks: UInt64) {
        guard chunkSize >= 32, chunkSize <= 65_536, chunkSize & (chunkSize - 1) == 0 else { throw Failure.badChunkSize(chunkSize) }
        var builder = DataRootBuilder()
        let size = try forEachChunk(path: path, chunkSize: chunkSize) { builder.append(leaf: DataTree.leafHash($0)) }
        return (builder.root!, size, builder.count)
    }

    /// The chunk at `index` read from the file now (zero-padded at the end) and its path.
    public func answer(_ index: UInt64) throws -> ChunkAnswer {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.unreadable(path, "it cannot be opened") }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: index * UInt64(chunkSize))
            var chunk = [UInt8](try handle.read(upToCount: chunkSize) ?? Data())
            chunk += [UInt8](repeating: 0, count: chunkSize - chunk.count)
            return ChunkAnswer(chunk: chunk, path: levels.path(index))
        } catch { throw Failure.unreadable(path, "\(error)") }
    }

    /// The answers to a challenge of `indices`, signed by the provider device.
    public func proof(chainID: String, deal: UInt64, period: UInt64, indices: [UInt64], deviceKey: PrivateKey) throws -> StorageProof {
        StorageProof(chainID: chainID, deal: deal, period: period, answers: try indices.map(answer), deviceKey: deviceKey)
    }

    /// Feeds each chunk (the last zero-padded) to `body`; returns the file's size.
    private static func forEachChunk(path: String, chunkSize: Int, _ body: ([UInt8]) -> Void) throws -> UInt64 {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.unreadable(path, "it cannot be opened") }
        defer { try? handle.close() }
        var size: UInt64 = 0
        var pending: [UInt8] = []
        let block = chunkSize * max(1, (1 << 20) / chunkSize)
        do {
            // A read may return less than asked: bytes are carried until a whole chunk is there.
            while let data = try handle.read(upToCount: block), !data.isEmpty {
                size += UInt64(data.count)
                pending += data
                let whole = pending.count / chunkSize * chunkSize
                var start = 0
                while start < whole {
                    body(Array(pending[start..<start + chunkSize]))
                    start += chunkSize
                }
                pending.removeFirst(whole)
            }
        } catch { throw Failure.unreadable(path, "\(error)") }
        if !pending.isEmpty { body(pending + [UInt8](repeating: 0, count: chunkSize - pending.count)) }
        guard size > 0 else { throw Failure.empty(path) }
        return size
    }
}
