import CairnCore
import CairnCrypto
import CairnGeo

/// The end of a reward epoch (Specs/depin/coverage.md §9.3): the HIP-17 map of the hotspots
/// active and located now, the epoch's beacons scaled by it, the pool's whole balance split among
/// the devices and paid to their owners, and the per-cell and per-device records queries read.
enum CoverageSettlement {
    static func settle(epoch: UInt64, at height: UInt64, _ p: CoverageParameters, _ state: inout StateOverlay) throws {
        let located = try state.deviceCounts(.hotspot).located
        var hotspotCells: [UInt64] = []
        hotspotCells.reserveCapacity(Int(located))
        for position in 0..<located {
            guard let id = try state.locatedDevice(.hotspot, at: position) else { throw CoverageFault.missingLocated(position) }
            guard let cell = try state.device(id)?.location?.cell else { throw CoverageFault.missingDevice(id) }
            hotspotCells.append(cell)
        }
        let map = DensityMap(hotspotCells: hotspotCells, levels: p.densityLevels)

        var tally = try state.get(EpochRecord.self, CoverageKeys.epoch(epoch)) ?? EpochRecord()
        var beacons: [RewardedBeacon] = []
        beacons.reserveCapacity(Int(tally.beacons))
        var work: [Address: (beacons: UInt64, witnesses: UInt64)] = [:]
        var cellWork: [UInt64: (beacons: UInt64, witnesses: UInt64)] = [:]
        for index in 0..<tally.beacons {
            let key = CoverageKeys.epochBeacon(epoch, index)
            guard let entry = try state.get(EpochBeacon.self, key) else {
                throw CoverageFault.missingEpochBeacon(epoch: epoch, index: index)
            }
            guard let record = try state.get(BeaconRecord.self, CoverageKeys.beacon(entry.beacon)) else {
                throw CoverageFault.missingBeacon(entry.beacon)
            }
            state.delete(key)
            let witnesses = record.selected
            beacons.append(RewardedBeacon(challengee: record.challengee, scale: map.scale(cell: entry.cell), witnesses: witnesses))
            work[record.challengee, default: (0, 0)].beacons += 1
            for witness in witnesses { work[witness, default: (0, 0)].witnesses += 1 }
            if let coarse = DensityMap.parent(entry.cell, Self.cellResolution) {
                cellWork[coarse, default: (0, 0)].beacons += 1
                cellWork[coarse, default: (0, 0)].witnesses += UInt64(witnesses.count)
            }
        }

        let balance = try state.account(CoverageModule.pool).balance
        let split = CoverageRewards.split(pool: balance, beacons: beacons, parameters: p)
        var payouts: [(DeviceWork, Amount)] = []
        for payout in split.payouts {
            guard let owner = try state.device(payout.device)?.owner else { throw CoverageFault.missingDevice(payout.device) }
            let counts = work[payout.device] ?? (0, 0)
            let reward = DeviceReward(owner: owner, amount: payout.amount, beacons: counts.beacons, witnesses: counts.witnesses)
            state.set(CoverageKeys.deviceReward(payout.device, epoch), reward)
            state.set(CoverageKeys.epochReward(epoch, payout.device), reward)
            payouts.append((DeviceWork(device: payout.device, owner: owner, work: UInt128(counts.beacons + counts.witnesses)), payout.amount))
        }
        // The split is HIP-15's, not pro rata to one work figure: the common settlement only pays it
        // and keeps the records every pool has (runtime.md §8.2).
        let record = try EpochRewards.pay(pool: CoverageModule.poolName, epoch: epoch, unit: "beacons_and_witnesses", payouts: payouts,
                                          balance: balance, at: height, module: CoverageModule.name, &state)
        writeCells(epoch: epoch, map: map, work: cellWork, &state)
        tally.settledAt = height
        tally.pool = balance
        tally.paid = record.paid
        tally.devicesPaid = record.devices
        state.set(CoverageKeys.epoch(epoch), tally)
    }

    /// The resolution whose cells the per-cell records describe: HIP-17's finest level.
    static let cellResolution: UInt8 = 8

    /// One record per resolution-8 cell that holds a counted hotspot or sent a beacon.
    private static func writeCells(epoch: UInt64, map: DensityMap, work: [UInt64: (beacons: UInt64, witnesses: UInt64)],
                                   _ state: inout StateOverlay) {
        let finest = map.unclipped.first ?? [:]
        let cells = Set(finest.keys).union(work.keys).sorted()
        for raw in cells {
            guard let cell = CellID(raw: raw) else { continue }
            var densities: [CellCoverage.DensityPair] = []
            for (index, level) in map.levels.enumerated() {
                guard let parent = DensityMap.parent(raw, level.resolution) else { continue }
                densities.append(CellCoverage.DensityPair(resolution: level.resolution, unclipped: map.unclipped[index][parent] ?? 0,
                                                          clipped: map.clipped[index][parent] ?? 0))
            }
            let counts = work[raw] ?? (0, 0)
            state.set(CoverageKeys.cell(epoch, spatialKey: cell.spatialKey),
                      CellCoverage(cell: raw, hotspots: finest[raw] ?? 0, densities: densities, scale: map.scale(cell: raw),
                                   beacons: counts.beacons, witnesses: counts.witnesses))
        }
    }
}
