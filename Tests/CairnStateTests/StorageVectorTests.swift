import CairnCore
import CairnCrypto
@testable import CairnState
import CairnTestSupport
import Foundation
import Testing

/// Specs/vectors/storage.json, written by Specs/vectors/storage.py (an independent Python model of
/// Specs/depin/storage.md §3, §5 and §6.1), against the node's data tree, challenge and digest.
@Suite struct StorageVectorTests {
    struct File: Decodable {
        struct PathVector: Decodable { var index: UInt64; var leaf: String; var path: [String] }
        struct Tree: Decodable {
            var size: Int; var chunkSize: Int; var dataMultiplier: Int; var dataAddend: Int; var chunkCount: UInt64
            var root: String; var paths: [PathVector]
        }
        struct Challenge: Decodable {
            var seed: String; var deal: String; var period: UInt64; var chunkCount: UInt64; var challenges: UInt64; var indices: [UInt64]
        }
        struct ProofDigest: Decodable {
            var chainId: String; var deal: UInt64; var period: UInt64; var chunkSize: Int; var size: Int; var indices: [UInt64]
            var answersEncoding: String; var digest: String
        }
        var trees: [Tree]
        var challenges: [Challenge]
        var proofDigest: ProofDigest
    }

    static func file() throws -> File {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(File.self, from: Data(contentsOf: SpecVectors.directory.appendingPathComponent("storage.json")))
    }

    static func hash(_ hex: String) throws -> Hash32 { try #require(Hash32(bytes: try Hex.decode(hex))) }

    static func data(size: Int, multiplier: Int = 7, addend: Int = 3) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* multiplier &+ addend) }
    }

    static func leaves(_ data: [UInt8], chunkSize: Int) -> ([[UInt8]], [Hash32]) {
        let chunks = stride(from: 0, to: data.count, by: chunkSize).map { start in
            let piece = Array(data[start..<min(start + chunkSize, data.count)])
            return piece + [UInt8](repeating: 0, count: chunkSize - piece.count)
        }
        return (chunks, chunks.map(DataTree.leafHash))
    }

    @Test func dataTreesMatchTheVectors() throws {
        for t in try Self.file().trees {
            let (_, leaves) = Self.leaves(Self.data(size: t.size, multiplier: t.dataMultiplier, addend: t.dataAddend), chunkSize: t.chunkSize)
            #expect(DataTree.chunkCount(size: UInt64(t.size), chunkSize: UInt64(t.chunkSize)) == t.chunkCount)
            let levels = DataTreeLevels(leaves: leaves)
            let root = try Self.hash(t.root)
            #expect(levels.root == root, "size \(t.size)")
            var streamed = DataRootBuilder()
            leaves.forEach { streamed.append(leaf: $0) }
            #expect(streamed.root == root)
            for p in t.paths {
                let path = try p.path.map(Self.hash)
                let leaf = try Self.hash(p.leaf)
                #expect(levels.path(p.index) == path && leaves[Int(p.index)] == leaf)
                #expect(DataTree.verify(root: root, index: p.index, count: t.chunkCount, leaf: leaves[Int(p.index)], path: path))
            }
        }
    }

    @Test func challengeIndicesMatchTheVectors() throws {
        for c in try Self.file().challenges {
            let indices = StorageChallenge.indices(seed: try Self.hash(c.seed), deal: try #require(UInt64(c.deal)), period: c.period,
                                                   count: c.chunkCount, challenges: c.challenges)
            #expect(indices == c.indices)
        }
    }

    @Test func theProofDigestMatchesTheVector() throws {
        let v = try Self.file().proofDigest
        let (chunks, leaves) = Self.leaves(Self.data(size: v.size), chunkSize: v.chunkSize)
        let levels = DataTreeLevels(leaves: leaves)
        let answers = v.indices.map { ChunkAnswer(chunk: chunks[Int($0)], path: levels.path($0)) }
        var writer = CanonicalWriter()
        writer.write(list: answers)
        #expect(Hex.prefixed(writer.bytes) == v.answersEncoding)
        #expect(StorageProof.digest(chainID: v.chainId, deal: v.deal, period: v.period, answers: answers) == (try Self.hash(v.digest)))
    }
}
