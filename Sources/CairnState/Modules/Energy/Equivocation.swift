import CairnCore
import CairnCrypto

/// Conflicting readings (Specs/depin/energy.md §9): a meter that signs two different readings
/// for one slot has shown it will say whatever pays, so, as Glow bans a farm for conflicting
/// slots, it is frozen for good and its owner's bond is slashed. Anyone holding the two signed
/// batches may report it.
enum Equivocation {
    static func report(_ e: EquivocationEvidence, reporter: Address, _ block: BlockContext, _ p: EnergyParameters,
                       _ state: inout StateOverlay) throws {
        let meter = e.first.batch.meter
        guard e.second.batch.meter == meter else { throw EnergyRejection.differentMeters }
        let a = try reading(e.first, e.firstIndex), b = try reading(e.second, e.secondIndex)
        guard a.slot == b.slot else { throw EnergyRejection.differentSlots(a.slot, b.slot) }
        guard a != b else { throw EnergyRejection.identicalReadings }
        for batch in [e.first, e.second] {
            let signer = batch.signer(chainID: block.chainID)
            guard signer == meter else { throw EnergyRejection.badEvidenceSignature(signer: signer) }
        }
        guard var record = try state.meter(meter) else { throw EnergyRejection.meterNotRegistered(meter) }
        if let frozen = record.frozen {
            if frozen.slot == a.slot { throw EnergyRejection.alreadyReported(slot: a.slot) }
            throw EnergyRejection.meterFrozen(meter, since: frozen.height)
        }
        // A withdrawal in flight is still the meter's bond: it comes back to be slashed with it.
        if let pending = record.withdrawal {
            record.bond += pending.amount
            record.withdrawal = nil
        }
        let slashed = IntegerMath.ppm(record.bond, p.slashShare)
        let reward = IntegerMath.ppm(slashed, p.reporterShare)
        record.bond -= slashed
        record.frozen = MeterFreeze(height: block.height, slot: a.slot, reporter: reporter, slashed: slashed)
        state.set(EnergyKeys.meter(meter), record)
        try state.move(reward, from: MeterBonds.account, to: reporter)
        try state.burn(slashed - reward, from: MeterBonds.account)
        state.emit(Event(module: EnergyModule.name, kind: "equivocation", [
            "meter": Event.value(meter), "slot": String(a.slot), "reporter": Event.value(reporter), "slashed": String(slashed),
            "reporter_reward": String(reward), "burned": String(slashed - reward), "bond": String(record.bond),
        ]))
    }

    private static func reading(_ batch: SignedBatch, _ index: UInt64) throws -> MeterReading {
        guard index < UInt64(batch.batch.readings.count) else {
            throw EnergyRejection.readingIndexOutOfRange(index: index, count: batch.batch.readings.count)
        }
        return batch.batch.readings[Int(index)]
    }
}
