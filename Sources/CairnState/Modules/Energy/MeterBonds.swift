import CairnCore
import CairnCrypto

/// Registration and the bond (Specs/depin/energy.md §7.1–§7.3). The bond sits in the
/// `energy_bonds` module account; a withdrawal leaves the meter's bond at once but stays in the
/// account, slashable, for `bond_unlock_delay` blocks, so an owner cannot pull a bond out ahead of
/// the evidence against its meter.
enum MeterBonds {
    static let accountName = "energy_bonds"
    static var account: Address { ModuleAccount.address(accountName) }

    static func register(_ r: MeterRegistration, sender: Address, _ block: BlockContext, _ p: EnergyParameters,
                         _ state: inout StateOverlay) throws {
        guard let device = try state.device(r.meter) else { throw EnergyRejection.unknownDevice(r.meter) }
        guard device.kind == .meter else { throw EnergyRejection.notAMeter(r.meter, device.kind) }
        guard device.owner == sender else { throw EnergyRejection.notOwner(device: r.meter, owner: device.owner) }
        guard device.status == .active else { throw EnergyRejection.deviceInactive(r.meter, device.status) }
        guard try state.meter(r.meter) == nil else { throw EnergyRejection.meterRegistered(r.meter) }
        guard (1...p.maxCapacity).contains(r.capacity) else {
            throw EnergyRejection.capacityOutOfRange(got: r.capacity, maximum: p.maxCapacity)
        }
        guard r.bond >= p.minBond else { throw EnergyRejection.bondTooLow(got: r.bond, minimum: p.minBond) }
        // The runtime took `spend` (the bond) from the sender already.
        try state.credit(account, r.bond)
        state.set(EnergyKeys.meter(r.meter), MeterRecord(capacity: r.capacity, technology: r.technology, bond: r.bond,
                                                         registeredAt: block.height))
        state.emit(Event(module: EnergyModule.name, kind: "meter_registered", [
            "meter": Event.value(r.meter), "owner": Event.value(sender), "capacity": String(r.capacity),
            "technology": r.technology.description, "bond": String(r.bond),
        ]))
    }

    static func topUp(_ meter: Address, amount: Amount, sender: Address, _ state: inout StateOverlay) throws {
        var record = try owned(meter, by: sender, &state)
        guard amount > 0 else { throw EnergyRejection.zeroAmount }
        try state.credit(account, amount)
        record.bond += amount
        state.set(EnergyKeys.meter(meter), record)
        state.emit(Event(module: EnergyModule.name, kind: "bond_topped_up", [
            "meter": Event.value(meter), "amount": String(amount), "bond": String(record.bond),
        ]))
    }

    static func withdraw(_ meter: Address, amount: Amount, sender: Address, _ block: BlockContext, _ p: EnergyParameters,
                         _ state: inout StateOverlay) throws {
        var record = try owned(meter, by: sender, &state)
        guard amount > 0 else { throw EnergyRejection.zeroAmount }
        if let pending = record.withdrawal { throw EnergyRejection.withdrawalPending(unlockAt: pending.unlockAt) }
        guard amount <= record.bond else { throw EnergyRejection.amountExceedsBond(amount: amount, bond: record.bond) }
        let remaining = record.bond - amount
        guard remaining == 0 || remaining >= p.minBond else {
            throw EnergyRejection.bondBelowMinimum(remaining: remaining, minimum: p.minBond)
        }
        let unlockAt = IntegerMath.add(block.height, p.bondUnlockDelay)
        record.bond = remaining
        record.withdrawal = BondWithdrawal(amount: amount, unlockAt: unlockAt, recipient: sender)
        state.set(EnergyKeys.meter(meter), record)
        var queue = try state.get(MeterList.self, EnergyKeys.unlocks(unlockAt)) ?? MeterList()
        queue.meters.append(meter)
        state.set(EnergyKeys.unlocks(unlockAt), queue)
        state.emit(Event(module: EnergyModule.name, kind: "bond_withdrawal_requested", [
            "meter": Event.value(meter), "amount": String(amount), "unlock_height": String(unlockAt),
        ]))
    }

    /// End of block `height`: pays the withdrawals that unlock now. One a freeze cancelled is no
    /// longer on its meter's record and is skipped.
    static func unlock(at height: UInt64, _ state: inout StateOverlay) throws {
        let key = EnergyKeys.unlocks(height)
        guard let queue = try state.get(MeterList.self, key) else { return }
        state.delete(key)
        for meter in queue.meters {
            guard var record = try state.meter(meter), let w = record.withdrawal, w.unlockAt == height else { continue }
            try state.move(w.amount, from: account, to: w.recipient)
            record.withdrawal = nil
            state.set(EnergyKeys.meter(meter), record)
            state.emit(Event(module: EnergyModule.name, kind: "bond_withdrawn", [
                "meter": Event.value(meter), "to": Event.value(w.recipient), "amount": String(w.amount),
            ]))
        }
    }

    /// The meter's record, if it is registered, `sender` owns its device and it is not frozen.
    private static func owned(_ meter: Address, by sender: Address, _ state: inout StateOverlay) throws -> MeterRecord {
        guard let record = try state.meter(meter) else { throw EnergyRejection.meterNotRegistered(meter) }
        guard let device = try state.device(meter) else { throw EnergyFault.missingDevice(meter) }
        guard device.owner == sender else { throw EnergyRejection.notOwner(device: meter, owner: device.owner) }
        if let frozen = record.frozen { throw EnergyRejection.meterFrozen(meter, since: frozen.height) }
        return record
    }
}
