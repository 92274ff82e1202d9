import CairnCore
import CairnCrypto
import CairnNode
import CairnState
import Foundation

/// What the benchmark reads back from the chain after the clock stops: the verdicts the blocks
/// recorded, and how much the state and the database grew. Read from committed state, so a
/// receipt the chain did not accept cannot be counted as measured work.
enum AttestationReadings {
    /// Receipts by verdict reason (`valid`, `valid_not_selected`, or the rule that refused them).
    struct Verdicts: Sendable, Equatable {
        var beacons = 0
        var byReason: [String: Int] = [:]
        /// Attestations submitted whose beacon record is not in state.
        var missing = 0

        var receipts: Int { byReason.values.reduce(0, +) }
        var invalid: Int { byReason.filter { $0.key != "valid" && $0.key != "valid_not_selected" }.values.reduce(0, +) }

        mutating func add(_ other: Verdicts) {
            beacons += other.beacons
            missing += other.missing
            byReason.merge(other.byReason, uniquingKeysWith: +)
        }
    }

    static func verdicts(of beaconIDs: [Hash32], chain: NodeChain) throws -> Verdicts {
        let view = chain.view()
        var tally = Verdicts()
        for id in beaconIDs {
            guard let record = try view.get(BeaconRecord.self, StateKey(namespace: CoverageKeys.beacon, key: id.bytes)) else {
                tally.missing += 1
                continue
            }
            tally.beacons += 1
            for result in record.results { tally.byReason[result.verdict.reason, default: 0] += 1 }
        }
        return tally
    }

    /// The challenges block `height` drew; every benchmark block draws some.
    static func challenges(at height: UInt64, chain: NodeChain) throws -> ChallengeRecord {
        guard let record = try chain.view().get(ChallengeRecord.self, StateKey(namespace: CoverageKeys.challenge, key: height.bigEndianBytes)) else {
            throw BenchmarkError("bench: block \(height) challenged nobody")
        }
        return record
    }

    static func locatedHotspots(chain: NodeChain) throws -> UInt64 {
        var overlay = StateOverlay(base: chain.database)
        return try overlay.deviceCounts(.hotspot).located
    }

    /// Bytes of the coverage module's state entries (namespace byte, key and value) by
    /// namespace, read page by page; with `index`, of its node index entries instead.
    static func coverageStateBytes(chain: NodeChain, index: Bool = false) throws -> [UInt8: Int] {
        let view = chain.view()
        var bytes: [UInt8: Int] = [:]
        for namespace in CoverageKeys.all {
            var total = 0
            var from: [UInt8]? = nil
            while true {
                let page = index ? try view.indexEntries(namespace: namespace, prefix: [], from: from, limit: 1_000)
                                 : try view.entries(namespace: namespace, prefix: [], from: from, limit: 1_000)
                for entry in page { total += 1 + entry.key.count + entry.value.count }
                guard page.count == 1_000, let last = page.last else { break }
                from = last.key + [0]
            }
            bytes[namespace] = total
        }
        return bytes
    }

    /// The coverage namespaces by what their entries are (Specs/depin/coverage.md §11.1).
    static let namespaceNames: [UInt8: String] = [
        CoverageKeys.challenge: "challenge records", CoverageKeys.beacon: "beacon records", CoverageKeys.history: "history",
        CoverageKeys.device: "device records", CoverageKeys.epochBeacon: "epoch beacons", CoverageKeys.epoch: "epoch records",
        CoverageKeys.deviceReward: "device rewards", CoverageKeys.epochReward: "epoch rewards", CoverageKeys.cell: "cells",
    ]

    /// Bytes of the files under `path` (the LevelDB directory: log, tables, manifest).
    static func directoryBytes(_ path: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        while let file = walker.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + file)
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += (attributes?[.size] as? Int) ?? 0 }
        }
        return total
    }
}
