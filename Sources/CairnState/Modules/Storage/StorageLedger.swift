import CairnCore
import CairnCrypto

/// A deal's money and lifecycle after the rules have decided (Specs/depin/storage.md §7): proven
/// and faulted periods, the end of each period, a deal's end, and the epoch's settlement.
enum StorageLedger {
    /// Keeps the three deal lists in step with the deal's status.
    static func list(_ id: UInt64, _ deal: DealRecord, previous: DealStatus?, _ state: inout StateOverlay) {
        let entry = DealListEntry(status: deal.status)
        state.set(StorageKeys.byClient(deal.client, id), entry)
        state.set(StorageKeys.byProvider(deal.provider, id), entry)
        if let previous, previous != deal.status { state.delete(StorageKeys.byStatus(previous, id)) }
        state.set(StorageKeys.byStatus(deal.status, id), entry)
    }

    static func schedule(_ entry: ScheduledEntry, at height: UInt64, _ state: inout StateOverlay) throws {
        let countKey = StorageKeys.scheduleCount(height)
        let count = try state.get(WorkTally.self, countKey)?.value ?? 0
        state.set(StorageKeys.scheduled(height, UInt64(count)), entry)
        state.set(countKey, WorkTally(count + 1))
    }

    /// Schedules the end of the deal's current period and holds its challenge seed.
    static func schedulePeriod(_ id: UInt64, _ deal: DealRecord, _ state: inout StateOverlay) throws {
        try schedule(ScheduledEntry(.proofDeadline, deal: id), at: deal.deadline, &state)
        let key = StorageKeys.challengeSeed(deal.challengeHeight)
        var seed = try state.get(ChallengeSeed.self, key) ?? ChallengeSeed(pending: 0)
        seed.pending += 1
        state.set(key, seed)
    }

    static func owner(of device: Address, _ state: inout StateOverlay) throws -> Address {
        guard let record = try state.device(device) else { throw StorageFault.missingDevice(device) }
        return record.owner
    }

    /// A valid proof: the period's price leaves escrow for the provider's owner, and the proven
    /// bytes count as the epoch's work.
    static func prove(_ id: UInt64, _ deal: inout DealRecord, seed: Hash32, indices: [UInt64], at height: UInt64,
                      _ state: inout StateOverlay) throws {
        let payment = min(deal.pricePerPeriod, deal.escrow)
        let owner = try owner(of: deal.provider, &state)
        try state.move(payment, from: StorageModule.escrow, to: owner)
        deal.escrow -= payment
        deal.paid += payment
        deal.proven += 1
        deal.consecutiveFaults = 0
        deal.periodState = .proven
        try addWork(deal.provider, UInt128(deal.size), at: height, &state)
        state.index(StorageKeys.periodLog(id, deal.period),
                    PeriodLogEntry(challengeHeight: deal.challengeHeight, seed: seed, indices: indices, at: height,
                                   outcome: .proven(payment: payment)))
        state.emit(Event(module: StorageModule.name, kind: "proven", [
            "deal": String(id), "period": String(deal.period), "provider": Event.value(deal.provider), "payment": String(payment),
        ]))
    }

    /// A missed or invalid proof: a share of the deal's collateral is slashed (part to the
    /// client, the rest burned) and the period's price goes back to the client.
    static func fault(_ id: UInt64, _ deal: inout DealRecord, reason: String, detail: String, seed: Hash32, indices: [UInt64],
                      at height: UInt64, _ p: StorageParameters, _ state: inout StateOverlay) throws {
        let slash = min(deal.collateralLeft, IntegerMath.ppm(deal.collateral, p.faultSlash))
        let toClient = IntegerMath.ppm(slash, p.faultClientShare)
        try state.move(toClient, from: StorageModule.collateral, to: deal.client)
        try state.burn(slash - toClient, from: StorageModule.collateral)
        let refund = min(deal.pricePerPeriod, deal.escrow)
        try state.move(refund, from: StorageModule.escrow, to: deal.client)
        deal.escrow -= refund
        deal.collateralLeft -= slash
        deal.slashed += slash
        deal.faults += 1
        deal.consecutiveFaults += 1
        deal.periodState = .faulted
        state.index(StorageKeys.periodLog(id, deal.period),
                    PeriodLogEntry(challengeHeight: deal.challengeHeight, seed: seed, indices: indices, at: height,
                                   outcome: .fault(reason: reason, detail: detail, slashed: slash, toClient: toClient)))
        state.emit(Event(module: StorageModule.name, kind: "fault", [
            "deal": String(id), "period": String(deal.period), "provider": Event.value(deal.provider), "reason": reason,
            "slashed": String(slash), "to_client": String(toClient), "refunded": String(refund),
        ]))
    }

    /// Moves a deal to a final status and settles what it still holds.
    static func end(_ id: UInt64, _ deal: inout DealRecord, as status: DealStatus, at height: UInt64,
                    _ state: inout StateOverlay, parameters p: StorageParameters? = nil) throws {
        let previous = deal.status
        var forfeited: Amount = 0, returned: Amount = 0
        if previous == .active {
            if status == .terminated, let p {
                forfeited = deal.collateralLeft
                let toClient = IntegerMath.ppm(forfeited, p.faultClientShare)
                try state.move(toClient, from: StorageModule.collateral, to: deal.client)
                try state.burn(forfeited - toClient, from: StorageModule.collateral)
                deal.slashed += forfeited
            } else {
                returned = deal.collateralLeft
                try state.move(returned, from: StorageModule.collateral, to: try owner(of: deal.provider, &state))
            }
            deal.collateralLeft = 0
            if var provider = try state.get(ProviderRecord.self, StorageKeys.provider(deal.provider)) {
                provider.committed -= min(provider.committed, deal.size)
                provider.activeDeals -= min(provider.activeDeals, 1)
                state.set(StorageKeys.provider(deal.provider), provider)
            }
        }
        let refund = deal.escrow
        try state.move(refund, from: StorageModule.escrow, to: deal.client)
        deal.escrow = 0
        deal.status = status
        deal.endedAt = height
        list(id, deal, previous: previous, &state)
        state.set(StorageKeys.deal(id), deal)
        state.emit(Event(module: StorageModule.name, kind: "deal_ended", [
            "deal": String(id), "status": status.description, "refunded": String(refund), "collateral_returned": String(returned),
            "collateral_forfeited": String(forfeited),
        ]))
    }

    /// The end block: seeds for the periods challenged at this height, the periods and proposals
    /// that end here, and at an epoch's end, the storage pool's settlement.
    static func endBlock(_ block: BlockContext, _ p: StorageParameters, _ state: inout StateOverlay) throws {
        let seedKey = StorageKeys.challengeSeed(block.height)
        if var seed = try state.get(ChallengeSeed.self, seedKey), seed.seed == nil {
            seed.seed = block.seed
            state.set(seedKey, seed)
        }
        let countKey = StorageKeys.scheduleCount(block.height)
        let count = try state.get(WorkTally.self, countKey)?.value ?? 0
        for index in 0..<UInt64(count) {
            let key = StorageKeys.scheduled(block.height, index)
            guard let entry = try state.get(ScheduledEntry.self, key) else { throw StorageFault.missingSchedule(block.height, index) }
            state.delete(key)
            guard var deal = try state.get(DealRecord.self, StorageKeys.deal(entry.deal)) else {
                throw StorageFault.missingDeal(entry.deal)
            }
            switch entry.kind {
            case .acceptDeadline:
                if deal.status == .proposed { try end(entry.deal, &deal, as: .expired, at: block.height, &state) }
            case .proofDeadline:
                guard deal.status == .active, deal.deadline == block.height else { continue }
                try endPeriod(entry.deal, &deal, at: block.height, p, &state)
            }
        }
        if count > 0 { state.delete(countKey) }
        let length = try EpochRewards.epochLength(&state)
        if block.height % length == 0 {
            try settle(epoch: EpochRewards.epoch(of: block.height, length: length), at: block.height, &state)
        }
    }

    private static func endPeriod(_ id: UInt64, _ deal: inout DealRecord, at height: UInt64, _ p: StorageParameters,
                                  _ state: inout StateOverlay) throws {
        let seedKey = StorageKeys.challengeSeed(deal.challengeHeight)
        var seedRecord = try state.get(ChallengeSeed.self, seedKey) ?? ChallengeSeed(pending: 1)
        if deal.periodState == .open {
            let seed = seedRecord.seed ?? .zero
            let indices = StorageChallenge.indices(seed: seed, deal: id, period: deal.period, count: deal.chunkCount,
                                                   challenges: deal.challenges)
            try fault(id, &deal, reason: "missed_proof", detail: "no proof of period \(deal.period) by height \(height)",
                      seed: seed, indices: indices, at: height, p, &state)
        }
        seedRecord.pending -= min(seedRecord.pending, 1)
        if seedRecord.pending == 0 { state.delete(seedKey) } else { state.set(seedKey, seedRecord) }
        if deal.consecutiveFaults >= p.maxConsecutiveFaults {
            try end(id, &deal, as: .terminated, at: height, &state, parameters: p)
        } else if deal.period + 1 >= deal.periods {
            try end(id, &deal, as: .completed, at: height, &state)
        } else {
            deal.period += 1
            deal.periodState = .open
            try schedulePeriod(id, deal, &state)
            state.set(StorageKeys.deal(id), deal)
        }
    }

    // MARK: epoch work

    private static func addWork(_ device: Address, _ work: UInt128, at height: UInt64, _ state: inout StateOverlay) throws {
        let epoch = EpochRewards.epoch(of: height, length: try EpochRewards.epochLength(&state))
        let key = StorageKeys.epochWork(epoch, device)
        if let tally = try state.get(WorkTally.self, key) {
            state.set(key, WorkTally(tally.value + work))
        } else {
            let countKey = StorageKeys.epochWorkCount(epoch)
            let count = try state.get(WorkTally.self, countKey)?.value ?? 0
            state.set(StorageKeys.epochWorker(epoch, UInt64(count)), DeviceEntry(device: device))
            state.set(countKey, WorkTally(count + 1))
            state.set(key, WorkTally(work))
        }
    }

    private static func settle(epoch: UInt64, at height: UInt64, _ state: inout StateOverlay) throws {
        let countKey = StorageKeys.epochWorkCount(epoch)
        let count = try state.get(WorkTally.self, countKey)?.value ?? 0
        var work: [DeviceWork] = []
        for index in 0..<UInt64(count) {
            let listKey = StorageKeys.epochWorker(epoch, index)
            guard let device = try state.get(DeviceEntry.self, listKey)?.device else { throw StorageFault.missingWorker(epoch, index) }
            let key = StorageKeys.epochWork(epoch, device)
            let tally = try state.get(WorkTally.self, key)?.value ?? 0
            state.delete(listKey)
            state.delete(key)
            work.append(DeviceWork(device: device, owner: try owner(of: device, &state), work: tally))
        }
        if count > 0 { state.delete(countKey) }
        try EpochRewards.settle(pool: StorageModule.poolName, epoch: epoch, unit: "byte_periods", work: work, at: height,
                                module: StorageModule.name, &state)
    }
}

/// A deal list entry: the deal's status.
struct DealListEntry: Sendable, Hashable, CanonicalCodable {
    var status: DealStatus
    init(status: DealStatus) { self.status = status }
    func encode(to writer: inout CanonicalWriter) { writer.write(varint: UInt64(status.rawValue)) }
    init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let s = try reader.readVarint("deal_list.status", max: 255)
        guard let status = DealStatus(rawValue: UInt8(s)) else { throw .invalidValue(field: "deal_list.status", reason: "unknown status \(s)") }
        self.status = status
    }
}

/// A device id as a list entry.
struct DeviceEntry: Sendable, Hashable, CanonicalCodable {
    var device: Address
    init(device: Address) { self.device = device }
    func encode(to writer: inout CanonicalWriter) { writer.write(address: device) }
    init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) { device = try reader.readAddress("storage.device") }
}

/// State the storage module wrote that does not hold together: a local fault.
enum StorageFault: Error, CustomStringConvertible {
    case missingDevice(Address)
    case missingDeal(UInt64)
    case missingSchedule(UInt64, UInt64)
    case missingWorker(UInt64, UInt64)

    var description: String {
        switch self {
        case .missingDevice(let d): "storage names device \(d.checksummed), which has no record"
        case .missingDeal(let id): "the storage schedule names deal \(id), which has no record"
        case .missingSchedule(let h, let i): "height \(h) has no scheduled entry \(i)"
        case .missingWorker(let e, let i): "epoch \(e) has no worker \(i)"
        }
    }
}
