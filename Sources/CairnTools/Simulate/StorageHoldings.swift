import CairnCore
import CairnCrypto
import CairnState
import Foundation

/// The deals' data on disk and what each provider answers with. A deal's file is written from the
/// seed; the client takes its root from the file as written, then the file becomes the provider's
/// copy and suffers what the provider's class says: a partial-loss provider's copy has a fraction
/// of its chunks overwritten with zeros, a wrong-file provider's is replaced by other content of
/// the same size. Every answer is read back from that copy on disk (`StorageDataFile`).
struct StorageHoldings: Sendable {
    struct Holding: Sendable {
        /// The root the client signs off, of the data as it was written.
        let root: Hash32
        let size: UInt64
        /// The provider's copy, with the tree it computed when it took the data in.
        let copy: StorageDataFile
        /// Chunks the provider lost, of `copy.chunkCount`.
        let lost: Int
    }

    let directory: String
    let holdings: [Holding]

    init(fleet: StorageFleet, directory: String, chunkSize: Int, seed: UInt64, lossFraction: Double) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        var holdings: [Holding] = []
        for deal in fleet.deals {
            let path = "\(directory)/deal-\(deal.index).bin"
            try Self.write(path: path, size: deal.size, stream: "cairn-simulate-storage/\(seed)/data-\(deal.index)")
            let root = try StorageDataFile.root(path: path, chunkSize: chunkSize).root
            var lost = 0
            switch fleet.devices[deal.provider].fleetClass {
            case .wrongFile:
                try Self.write(path: path, size: deal.size, stream: "cairn-simulate-storage/\(seed)/other-\(deal.index)")
            case .partialLoss:
                let ingested = try StorageDataFile(path: path, chunkSize: chunkSize)
                var rng = SeededRandom(seed: seed, "storage", "loss", "\(deal.index)")
                lost = Int((lossFraction * Double(ingested.chunkCount)).rounded())
                let chunks = Array(0..<ingested.chunkCount).shuffled(using: &rng).prefix(lost)
                try Self.zero(path: path, chunks: chunks, chunkSize: chunkSize, size: deal.size)
                holdings.append(Holding(root: root, size: deal.size, copy: ingested, lost: lost))
                continue
            case .honest, .offline: break
            }
            holdings.append(Holding(root: root, size: deal.size, copy: try StorageDataFile(path: path, chunkSize: chunkSize), lost: lost))
        }
        self.holdings = holdings
    }

    /// The chance a period of the deal is a fault for lost chunks: 1 − (1 − lost/n)^c.
    func faultProbability(_ deal: Int, challenges: UInt64) -> Double {
        let h = holdings[deal]
        return 1 - pow(1 - Double(h.lost) / Double(h.copy.chunkCount), Double(challenges))
    }

    /// The provider's proof of a challenge, or nil when it sends none: an offline provider never
    /// does, and a partial-loss one holds back when a chunk it reads no longer hashes to its leaf.
    func respond(_ deal: SimDeal, as provider: FleetDevice<StorageClass>, chainID: String, dealID: UInt64, period: UInt64,
                 indices: [UInt64]) throws -> StorageProof? {
        let copy = holdings[deal.index].copy
        switch provider.fleetClass {
        case .offline: return nil
        case .honest, .wrongFile: return try copy.proof(chainID: chainID, deal: dealID, period: period, indices: indices, deviceKey: provider.key)
        case .partialLoss:
            let answers = try indices.map(copy.answer)
            for (i, a) in zip(indices, answers) where DataTree.leafHash(a.chunk) != copy.levels.levels[0][Int(i)] { return nil }
            return StorageProof(chainID: chainID, deal: dealID, period: period, answers: answers, deviceKey: provider.key)
        }
    }

    /// `size` bytes of SHA-256 in counter mode over `stream`: random-looking, and the same for
    /// the same seed.
    static func write(path: String, size: UInt64, stream: String) throws {
        let prefix = Array(stream.utf8)
        var data = [UInt8]()
        data.reserveCapacity(Int(size))
        var counter: UInt64 = 0
        while data.count < Int(size) {
            data += Hash32.sha256(prefix + counter.bigEndianBytes).bytes
            counter += 1
        }
        try Data(data.prefix(Int(size))).write(to: URL(fileURLWithPath: path))
    }

    /// Overwrites the chunks with zeros, as lost sectors read back.
    static func zero(path: String, chunks: some Sequence<UInt64>, chunkSize: Int, size: UInt64) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw SimulationError("cannot open \(path) to damage it") }
        defer { try? handle.close() }
        for chunk in chunks {
            let offset = chunk * UInt64(chunkSize)
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data(count: Int(min(UInt64(chunkSize), size - offset))))
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
