import CairnCore
import CairnCrypto

/// What one pool paid for one reward epoch (Specs/runtime.md §8.2): the work it counted, in the
/// pool's own unit, the balance it split, and what it paid. `balance − paid` stayed in the pool
/// and is carried into the next epoch.
public struct EpochPoolRecord: Sendable, Hashable, CanonicalCodable {
    public var work: UInt128
    /// The unit of `work` ("reward_units", "byte_periods", "wh").
    public var unit: String
    public var balance: Amount
    public var paid: Amount
    public var devices: UInt64
    public var settledAt: UInt64

    public init(work: UInt128, unit: String, balance: Amount, paid: Amount, devices: UInt64, settledAt: UInt64) {
        self.work = work
        self.unit = unit
        self.balance = balance
        self.paid = paid
        self.devices = devices
        self.settledAt = settledAt
    }

    public var carried: Amount { balance - paid }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: work)
        writer.write(string: unit)
        writer.write(varint: balance)
        writer.write(varint: paid)
        writer.write(varint: devices)
        writer.write(varint: settledAt)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        work = try reader.readVarint128("epoch_pool.work")
        unit = try reader.readString("epoch_pool.unit", limit: 32)
        balance = try reader.readVarint128("epoch_pool.balance")
        paid = try reader.readVarint128("epoch_pool.paid")
        devices = try reader.readVarint("epoch_pool.devices")
        settledAt = try reader.readVarint("epoch_pool.settled_at")
    }
}

/// What one device earned from one pool in one epoch, and the owner it was paid to.
public struct DeviceEpochReward: Sendable, Hashable, CanonicalCodable {
    public var owner: Address
    public var amount: Amount
    public var work: UInt128

    public init(owner: Address, amount: Amount, work: UInt128) {
        self.owner = owner
        self.amount = amount
        self.work = work
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: owner)
        writer.write(varint: amount)
        writer.write(varint: work)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        owner = try reader.readAddress("device_reward.owner")
        amount = try reader.readVarint128("device_reward.amount")
        work = try reader.readVarint128("device_reward.work")
    }
}

/// One device's verified work in a pool's epoch, and who owns the device at settlement.
public struct DeviceWork: Sendable, Hashable {
    public var device: Address
    public var owner: Address
    public var work: UInt128

    public init(device: Address, owner: Address, work: UInt128) {
        self.device = device
        self.owner = owner
        self.work = work
    }
}

/// The pools' common settlement (Specs/runtime.md §8.2): each proof module pays its pool's whole
/// balance at the end of a reward epoch, pro rata to the verified work of the epoch, and writes
/// the records `rewards_getEpoch` and `rewards_getDevice` read. Floors and a workless epoch leave
/// tokens in the pool: they are carried into the next epoch, never lost and never minted twice.
public enum EpochRewards {
    /// Per-epoch pool records: key = u64_be(epoch) ‖ UTF-8 pool name.
    public static let poolNamespace: UInt8 = 0x23
    /// Per-device records: key = device (20) ‖ u64_be(epoch) ‖ UTF-8 pool name.
    public static let deviceNamespace: UInt8 = 0x24
    public static let namespaces: [UInt8] = [poolNamespace, deviceNamespace]

    public static func poolKey(epoch: UInt64, pool: String) -> StateKey {
        StateKey(namespace: poolNamespace, key: epoch.bigEndianBytes + Array(pool.utf8))
    }

    public static func deviceKey(_ device: Address, epoch: UInt64, pool: String) -> StateKey {
        StateKey(namespace: deviceNamespace, key: device.bytes + epoch.bigEndianBytes + Array(pool.utf8))
    }

    /// The reward epoch's length: the emission record's `epoch_length`.
    public static func epochLength(_ state: inout StateOverlay) throws -> UInt64 {
        try state.get(EmissionParameters.self, RuntimeNamespace.parametersKey(EmissionParameters.name))?.epochLength
            ?? EmissionParameters.defaults.epochLength
    }

    /// Epoch e holds heights e·L + 1 … (e + 1)·L; height h closes epoch (h − 1) div L when L divides h.
    public static func epoch(of height: UInt64, length: UInt64) -> UInt64 {
        height == 0 ? 0 : (height - 1) / max(length, 1)
    }

    /// ⌊pool·wᵢ / Σw⌋ for each weight, in the order given; all zero when Σw is 0.
    public static func proRata(_ pool: Amount, _ weights: [UInt128]) -> [Amount] {
        var total: UInt128 = 0
        for w in weights {
            let (sum, overflow) = total.addingReportingOverflow(w)
            total = overflow ? .max : sum
        }
        guard total > 0 else { return weights.map { _ in 0 } }
        return weights.map { IntegerMath.mulDiv(pool, $0, total) ?? 0 }
    }

    /// Pays the pool module account's balance pro rata to `work` (one entry per device, any
    /// order: it is sorted by device id here) and records the epoch. Returns the pool record.
    @discardableResult
    public static func settle(pool: String, epoch: UInt64, unit: String, work: [DeviceWork], at height: UInt64,
                              module: String, _ state: inout StateOverlay) throws -> EpochPoolRecord {
        let sorted = work.filter { $0.work > 0 }.sorted { $0.device < $1.device }
        let account = ModuleAccount.address(pool)
        let balance = try state.account(account).balance
        let amounts = proRata(balance, sorted.map(\.work))
        return try pay(pool: pool, epoch: epoch, unit: unit, payouts: Array(zip(sorted, amounts)), balance: balance,
                       at: height, module: module, &state)
    }

    /// Pays amounts already computed (`amounts` sum to at most `balance`, the pool's balance)
    /// and writes the device and pool records and an `epoch_settled` event.
    @discardableResult
    public static func pay(pool: String, epoch: UInt64, unit: String, payouts: [(DeviceWork, Amount)], balance: Amount,
                           at height: UInt64, module: String, _ state: inout StateOverlay) throws -> EpochPoolRecord {
        let account = ModuleAccount.address(pool)
        var paid: Amount = 0, total: UInt128 = 0, devices: UInt64 = 0
        for (entry, amount) in payouts {
            total = total.addingReportingOverflow(entry.work).overflow ? .max : total + entry.work
            guard amount > 0 else { continue }
            try state.move(amount, from: account, to: entry.owner)
            state.set(deviceKey(entry.device, epoch: epoch, pool: pool),
                      DeviceEpochReward(owner: entry.owner, amount: amount, work: entry.work))
            paid += amount
            devices += 1
        }
        let record = EpochPoolRecord(work: total, unit: unit, balance: balance, paid: paid, devices: devices, settledAt: height)
        state.set(poolKey(epoch: epoch, pool: pool), record)
        state.emit(Event(module: module, kind: "epoch_settled", [
            "pool": pool, "epoch": String(epoch), "work": String(total), "unit": unit, "balance": String(balance),
            "paid": String(paid), "carried": String(balance - paid), "devices_paid": String(devices),
        ]))
        return record
    }
}
