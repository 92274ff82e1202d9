import CairnCore
import CairnCrypto

extension ReadingRejection: ModuleRejection {}

/// Proof of energy (Specs/depin/energy.md): bonded meters sign batches of cumulative readings,
/// gateways carry them as attestations, every reading gets a verdict on chain, verified energy
/// becomes transferable certificates (one per kWh) and earns from the energy pool each epoch, and
/// a meter caught signing two readings for one slot is frozen and slashed.
public struct EnergyModule: ChainModule {
    public static let name = "energy"
    public static let namespaces: [UInt8] = EnergyKeys.all
    public static let operationTags: [UInt64] = Array(EnergyOperation.tags)
    public static let attestationTags: [UInt64] = [EnergyAttestation.tag]
    public static let poolName = "energy"
    public static let emissionPools: [String] = [poolName]
    public static var pool: Address { ModuleAccount.address(poolName) }
    /// The module account that holds every meter's bond.
    public static var bonds: Address { MeterBonds.account }

    public init() {}

    public static func decode(_ operation: Operation) throws(CanonicalDecodingError) -> EnergyOperation {
        try EnergyOperation(operation)
    }

    /// A registration's bond and a top-up leave the sender with the fee, before `apply`.
    public static func spend(_ operation: EnergyOperation) -> Amount {
        switch operation {
        case .register(let r): r.bond
        case .topUpBond(_, let amount): amount
        default: 0
        }
    }

    public func apply(_ operation: EnergyOperation, sender: Address, _ block: BlockContext, _ p: EnergyParameters,
                      _ state: inout StateOverlay) throws {
        switch operation {
        case .register(let r): try MeterBonds.register(r, sender: sender, block, p, &state)
        case .topUpBond(let meter, let amount): try MeterBonds.topUp(meter, amount: amount, sender: sender, &state)
        case .withdrawBond(let meter, let amount): try MeterBonds.withdraw(meter, amount: amount, sender: sender, block, p, &state)
        case .reportEquivocation(let evidence): try Equivocation.report(evidence, reporter: sender, block, p, &state)
        case .transferCertificates(let range, let to): try Certificates.transfer(range, to: to, sender: sender, &state)
        case .retireCertificates(let range, let beneficiary, let purpose):
            try Certificates.retire(range, beneficiary: beneficiary, purpose: purpose, sender: sender, height: block.height, p, &state)
        }
    }

    public static func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> EnergyAttestation {
        var reader = attestation.reader
        let decoded = try reader.read(EnergyAttestation.self)
        try reader.finish()
        return decoded
    }

    public static func signatures(of a: EnergyAttestation, chainID: String) -> [AttestationSignature] {
        a.signatures(chainID: chainID)
    }

    public func applyAttestation(_ a: EnergyAttestation, signers: [Address?], _ block: BlockContext, _ p: EnergyParameters,
                                 _ state: inout StateOverlay) throws {
        try ReadingIntake.apply(a, signers: signers, block, p, &state)
    }

    /// Pays the bond withdrawals that unlock now, then at the end of a reward epoch settles it.
    public func endBlock(_ block: BlockContext, _ p: EnergyParameters, _ state: inout StateOverlay) throws -> [EndBlockEffect] {
        try MeterBonds.unlock(at: block.height, &state)
        let length = try EpochRewards.epochLength(&state)
        if block.height % max(length, 1) == 0 {
            try EnergySettlement.settle(epoch: EpochRewards.epoch(of: block.height, length: length), at: block.height, &state)
        }
        return []
    }

    public func queries() -> [ModuleQuery] { EnergyQueries.all }
}
