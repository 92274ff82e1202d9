import CairnCore
import CairnCrypto

/// The end of a reward epoch (Specs/depin/energy.md §10): the energy pool's balance is paid pro
/// rata to the Wh each meter had verified since the last settlement, through the runtime's common
/// settlement. The open list is read by position, never by scanning, so every node pays in the
/// same order.
enum EnergySettlement {
    static let unit = "wh"

    static func settle(epoch: UInt64, at height: UInt64, _ state: inout StateOverlay) throws {
        var globals = try state.energyGlobals()
        var work: [DeviceWork] = []
        work.reserveCapacity(Int(clamping: globals.openMeters))
        for index in 0..<globals.openMeters {
            let key = EnergyKeys.openMeter(index)
            guard let meter = try state.get(Address.self, key) else { throw EnergyFault.missingOpenMeter(index) }
            let wh = try state.get(UInt64.self, EnergyKeys.openWork(meter)) ?? 0
            state.delete(key)
            state.delete(EnergyKeys.openWork(meter))
            // A meter frozen for equivocation forfeits the epoch: its share stays in the pool.
            guard try state.meter(meter)?.frozen == nil else { continue }
            guard let device = try state.device(meter) else { throw EnergyFault.missingDevice(meter) }
            work.append(DeviceWork(device: meter, owner: device.owner, work: UInt128(wh)))
        }
        if globals.openMeters > 0 {
            globals.openMeters = 0
            state.set(EnergyKeys.globalsKey, globals)
        }
        try EpochRewards.settle(pool: EnergyModule.poolName, epoch: epoch, unit: unit, work: work, at: height,
                                module: EnergyModule.name, &state)
    }

    /// Adds `wh` to the meter's work since the last settlement, listing the meter on its first.
    static func credit(_ meter: Address, wh: UInt64, _ state: inout StateOverlay) throws {
        let key = EnergyKeys.openWork(meter)
        if let current = try state.get(UInt64.self, key) {
            state.set(key, current.addingReportingOverflow(wh).overflow ? .max : current + wh)
            return
        }
        var globals = try state.energyGlobals()
        state.set(EnergyKeys.openMeter(globals.openMeters), meter)
        globals.openMeters += 1
        state.set(EnergyKeys.globalsKey, globals)
        state.set(key, wh)
    }
}
