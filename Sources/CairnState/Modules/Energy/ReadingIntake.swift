import CairnCore
import CairnCrypto
import CairnGeo

/// Applying an energy attestation (Specs/depin/energy.md §5.2, §6): the attestation's limits,
/// every reading's verdict in order, and for each batch the meter's new last reading, its
/// certificates, its work for the epoch, the statistics and the history lines.
enum ReadingIntake {
    /// The resolution whose cells the per-cell statistics describe.
    static let cellResolution: UInt8 = 8

    /// Judges and records the attestation; throws when it breaks a rule of §5.2.
    static func apply(_ a: EnergyAttestation, signers: [Address?], _ block: BlockContext, _ p: EnergyParameters,
                      _ state: inout StateOverlay) throws {
        guard signers.count == a.batches.count else { throw EnergyFault.signerCount(signers.count, a.batches.count) }
        guard UInt64(a.batches.count) <= p.maxBatches else {
            throw EnergyRejection.tooManyBatches(count: a.batches.count, maximum: p.maxBatches)
        }
        for (index, signed) in a.batches.enumerated() {
            let count = signed.batch.readings.count
            guard count > 0 else { throw EnergyRejection.emptyBatch(index: index) }
            guard UInt64(count) <= p.maxBatchReadings else {
                throw EnergyRejection.tooManyReadings(index: index, count: count, maximum: p.maxBatchReadings)
            }
        }
        // BlockContext.time is 0 only for admission, which has no block time (ChainModule.checkAttestation).
        let now: UInt64? = block.time == 0 ? nil : block.time / 1_000
        let epoch = EpochRewards.epoch(of: block.height, length: try EpochRewards.epochLength(&state))
        var tally = EnergyEpochRecord()
        var cells: [UInt64: CellEnergy] = [:]
        var readings = 0
        for (index, signed) in a.batches.enumerated() {
            readings += signed.batch.readings.count
            let outcome = try judge(signed.batch, signer: signers[index], block, now: now, epoch: epoch, p, &state)
            tally.batches += 1
            tally.accepted += outcome.accepted
            tally.rejected += UInt64(signed.batch.readings.count) - outcome.accepted
            tally.energy = IntegerMath.add(tally.energy, outcome.energy)
            tally.certificates = IntegerMath.add(tally.certificates, outcome.certificates)
            if outcome.accepted > 0, let cell = outcome.cell, let coarse = try? CellID(raw: cell)?.parent(at: cellResolution) {
                var entry = cells[coarse.spatialKey] ?? CellEnergy(cell: coarse.raw)
                entry.readings += outcome.accepted
                entry.energy = IntegerMath.add(entry.energy, outcome.energy)
                entry.certificates = IntegerMath.add(entry.certificates, outcome.certificates)
                cells[coarse.spatialKey] = entry
            }
        }
        // The replay rule every attestation needs (Specs/runtime.md §12): one that adds no reading
        // is refused, so a committed attestation sent again is refused by its own readings.
        guard tally.accepted > 0 else { throw EnergyRejection.noAcceptedReadings(readings: readings) }
        var record = try state.get(EnergyEpochRecord.self, EnergyKeys.epoch(epoch)) ?? EnergyEpochRecord()
        record.add(tally)
        state.set(EnergyKeys.epoch(epoch), record)
        for spatialKey in cells.keys.sorted() {
            let entry = cells[spatialKey]!
            let key = EnergyKeys.cell(epoch, spatialKey: spatialKey)
            var stored = try state.get(CellEnergy.self, key) ?? CellEnergy(cell: entry.cell)
            stored.readings += entry.readings
            stored.energy = IntegerMath.add(stored.energy, entry.energy)
            stored.certificates = IntegerMath.add(stored.certificates, entry.certificates)
            state.set(key, stored)
        }
    }

    struct BatchOutcome {
        var accepted: UInt64 = 0
        var energy: UInt64 = 0
        var certificates: UInt64 = 0
        var cell: UInt64?
    }

    /// One batch: each reading's verdict against the meter as the earlier readings left it.
    private static func judge(_ batch: ReadingBatch, signer: Address?, _ block: BlockContext, now: UInt64?, epoch: UInt64,
                              _ p: EnergyParameters, _ state: inout StateOverlay) throws -> BatchOutcome {
        var record = try state.meter(batch.meter)
        let device = try state.device(batch.meter)
        let meter = ReadingRules.meter(batch.meter, signer: signer, record: record, device: device, parameters: p)
        var outcome = BatchOutcome()
        var firstSlot: UInt64?
        var forfeited = false
        let startSlot = record?.last.map { IntegerMath.add($0.slot, 1) }
        for reading in batch.readings {
            let verdict: ReadingVerdict
            switch meter {
            case .failure(let rejection): verdict = .rejected(rejection)
            case .success(let m): verdict = ReadingRules.judge(reading, last: record?.last, meter: m, now: now, parameters: p)
            }
            switch verdict {
            case .accepted(let wh):
                record?.last = LastReading(reading)
                outcome.accepted += 1
                outcome.energy = IntegerMath.add(outcome.energy, wh)
                if firstSlot == nil { firstSlot = startSlot ?? reading.slot }
                state.index(EnergyKeys.acceptedReading(batch.meter, slot: reading.slot),
                            AcceptedReading(energy: reading.energy, sequence: reading.sequence, credited: wh, height: block.height))
            case .rejected(let rejection):
                state.index(EnergyKeys.rejectedReading(batch.meter, reading, height: block.height, code: rejection.code), rejection)
                // The register counted energy the chain refuses to credit: the reading becomes the
                // baseline, so a later reading cannot claim that energy again (energy.md §6.2).
                if rejection.forfeitsEnergy, record != nil {
                    record?.last = LastReading(reading)
                    forfeited = true
                }
            }
        }
        var lot: UInt64?
        if outcome.accepted > 0, var record, let device, let last = record.last {
            outcome.cell = device.location?.cell
            let total = UInt128(record.carried) + UInt128(outcome.energy)
            let whole = total / UInt128(p.certificateEnergy)
            record.carried = UInt64(total % UInt128(p.certificateEnergy))
            record.totalEnergy = IntegerMath.add(record.totalEnergy, outcome.energy)
            if whole > 0 {
                outcome.certificates = UInt64(clamping: whole)
                record.certificates = IntegerMath.add(record.certificates, outcome.certificates)
                lot = try Certificates.mint(CertificateLot(count: outcome.certificates, meter: batch.meter,
                                                           firstSlot: firstSlot ?? last.slot, lastSlot: last.slot, epoch: epoch,
                                                           cell: outcome.cell ?? 0, owner: device.owner, mintedAt: block.height), &state)
            }
            state.set(EnergyKeys.meter(batch.meter), record)
            if outcome.energy > 0 { try EnergySettlement.credit(batch.meter, wh: outcome.energy, &state) }
        } else if forfeited, let record {
            state.set(EnergyKeys.meter(batch.meter), record)
        }
        state.emit(Event(module: EnergyModule.name, kind: "batch", [
            "meter": Event.value(batch.meter), "readings": String(batch.readings.count), "accepted": String(outcome.accepted),
            "energy": String(outcome.energy), "certificates": String(outcome.certificates), "lot": lot.map { String($0) } ?? "",
        ]))
        return outcome
    }
}
