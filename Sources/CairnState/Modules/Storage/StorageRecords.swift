import CairnCore
import CairnCrypto

/// The storage module's state namespaces and keys (Specs/depin/storage.md §9.1).
public enum StorageKeys {
    /// device → ProviderRecord
    public static let provider: UInt8 = 0x25
    /// u64_be(deal id) → DealRecord
    public static let deal: UInt8 = 0x26
    /// empty → StorageCounters
    public static let counters: UInt8 = 0x27
    /// u64_be(height) ‖ u64_be(index) → ScheduledEntry; u64_be(height) alone → its count
    public static let schedule: UInt8 = 0x28
    /// u64_be(height) → ChallengeSeed
    public static let challengeSeed: UInt8 = 0x29
    /// client ‖ u64_be(deal id) → status; provider device ‖ u64_be(deal id) → status;
    /// status byte ‖ u64_be(deal id) → empty (three lists, told apart by the key's first byte)
    public static let dealList: UInt8 = 0x2A
    /// u64_be(epoch) → count; u64_be(epoch) ‖ u64_be(index) → device; u64_be(epoch) ‖ device → work
    public static let epochWork: UInt8 = 0x2B
    /// Node index: u64_be(deal id) ‖ u64_be(period) → PeriodLogEntry (not in the state tree)
    public static let periodLog: UInt8 = 0x2C
    public static let all: [UInt8] = [provider, deal, counters, schedule, challengeSeed, dealList, epochWork, periodLog]

    public static func provider(_ device: Address) -> StateKey { StateKey(namespace: provider, key: device.bytes) }
    public static func deal(_ id: UInt64) -> StateKey { StateKey(namespace: deal, key: id.bigEndianBytes) }
    public static let countersKey = StateKey(namespace: counters, key: [])
    public static func scheduleCount(_ height: UInt64) -> StateKey { StateKey(namespace: schedule, key: height.bigEndianBytes) }
    public static func scheduled(_ height: UInt64, _ index: UInt64) -> StateKey {
        StateKey(namespace: schedule, key: height.bigEndianBytes + index.bigEndianBytes)
    }
    public static func challengeSeed(_ height: UInt64) -> StateKey { StateKey(namespace: challengeSeed, key: height.bigEndianBytes) }

    /// The list a deal-list key belongs to: its first byte.
    public enum List: UInt8 {
        case client = 0x43 // 'C'
        case provider = 0x50 // 'P'
        case status = 0x53 // 'S'
    }
    public static func byClient(_ client: Address, _ id: UInt64) -> StateKey {
        StateKey(namespace: dealList, key: [List.client.rawValue] + client.bytes + id.bigEndianBytes)
    }
    public static func byProvider(_ device: Address, _ id: UInt64) -> StateKey {
        StateKey(namespace: dealList, key: [List.provider.rawValue] + device.bytes + id.bigEndianBytes)
    }
    public static func byStatus(_ status: DealStatus, _ id: UInt64) -> StateKey {
        StateKey(namespace: dealList, key: [List.status.rawValue, status.rawValue] + id.bigEndianBytes)
    }

    public static func epochWorkCount(_ epoch: UInt64) -> StateKey { StateKey(namespace: epochWork, key: epoch.bigEndianBytes) }
    public static func epochWorker(_ epoch: UInt64, _ index: UInt64) -> StateKey {
        StateKey(namespace: epochWork, key: epoch.bigEndianBytes + index.bigEndianBytes)
    }
    public static func epochWork(_ epoch: UInt64, _ device: Address) -> StateKey {
        StateKey(namespace: epochWork, key: epoch.bigEndianBytes + device.bytes)
    }
    public static func periodLog(_ deal: UInt64, _ period: UInt64) -> StateKey {
        StateKey(namespace: periodLog, key: deal.bigEndianBytes + period.bigEndianBytes)
    }
}

/// A storage provider: a storage device whose owner registered capacity and posted collateral.
public struct ProviderRecord: Sendable, Hashable, CanonicalCodable {
    public var capacity: UInt64
    /// Bytes of active deals.
    public var committed: UInt64
    public var collateral: Amount
    public var activeDeals: UInt64
    public var registeredAt: UInt64

    public init(capacity: UInt64, committed: UInt64 = 0, collateral: Amount, activeDeals: UInt64 = 0, registeredAt: UInt64) {
        self.capacity = capacity
        self.committed = committed
        self.collateral = collateral
        self.activeDeals = activeDeals
        self.registeredAt = registeredAt
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: capacity)
        writer.write(varint: committed)
        writer.write(varint: collateral)
        writer.write(varint: activeDeals)
        writer.write(varint: registeredAt)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        capacity = try reader.readVarint("provider.capacity")
        committed = try reader.readVarint("provider.committed")
        collateral = try reader.readVarint128("provider.collateral")
        activeDeals = try reader.readVarint("provider.active_deals")
        registeredAt = try reader.readVarint("provider.registered_at")
    }
}

public enum DealStatus: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case proposed = 0
    case active = 1
    case completed = 2
    case terminated = 3
    case expired = 4
    case cancelled = 5

    public var description: String {
        switch self {
        case .proposed: "proposed"
        case .active: "active"
        case .completed: "completed"
        case .terminated: "terminated"
        case .expired: "expired"
        case .cancelled: "cancelled"
        }
    }

    public init?(name: String) {
        guard let s = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = s
    }
}

/// What the current proving period of an active deal has come to so far.
public enum PeriodState: UInt8, Sendable, Hashable {
    case open = 0
    case proven = 1
    case faulted = 2
}

/// A deal between a client and a provider (Specs/depin/storage.md §4).
public struct DealRecord: Sendable, Hashable, CanonicalCodable {
    public var client: Address
    public var provider: Address
    public var dataRoot: Hash32
    public var size: UInt64
    public var pricePerPeriod: Amount
    public var periods: UInt64
    public var collateral: Amount
    public var status: DealStatus
    public var proposedAt: UInt64
    /// Last height at which the provider can accept.
    public var acceptBy: UInt64
    /// Chunk size, challenges, period and window, copied from the parameters at the proposal.
    public var chunkSize: UInt64
    public var challenges: UInt64
    public var provingPeriod: UInt64
    public var proofWindow: UInt64
    /// Height of acceptance; 0 before.
    public var startedAt: UInt64
    /// The period being proven (0-based) while active; the periods run while ended.
    public var period: UInt64
    public var periodState: PeriodState
    /// Escrow not yet paid or refunded, and collateral not yet slashed or returned.
    public var escrow: Amount
    public var collateralLeft: Amount
    public var proven: UInt64
    public var faults: UInt64
    public var consecutiveFaults: UInt64
    public var paid: Amount
    public var slashed: Amount
    /// Height the deal reached its final status; 0 before.
    public var endedAt: UInt64

    public init(client: Address, provider: Address, dataRoot: Hash32, size: UInt64, pricePerPeriod: Amount, periods: UInt64,
                collateral: Amount, proposedAt: UInt64, acceptBy: UInt64, parameters p: StorageParameters, escrow: Amount) {
        self.client = client
        self.provider = provider
        self.dataRoot = dataRoot
        self.size = size
        self.pricePerPeriod = pricePerPeriod
        self.periods = periods
        self.collateral = collateral
        self.status = .proposed
        self.proposedAt = proposedAt
        self.acceptBy = acceptBy
        self.chunkSize = p.chunkSize
        self.challenges = p.challenges
        self.provingPeriod = p.provingPeriod
        self.proofWindow = p.proofWindow
        self.startedAt = 0
        self.period = 0
        self.periodState = .open
        self.escrow = escrow
        self.collateralLeft = 0
        self.proven = 0
        self.faults = 0
        self.consecutiveFaults = 0
        self.paid = 0
        self.slashed = 0
        self.endedAt = 0
    }

    public var chunkCount: UInt64 { DataTree.chunkCount(size: size, chunkSize: chunkSize) }
    /// Last height of the current period: its proof deadline.
    public var deadline: UInt64 { startedAt + (period + 1) * provingPeriod }
    /// The block whose seed draws the current period's challenge; its proof may come after it.
    public var challengeHeight: UInt64 { deadline - proofWindow }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: client)
        writer.write(address: provider)
        writer.write(hash: dataRoot)
        writer.write(varint: size)
        writer.write(varint: pricePerPeriod)
        writer.write(varint: periods)
        writer.write(varint: collateral)
        writer.write(varint: UInt64(status.rawValue))
        writer.write(varint: proposedAt)
        writer.write(varint: acceptBy)
        writer.write(varint: chunkSize)
        writer.write(varint: challenges)
        writer.write(varint: provingPeriod)
        writer.write(varint: proofWindow)
        writer.write(varint: startedAt)
        writer.write(varint: period)
        writer.write(varint: UInt64(periodState.rawValue))
        writer.write(varint: escrow)
        writer.write(varint: collateralLeft)
        writer.write(varint: proven)
        writer.write(varint: faults)
        writer.write(varint: consecutiveFaults)
        writer.write(varint: paid)
        writer.write(varint: slashed)
        writer.write(varint: endedAt)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        client = try reader.readAddress("deal.client")
        provider = try reader.readAddress("deal.provider")
        dataRoot = try reader.readHash("deal.data_root")
        size = try reader.readVarint("deal.size")
        pricePerPeriod = try reader.readVarint128("deal.price_per_period")
        periods = try reader.readVarint("deal.periods")
        collateral = try reader.readVarint128("deal.collateral")
        let s = try reader.readVarint("deal.status", max: 255)
        guard let status = DealStatus(rawValue: UInt8(s)) else { throw .invalidValue(field: "deal.status", reason: "unknown status \(s)") }
        self.status = status
        proposedAt = try reader.readVarint("deal.proposed_at")
        acceptBy = try reader.readVarint("deal.accept_by")
        chunkSize = try reader.readVarint("deal.chunk_size")
        challenges = try reader.readVarint("deal.challenges")
        provingPeriod = try reader.readVarint("deal.proving_period")
        proofWindow = try reader.readVarint("deal.proof_window")
        startedAt = try reader.readVarint("deal.started_at")
        period = try reader.readVarint("deal.period")
        let ps = try reader.readVarint("deal.period_state", max: 255)
        guard let periodState = PeriodState(rawValue: UInt8(ps)) else {
            throw .invalidValue(field: "deal.period_state", reason: "unknown period state \(ps)")
        }
        self.periodState = periodState
        escrow = try reader.readVarint128("deal.escrow")
        collateralLeft = try reader.readVarint128("deal.collateral_left")
        proven = try reader.readVarint("deal.proven")
        faults = try reader.readVarint("deal.faults")
        consecutiveFaults = try reader.readVarint("deal.consecutive_faults")
        paid = try reader.readVarint128("deal.paid")
        slashed = try reader.readVarint128("deal.slashed")
        endedAt = try reader.readVarint("deal.ended_at")
    }
}

/// Module-wide counters.
public struct StorageCounters: Sendable, Hashable, CanonicalCodable {
    /// The id the next proposal gets (ids start at 1).
    public var nextDeal: UInt64

    public init(nextDeal: UInt64 = 1) { self.nextDeal = nextDeal }

    public func encode(to writer: inout CanonicalWriter) { writer.write(varint: nextDeal) }
    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        nextDeal = try reader.readVarint("storage.next_deal")
    }
}

/// Something the module must do at a height: end a proposal's wait or a period of a deal.
public struct ScheduledEntry: Sendable, Hashable, CanonicalCodable {
    public enum Kind: UInt8, Sendable { case acceptDeadline = 0, proofDeadline = 1 }
    public var kind: Kind
    public var deal: UInt64

    public init(_ kind: Kind, deal: UInt64) {
        self.kind = kind
        self.deal = deal
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: UInt64(kind.rawValue))
        writer.write(varint: deal)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let k = try reader.readVarint("schedule.kind", max: 1)
        kind = Kind(rawValue: UInt8(k))!
        deal = try reader.readVarint("schedule.deal")
    }
}

/// The seed a challenge height's block drew, and how many deal periods still wait on it. Created
/// (without a seed) when a period is scheduled, given its seed at that height's end block,
/// deleted when the last period drawn from it ends.
public struct ChallengeSeed: Sendable, Hashable, CanonicalCodable {
    public var seed: Hash32?
    public var pending: UInt64

    public init(seed: Hash32? = nil, pending: UInt64) {
        self.seed = seed
        self.pending = pending
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(bool: seed != nil)
        if let seed { writer.write(hash: seed) }
        writer.write(varint: pending)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        seed = try reader.readBool("challenge_seed.present") ? try reader.readHash("challenge_seed.seed") : nil
        pending = try reader.readVarint("challenge_seed.pending")
    }
}

/// One proving period of a deal as queries show it: its challenge and how it ended.
public struct PeriodLogEntry: Sendable, Hashable, CanonicalCodable {
    public enum Outcome: Sendable, Hashable {
        case proven(payment: Amount)
        case fault(reason: String, detail: String, slashed: Amount, toClient: Amount)
    }
    public var challengeHeight: UInt64
    public var seed: Hash32
    public var indices: [UInt64]
    /// Height the outcome was decided.
    public var at: UInt64
    public var outcome: Outcome

    public init(challengeHeight: UInt64, seed: Hash32, indices: [UInt64], at: UInt64, outcome: Outcome) {
        self.challengeHeight = challengeHeight
        self.seed = seed
        self.indices = indices
        self.at = at
        self.outcome = outcome
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: challengeHeight)
        writer.write(hash: seed)
        writer.write(varint: UInt64(indices.count))
        for i in indices { writer.write(varint: i) }
        writer.write(varint: at)
        switch outcome {
        case .proven(let payment):
            writer.write(varint: UInt64(0))
            writer.write(varint: payment)
        case .fault(let reason, let detail, let slashed, let toClient):
            writer.write(varint: UInt64(1))
            writer.write(string: reason)
            writer.write(string: detail)
            writer.write(varint: slashed)
            writer.write(varint: toClient)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        challengeHeight = try reader.readVarint("period.challenge_height")
        seed = try reader.readHash("period.seed")
        let n = try reader.readVarint("period.indices", max: StorageParameters.maxChallenges)
        indices = try (0..<n).map { _ throws(CanonicalDecodingError) in try reader.readVarint("period.index") }
        at = try reader.readVarint("period.at")
        switch try reader.readVarint("period.outcome", max: 1) {
        case 0: outcome = .proven(payment: try reader.readVarint128("period.payment"))
        default:
            outcome = .fault(reason: try reader.readString("period.reason", limit: 64),
                             detail: try reader.readString("period.detail", limit: 512),
                             slashed: try reader.readVarint128("period.slashed"), toClient: try reader.readVarint128("period.to_client"))
        }
    }
}

/// A work tally: verified byte-periods, or a list count.
struct WorkTally: Sendable, Hashable, CanonicalCodable {
    var value: UInt128
    init(_ value: UInt128) { self.value = value }
    func encode(to writer: inout CanonicalWriter) { writer.write(varint: value) }
    init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) { value = try reader.readVarint128("storage.tally") }
}
