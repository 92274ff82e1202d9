import CairnCore
import CairnCrypto
import Foundation

/// The coverage module's state keys (Specs/depin/coverage.md §11.1).
public enum CoverageKeys {
    /// u64_be(height) → `ChallengeRecord`, for every block that challenged someone.
    public static let challenge: UInt8 = 0x1A
    /// beacon id → `BeaconRecord`, for every accepted attestation.
    public static let beacon: UInt8 = 0x1B
    /// device ‖ u64_be(challenge height) ‖ beacon id ‖ role (0 beacon, 1 witness) → `HistoryEntry`:
    /// a device's beacons and receipts.
    public static let history: UInt8 = 0x1C
    /// device → `CoverageDeviceRecord`.
    public static let device: UInt8 = 0x1D
    /// u64_be(epoch) ‖ u64_be(index) → `EpochBeacon`: the epoch's rewarded beacons until it is settled.
    public static let epochBeacon: UInt8 = 0x1E
    /// u64_be(epoch) → `EpochRecord`.
    public static let epoch: UInt8 = 0x1F
    /// device ‖ u64_be(epoch) → `DeviceReward`.
    public static let deviceReward: UInt8 = 0x20
    /// u64_be(epoch) ‖ device → `DeviceReward`.
    public static let epochReward: UInt8 = 0x21
    /// u64_be(epoch) ‖ spatial key of a resolution-8 cell → `CellCoverage`.
    public static let cell: UInt8 = 0x22

    public static let all: [UInt8] = [challenge, beacon, history, device, epochBeacon, epoch, deviceReward, epochReward, cell]

    static func challenge(_ height: UInt64) -> StateKey { StateKey(namespace: challenge, key: height.bigEndianBytes) }
    static func beacon(_ id: Hash32) -> StateKey { StateKey(namespace: beacon, key: id.bytes) }
    enum Role: UInt8 { case beacon = 0, witness = 1 }

    static func history(_ device: Address, _ height: UInt64, _ beacon: Hash32, role: Role) -> StateKey {
        StateKey(namespace: history, key: device.bytes + height.bigEndianBytes + beacon.bytes + [role.rawValue])
    }
    static func device(_ id: Address) -> StateKey { StateKey(namespace: device, key: id.bytes) }
    static func epochBeacon(_ epoch: UInt64, _ index: UInt64) -> StateKey {
        StateKey(namespace: epochBeacon, key: epoch.bigEndianBytes + index.bigEndianBytes)
    }
    static func epoch(_ number: UInt64) -> StateKey { StateKey(namespace: epoch, key: number.bigEndianBytes) }
    static func deviceReward(_ device: Address, _ epoch: UInt64) -> StateKey {
        StateKey(namespace: deviceReward, key: device.bytes + epoch.bigEndianBytes)
    }
    static func epochReward(_ epoch: UInt64, _ device: Address) -> StateKey {
        StateKey(namespace: epochReward, key: epoch.bigEndianBytes + device.bytes)
    }
    static func cell(_ epoch: UInt64, spatialKey: UInt64) -> StateKey {
        StateKey(namespace: cell, key: epoch.bigEndianBytes + spatialKey.bigEndianBytes)
    }
}

/// Whom block h challenged, and the seed and time their beacons are judged by.
public struct ChallengeRecord: Sendable, Hashable, CanonicalCodable {
    public var seed: Hash32
    /// The block's header time, ms.
    public var time: UInt64
    /// Device ids in draw order.
    public var challengees: [Address]

    public init(seed: Hash32, time: UInt64, challengees: [Address]) {
        self.seed = seed
        self.time = time
        self.challengees = challengees
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(hash: seed)
        writer.write(varint: time)
        writer.write(list: challengees)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        seed = try reader.readHash("challenge.seed")
        time = try reader.readVarint("challenge.time")
        challengees = try reader.readList("challenge.challengees", limit: Int(CoverageParameters.countCap))
    }

    /// The seed and time, and whether `device` is a challengee, from the encoding without building
    /// the list: every attestation of a block reads its challenge record, which holds up to 1 024.
    public static func lookup(_ bytes: [UInt8], _ device: Address) throws(CanonicalDecodingError) -> (seed: Hash32, time: UInt64, challenged: Bool) {
        var reader = CanonicalReader(bytes)
        let seed = try reader.readHash("challenge.seed")
        let time = try reader.readVarint("challenge.time")
        let count = try reader.readLength("challenge.challengees", limit: Int(CoverageParameters.countCap))
        guard reader.remaining == count * 20 else { throw .invalidValue(field: "challenge.challengees", reason: "must be \(count) addresses") }
        let start = bytes.count - count * 20, wanted = device.bytes
        let challenged = bytes.withUnsafeBufferPointer { all in
            wanted.withUnsafeBufferPointer { target in
                (0..<count).contains { i in memcmp(all.baseAddress! + start + 20 * i, target.baseAddress!, 20) == 0 }
            }
        }
        return (seed, time, challenged)
    }
}

/// One receipt's outcome in a beacon record.
public struct WitnessResult: Sendable, Hashable, CanonicalCodable {
    public var witness: Address
    public var verdict: WitnessVerdict

    public init(witness: Address, verdict: WitnessVerdict) {
        self.witness = witness
        self.verdict = verdict
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: witness)
        writer.write(verdict)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        witness = try reader.readAddress("result.witness")
        verdict = try reader.read(WitnessVerdict.self)
    }
}

/// An accepted attestation: the challenge, where it was included, and every receipt's verdict in
/// the attestation's order.
public struct BeaconRecord: Sendable, Hashable, CanonicalCodable {
    public var challengeHeight: UInt64
    public var challengee: Address
    public var includedAt: UInt64
    public var reportTime: UInt64
    public var results: [WitnessResult]

    public init(challengeHeight: UInt64, challengee: Address, includedAt: UInt64, reportTime: UInt64, results: [WitnessResult]) {
        self.challengeHeight = challengeHeight
        self.challengee = challengee
        self.includedAt = includedAt
        self.reportTime = reportTime
        self.results = results
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: challengeHeight)
        writer.write(address: challengee)
        writer.write(varint: includedAt)
        writer.write(varint: reportTime)
        writer.write(list: results)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        challengeHeight = try reader.readVarint("beacon.challenge_height")
        challengee = try reader.readAddress("beacon.challengee")
        includedAt = try reader.readVarint("beacon.included_at")
        reportTime = try reader.readVarint("beacon.report_time")
        results = try reader.readList("beacon.results", limit: CoverageAttestation.maxDecodedReceipts)
    }

    /// Receipts whose witness is paid.
    public var selected: [Address] { results.filter { $0.verdict == .valid }.map(\.witness) }
}

/// One line of a device's history: it beaconed (with how many witnesses were selected), or it
/// witnessed someone's beacon (with its verdict).
public enum HistoryEntry: Sendable, Hashable, CanonicalCodable {
    case beaconed(selected: UInt64, receipts: UInt64)
    case witnessed(verdict: WitnessVerdict)

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .beaconed(let selected, let receipts):
            writer.write(fixed: [0])
            writer.write(varint: selected)
            writer.write(varint: receipts)
        case .witnessed(let verdict):
            writer.write(fixed: [1])
            writer.write(verdict)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        switch try reader.readByte("history.role") {
        case 0: self = .beaconed(selected: try reader.readVarint("history.selected"), receipts: try reader.readVarint("history.receipts"))
        case 1: self = .witnessed(verdict: try reader.read(WitnessVerdict.self))
        case let role: throw .unknownTag(type: "history role", tag: UInt64(role))
        }
    }
}

/// What the coverage rules remember of one device.
public struct CoverageDeviceRecord: Sendable, Hashable, CanonicalCodable {
    /// The challenge height of its last accepted beacon.
    public var lastBeacon: UInt64?

    public init(lastBeacon: UInt64? = nil) { self.lastBeacon = lastBeacon }

    public func encode(to writer: inout CanonicalWriter) { writer.write(optional: lastBeacon) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        lastBeacon = try reader.readOptional("coverage_device.last_beacon")
    }
}

/// A beacon of the epoch as the settlement needs it: its record, and the cell the challengee
/// beaconed from (a device may move before the epoch ends). The challengee and the witnesses
/// selected are read from the beacon record rather than stored twice.
public struct EpochBeacon: Sendable, Hashable, CanonicalCodable {
    /// The beacon record (0x1B) that names the challengee and the witnesses selected.
    public var beacon: Hash32
    /// Resolution-15 cell raw of the challengee when its beacon was accepted.
    public var cell: UInt64

    public init(beacon: Hash32, cell: UInt64) {
        self.beacon = beacon
        self.cell = cell
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(hash: beacon)
        writer.write(varint: cell)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        beacon = try reader.readHash("epoch_beacon.beacon")
        cell = try reader.readVarint("epoch_beacon.cell")
    }
}

/// An epoch's totals, and once settled, its payout.
public struct EpochRecord: Sendable, Hashable, CanonicalCodable {
    public var beacons: UInt64 = 0
    public var receipts: UInt64 = 0
    public var selected: UInt64 = 0
    public var rejected: UInt64 = 0
    public var settledAt: UInt64?
    /// The pool's balance at settlement, what was paid, and what stayed in the pool.
    public var pool: Amount = 0
    public var paid: Amount = 0
    public var devicesPaid: UInt64 = 0

    public init() {}

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: beacons)
        writer.write(varint: receipts)
        writer.write(varint: selected)
        writer.write(varint: rejected)
        writer.write(optional: settledAt)
        writer.write(varint: pool)
        writer.write(varint: paid)
        writer.write(varint: devicesPaid)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        beacons = try reader.readVarint("epoch.beacons")
        receipts = try reader.readVarint("epoch.receipts")
        selected = try reader.readVarint("epoch.selected")
        rejected = try reader.readVarint("epoch.rejected")
        settledAt = try reader.readOptional("epoch.settled_at")
        pool = try reader.readVarint128("epoch.pool")
        paid = try reader.readVarint128("epoch.paid")
        devicesPaid = try reader.readVarint("epoch.devices_paid")
    }
}

/// What one device earned in one epoch, and the owner it was paid to.
public struct DeviceReward: Sendable, Hashable, CanonicalCodable {
    public var owner: Address
    public var amount: Amount
    public var beacons: UInt64
    public var witnesses: UInt64

    public init(owner: Address, amount: Amount, beacons: UInt64, witnesses: UInt64) {
        self.owner = owner
        self.amount = amount
        self.beacons = beacons
        self.witnesses = witnesses
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: owner)
        writer.write(varint: amount)
        writer.write(varint: beacons)
        writer.write(varint: witnesses)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        owner = try reader.readAddress("reward.owner")
        amount = try reader.readVarint128("reward.amount")
        beacons = try reader.readVarint("reward.beacons")
        witnesses = try reader.readVarint("reward.witnesses")
    }
}

/// One resolution-8 cell in a settled epoch: its hotspots' HIP-17 densities at each level and the
/// resulting scale, and the beacons from it with their selected witnesses.
public struct CellCoverage: Sendable, Hashable, CanonicalCodable {
    /// The resolution-8 cell's raw id.
    public var cell: UInt64
    public var hotspots: UInt64
    /// (unclipped, clipped) at resolutions 8, 7, 4: the cell's and its ancestors'.
    public var densities: [DensityPair]
    public var scale: UInt64
    public var beacons: UInt64
    public var witnesses: UInt64

    public init(cell: UInt64, hotspots: UInt64, densities: [DensityPair], scale: UInt64, beacons: UInt64, witnesses: UInt64) {
        self.cell = cell
        self.hotspots = hotspots
        self.densities = densities
        self.scale = scale
        self.beacons = beacons
        self.witnesses = witnesses
    }

    public struct DensityPair: Sendable, Hashable, CanonicalCodable {
        public var resolution: UInt8
        public var unclipped: UInt64
        public var clipped: UInt64

        public init(resolution: UInt8, unclipped: UInt64, clipped: UInt64) {
            self.resolution = resolution
            self.unclipped = unclipped
            self.clipped = clipped
        }

        public func encode(to writer: inout CanonicalWriter) {
            writer.write(fixed: [resolution])
            writer.write(varint: unclipped)
            writer.write(varint: clipped)
        }

        public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
            resolution = try reader.readByte("cell.resolution")
            unclipped = try reader.readVarint("cell.unclipped")
            clipped = try reader.readVarint("cell.clipped")
        }
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: cell)
        writer.write(varint: hotspots)
        writer.write(list: densities)
        writer.write(varint: scale)
        writer.write(varint: beacons)
        writer.write(varint: witnesses)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        cell = try reader.readVarint("cell.cell")
        hotspots = try reader.readVarint("cell.hotspots")
        densities = try reader.readList("cell.densities", limit: 8)
        scale = try reader.readVarint("cell.scale")
        beacons = try reader.readVarint("cell.beacons")
        witnesses = try reader.readVarint("cell.witnesses")
    }
}
