import CairnCore
import CairnCrypto
import CairnState
import Collections

/// Bounds that keep the attestation pool finite whatever devices and peers send.
public struct AttestationPoolLimits: Sendable, Hashable {
    public var maxAttestations: Int
    public var maxBytes: Int

    public init(maxAttestations: Int = 20_000, maxBytes: Int = 64 * 1024 * 1024) {
        self.maxAttestations = maxAttestations
        self.maxBytes = maxBytes
    }
}

/// Why the pool refused an attestation. `reason` is the RPC `data.reason`.
public enum AttestationPoolError: Error, Equatable, Sendable, CustomStringConvertible {
    case rejected(AttestationRejection)
    case alreadyPending(Hash32)
    case full(limit: Int)
    /// Its bytes would pass the byte limit (the count is within its own).
    case fullBytes(limit: Int)
    case stateUnavailable(String)

    public var reason: String {
        switch self {
        case .rejected(let r): r.reason
        case .alreadyPending: "already_pending"
        case .full, .fullBytes: "pool_full"
        case .stateUnavailable: "state_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .rejected(let r): "\(r)"
        case .alreadyPending(let id): "attestation \(id) is already pending"
        case .full(let limit): "the attestation pool is full (\(limit)); try again after the next block"
        case .fullBytes(let limit): "the attestation pool holds its limit of \(limit) bytes; try again after the next block"
        case .stateUnavailable(let why): "cannot check the attestation against the node's state: \(why)"
        }
    }
}

/// Attestations waiting for a block, oldest first (Specs/mempool.md §8). Each is decoded and its
/// signatures recovered once, outside the actor; the module's rules run against committed state
/// before it is admitted. Blocks take them in arrival order; a block drops the ones it carries
/// and the ones its builder found no longer apply.
public actor AttestationPool {
    private var entries: OrderedDictionary<Hash32, VerifiedAttestation> = [:]
    private var bytes = 0
    private let limits: AttestationPoolLimits
    private nonisolated let verify: @Sendable (Attestation) throws -> VerifiedAttestation
    private nonisolated let check: @Sendable (VerifiedAttestation) throws -> Void

    /// `verify` decodes the body and recovers, `check` runs the module's rules on committed state;
    /// both throw an `AttestationRejection` for the attestation's faults, anything else for the node's.
    public init(limits: AttestationPoolLimits = AttestationPoolLimits(),
                verify: @escaping @Sendable (Attestation) throws -> VerifiedAttestation,
                check: @escaping @Sendable (VerifiedAttestation) throws -> Void) {
        self.limits = limits
        self.verify = verify
        self.check = check
    }

    /// Decodes, recovers and checks off the actor, then admits. Returns the attestation id.
    @concurrent
    public nonisolated func submit(encoded: [UInt8]) async throws(AttestationPoolError) -> Hash32 {
        // Every peer relays what it admits, so most arrivals are already pending: refuse those by
        // id (the SHA-256 of the canonical bytes) before recovering their signatures.
        let attestation: Attestation
        do throws(AttestationRejection) { attestation = try RuleSet.decodeAttestation(encoded: encoded) } catch { throw .rejected(error) }
        if await contains(attestation.id) { throw .alreadyPending(attestation.id) }
        let verified: VerifiedAttestation
        do {
            verified = try verify(attestation)
            try check(verified)
        } catch let rejection as AttestationRejection {
            throw .rejected(rejection)
        } catch {
            throw .stateUnavailable(String(describing: error))
        }
        return try await admit(verified)
    }

    private func admit(_ verified: VerifiedAttestation) throws(AttestationPoolError) -> Hash32 {
        guard entries[verified.id] == nil else { throw .alreadyPending(verified.id) }
        guard entries.count < limits.maxAttestations else { throw .full(limit: limits.maxAttestations) }
        guard bytes + verified.encodedSize <= limits.maxBytes else { throw .fullBytes(limit: limits.maxBytes) }
        entries[verified.id] = verified
        bytes += verified.encodedSize
        return verified.id
    }

    /// The oldest attestations within the limits, for a block; removes nothing.
    public func reap(maxAttestations: Int, maxBytes: Int) -> [VerifiedAttestation] {
        var taken: [VerifiedAttestation] = []
        var budget = maxBytes
        for entry in entries.values {
            guard taken.count < maxAttestations else { break }
            guard entry.encodedSize <= budget else { continue }
            taken.append(entry)
            budget -= entry.encodedSize
        }
        return taken
    }

    /// The pending attestations among `ids`, so a proposal made of them is checked without
    /// recovering their signatures again.
    public func known(_ ids: [Hash32]) -> [Hash32: VerifiedAttestation] {
        var found: [Hash32: VerifiedAttestation] = [:]
        for id in ids { if let entry = entries[id] { found[id] = entry } }
        return found
    }

    /// Removes what a committed block carried, or what a builder found no longer applies.
    public func remove(_ ids: [Hash32]) {
        // One pass that keeps the rest: removing ids one by one would shift the ordered entries once
        // per id, and removing in place rebuilds the index around every removed run.
        let gone = Set(ids.filter { entries[$0] != nil })
        guard !gone.isEmpty else { return }
        for id in gone { bytes -= entries[id]!.encodedSize }
        entries = gone.count == entries.count ? [:] : entries.filter { !gone.contains($0.key) }
    }

    /// After a commit: runs every pending attestation's rules again on the new committed state
    /// and drops the ones that no longer apply (an expired challenge, one attested meanwhile), so
    /// a node that never proposes does not keep them. Off the actor; submissions go on meanwhile.
    @concurrent
    public nonisolated func recheck() async {
        let pending = await snapshot()
        var stale: [Hash32] = []
        for entry in pending {
            do { try check(entry) } catch is AttestationRejection { stale.append(entry.id) } catch {}
        }
        if !stale.isEmpty { await remove(stale) }
    }

    private func snapshot() -> [VerifiedAttestation] { Array(entries.values) }

    public var count: Int { entries.count }
    public func contains(_ id: Hash32) -> Bool { entries[id] != nil }
}
