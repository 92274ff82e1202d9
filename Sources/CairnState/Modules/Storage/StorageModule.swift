import CairnCore
import CairnCrypto

/// Proof-of-storage (Specs/depin/storage.md): providers register capacity against collateral,
/// clients escrow deals with them, every proving period the chain's seed challenges chunks of every
/// active deal, and each answer is checked against the deal's data root by every node. A proof
/// releases the period's payment; a missed or invalid one is a fault that slashes the deal's
/// collateral; each epoch the storage pool pays proven byte-periods.
public struct StorageModule: ChainModule {
    public static let name = "storage"
    public static let namespaces: [UInt8] = StorageKeys.all
    public static let operationTags: [UInt64] = Array(StorageOperation.tags)
    public static let attestationTags: [UInt64] = [StorageProof.tag]
    public static let poolName = "storage"
    public static let emissionPools: [String] = [poolName]
    /// Holds clients' unpaid deal prices.
    public static let escrow = ModuleAccount.address("storage_escrow")
    /// Holds providers' and deals' collateral.
    public static let collateral = ModuleAccount.address("storage_collateral")

    public init() {}

    public static func decode(_ operation: Operation) throws(CanonicalDecodingError) -> StorageOperation {
        try StorageOperation(operation)
    }

    public static func spend(_ operation: StorageOperation) -> Amount { operation.spend }

    public func apply(_ operation: StorageOperation, sender: Address, _ block: BlockContext, _ p: StorageParameters,
                      _ state: inout StateOverlay) throws {
        switch operation {
        case .registerProvider(let device, let capacity, let added):
            try registerProvider(device, capacity: capacity, added: added, sender: sender, block, p, &state)
        case .proposeDeal(let proposal):
            try propose(proposal, client: sender, block, p, &state)
        case .acceptDeal(let id, let posted):
            try accept(id, posted: posted, sender: sender, block, &state)
        case .cancelDeal(let id):
            var deal = try existing(id, &state)
            guard deal.client == sender else { throw StorageRejection.notClient(deal: id, client: deal.client) }
            guard deal.status == .proposed else { throw StorageRejection.dealNotProposed(id, deal.status) }
            try StorageLedger.end(id, &deal, as: .cancelled, at: block.height, &state)
        }
    }

    private func registerProvider(_ device: Address, capacity: UInt64, added: Amount, sender: Address, _ block: BlockContext,
                                  _ p: StorageParameters, _ state: inout StateOverlay) throws {
        let record = try storageDevice(device, &state)
        guard record.owner == sender else { throw StorageRejection.notOwner(device: device, owner: record.owner) }
        var provider = try state.get(ProviderRecord.self, StorageKeys.provider(device))
            ?? ProviderRecord(capacity: 0, collateral: 0, registeredAt: block.height)
        guard capacity >= provider.committed else {
            throw StorageRejection.capacityBelowCommitted(capacity: capacity, committed: provider.committed)
        }
        let held = provider.collateral + added
        let required = p.providerCollateral(capacity: capacity)
        guard held >= required else { throw StorageRejection.insufficientProviderCollateral(required: required, held: held) }
        try state.credit(Self.collateral, added)
        provider.capacity = capacity
        provider.collateral = held
        state.set(StorageKeys.provider(device), provider)
        state.emit(Event(module: Self.name, kind: "provider_registered", [
            "device": Event.value(device), "owner": Event.value(sender), "capacity": String(capacity),
            "collateral": String(held),
        ]))
    }

    private func propose(_ proposal: DealProposal, client: Address, _ block: BlockContext, _ p: StorageParameters,
                         _ state: inout StateOverlay) throws {
        _ = try storageDevice(proposal.provider, &state)
        guard try state.get(ProviderRecord.self, StorageKeys.provider(proposal.provider)) != nil else {
            throw StorageRejection.unknownProvider(proposal.provider)
        }
        guard proposal.size >= 1, proposal.size <= p.maxDealSize else {
            throw StorageRejection.invalidDealSize(size: proposal.size, maximum: p.maxDealSize)
        }
        guard proposal.periods >= 1, proposal.periods <= p.maxDealPeriods else {
            throw StorageRejection.invalidDealPeriods(periods: proposal.periods, maximum: p.maxDealPeriods)
        }
        let total = proposal.totalPrice ?? 0
        let required = IntegerMath.mulDiv(total, UInt128(p.minDealCollateral), UInt128(StorageParameters.ppm)) ?? .max
        guard proposal.collateral >= required else {
            throw StorageRejection.collateralTooLow(required: required, offered: proposal.collateral)
        }
        try state.credit(Self.escrow, total)
        var counters = try state.get(StorageCounters.self, StorageKeys.countersKey) ?? StorageCounters()
        let id = counters.nextDeal
        counters.nextDeal += 1
        state.set(StorageKeys.countersKey, counters)
        let acceptBy = IntegerMath.add(block.height, p.proposalLifetime)
        let deal = DealRecord(client: client, provider: proposal.provider, dataRoot: proposal.dataRoot, size: proposal.size,
                              pricePerPeriod: proposal.pricePerPeriod, periods: proposal.periods, collateral: proposal.collateral,
                              proposedAt: block.height, acceptBy: acceptBy, parameters: p, escrow: total)
        state.set(StorageKeys.deal(id), deal)
        StorageLedger.list(id, deal, previous: nil, &state)
        try StorageLedger.schedule(ScheduledEntry(.acceptDeadline, deal: id), at: acceptBy, &state)
        state.emit(Event(module: Self.name, kind: "deal_proposed", [
            "deal": String(id), "client": Event.value(client), "provider": Event.value(proposal.provider),
            "data_root": proposal.dataRoot.hex, "size": String(proposal.size), "escrow": String(total),
            "accept_by": String(acceptBy),
        ]))
    }

    private func accept(_ id: UInt64, posted: Amount, sender: Address, _ block: BlockContext, _ state: inout StateOverlay) throws {
        var deal = try existing(id, &state)
        let device = try storageDevice(deal.provider, &state)
        guard device.owner == sender else { throw StorageRejection.notOwner(device: deal.provider, owner: device.owner) }
        guard deal.status == .proposed else { throw StorageRejection.dealNotProposed(id, deal.status) }
        guard block.height <= deal.acceptBy else { throw StorageRejection.acceptanceExpired(deal: id, acceptBy: deal.acceptBy) }
        guard posted == deal.collateral else { throw StorageRejection.collateralMismatch(expected: deal.collateral, offered: posted) }
        guard var provider = try state.get(ProviderRecord.self, StorageKeys.provider(deal.provider)) else {
            throw StorageRejection.unknownProvider(deal.provider)
        }
        guard provider.capacity - provider.committed >= deal.size else {
            throw StorageRejection.capacityExceeded(capacity: provider.capacity, committed: provider.committed, size: deal.size)
        }
        try state.credit(Self.collateral, posted)
        provider.committed += deal.size
        provider.activeDeals += 1
        state.set(StorageKeys.provider(deal.provider), provider)
        let previous = deal.status
        deal.status = .active
        deal.startedAt = block.height
        deal.collateralLeft = posted
        StorageLedger.list(id, deal, previous: previous, &state)
        try StorageLedger.schedulePeriod(id, deal, &state)
        state.set(StorageKeys.deal(id), deal)
        state.emit(Event(module: Self.name, kind: "deal_accepted", [
            "deal": String(id), "provider": Event.value(deal.provider), "collateral": String(posted),
            "first_challenge": String(deal.challengeHeight), "first_deadline": String(deal.deadline),
        ]))
    }

    // MARK: proofs

    public static func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> StorageProof {
        var reader = attestation.reader
        let decoded = try reader.read(StorageProof.self)
        try reader.finish()
        return decoded
    }

    public static func signatures(of proof: StorageProof, chainID: String) -> [AttestationSignature] {
        [AttestationSignature(digest: proof.digest(chainID: chainID), signature: proof.signature)]
    }

    public func applyAttestation(_ proof: StorageProof, signers: [Address?], _ block: BlockContext, _ p: StorageParameters,
                                 _ state: inout StateOverlay) throws {
        var (deal, seed) = try StorageProofRules.admit(proof, signer: signers.first ?? nil, block, &state)
        let indices = StorageChallenge.indices(seed: seed, deal: proof.deal, period: proof.period, count: deal.chunkCount,
                                               challenges: deal.challenges)
        let failure = ProofCheckMemo.shared.failure(ProofCheckMemo.key(proof, deal, seed: seed)) {
            StorageProofRules.firstFailure(proof, deal: deal, indices: indices)
        }
        if let failure {
            try StorageLedger.fault(proof.deal, &deal, reason: "invalid_proof", detail: failure, seed: seed, indices: indices,
                                    at: block.height, p, &state)
        } else {
            try StorageLedger.prove(proof.deal, &deal, seed: seed, indices: indices, at: block.height, &state)
        }
        state.set(StorageKeys.deal(proof.deal), deal)
    }

    /// The pool admits what the attestation rules admit; whether the chunks verify is the
    /// block's to record (an invalid answer is a fault, not a refusal). The check of the answers
    /// runs here too, on the pool's many tasks, and is remembered for the block (ProofCheckMemo).
    public func checkAttestation(_ proof: StorageProof, signers: [Address?], _ block: BlockContext, _ p: StorageParameters,
                                 _ state: inout StateOverlay) throws {
        let (deal, seed) = try StorageProofRules.admit(proof, signer: signers.first ?? nil, block, &state)
        _ = ProofCheckMemo.shared.failure(ProofCheckMemo.key(proof, deal, seed: seed)) {
            StorageProofRules.firstFailure(proof, deal: deal, indices: StorageChallenge.indices(
                seed: seed, deal: proof.deal, period: proof.period, count: deal.chunkCount, challenges: deal.challenges))
        }
    }

    public func endBlock(_ block: BlockContext, _ p: StorageParameters, _ state: inout StateOverlay) throws -> [EndBlockEffect] {
        try StorageLedger.endBlock(block, p, &state)
        return []
    }

    public func queries() -> [ModuleQuery] { StorageQueries.all }

    // MARK: helpers

    private func existing(_ id: UInt64, _ state: inout StateOverlay) throws -> DealRecord {
        guard let deal = try state.get(DealRecord.self, StorageKeys.deal(id)) else { throw StorageRejection.unknownDeal(id) }
        return deal
    }

    private func storageDevice(_ id: Address, _ state: inout StateOverlay) throws -> DeviceRecord {
        guard let record = try state.device(id) else { throw StorageRejection.unknownDevice(id) }
        guard record.kind == .storage else { throw StorageRejection.notStorageDevice(id, record.kind) }
        guard record.status == .active else { throw StorageRejection.deviceInactive(id, record.status) }
        return record
    }
}
