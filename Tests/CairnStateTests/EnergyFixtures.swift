import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import CairnStorage
import Foundation
import Testing

/// A chain on a real database running the standard runtime, with meters onboarded by a maker,
/// for the energy module's tests: each block is built by `BlockBuilder` and committed, so every
/// operation and attestation goes through the runtime as on a node.
final class EnergyChain {
    static let maker = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-energy-maker".utf8)).bytes)
    static let alice = TestKeys.alice, bob = TestKeys.bob, carol = TestKeys.carol
    static func meterKey(_ i: Int) -> PrivateKey { try! PrivateKey(bytes: Hash32.sha256(Array("cairn-energy-meter-\(i)".utf8)).bytes) }
    /// 2026-06-21 12:00 UTC, the solstice: the blocks' time (they advance a millisecond a height).
    static let genesisTime: UInt64 = 1_782_043_200_000
    /// The slot ending exactly at the genesis time.
    static let lastSlot: UInt64 = 5_940_143
    static let energy = EnergyParameters(minBond: 1_000, bondUnlockDelay: 3)
    static let emission = EmissionParameters(epochLength: 6, perEpoch: 6_000_000, shares: [EmissionShare(pool: "energy", ppm: 1_000_000)])
    /// Zürich, in micro-degrees: the sun is up from about 03:30 to 19:30 UTC at the solstice.
    static let zurich = AssertedPlace(latitude: 47_376_900, longitude: 8_541_700, elevation: 420, antennaGain: 0)

    let chain: RuntimeChain
    private var nonces: [Address: UInt64] = [:]

    init(energy: EnergyParameters = EnergyChain.energy, emission: EmissionParameters = EnergyChain.emission) throws {
        let state = DevicesGenesis(makers: [.init(name: "acme", publicKey: Self.maker.publicKey.compressed)])
        let base = makeGenesis(balances: [(Self.alice.address, 1_000_000), (Self.bob.address, 1_000_000), (Self.carol.address, 1_000_000)],
                               more: [ModuleRecord(DevicesModule.self, DevicesParameters(onboardingFee: 10, locationFee: 1, locationInterval: 1)),
                                      ModuleRecord(EnergyModule.self, energy), .emission(emission)])
        let genesis = Genesis(chainID: base.chainID, genesisTime: Self.genesisTime, protocolVersion: 1, parameters: base.parameters,
                              allocations: base.allocations, validators: base.validators,
                              moduleStates: [ModuleRecord(module: DevicesModule.name, encoded: state.canonicalBytes)])
        chain = try RuntimeChain(runtime: .standard, genesis: genesis)
    }

    var database: ChainDatabase { chain.database }
    var height: UInt64 { (try? chain.database.tip()?.height) ?? 0 }

    func tx(_ operation: CairnCore.Operation, from key: PrivateKey) -> VerifiedTransaction {
        let nonce = nonces[key.address, default: 0]
        return try! VerifiedTransaction(UnsignedTransaction(chainID: chainID, nonce: nonce, fee: 10, operation: operation).signed(with: key))
    }

    func energy(_ op: EnergyOperation, from key: PrivateKey) -> VerifiedTransaction { tx(op.operation, from: key) }
    func device(_ op: DeviceOperation, from key: PrivateKey) -> VerifiedTransaction { tx(op.operation, from: key) }

    /// Builds and commits the next block; the nonces of included transactions move on.
    @discardableResult
    func block(_ txs: [VerifiedTransaction] = [], attestations: [EnergyAttestation] = []) throws -> BuiltBlock {
        let built = try chain.buildNext(txs, attestations: try attestations.map(Self.verified))
        try chain.commit(built)
        for tx in built.block.transactions { nonces[try VerifiedTransaction(tx).sender, default: 0] += 1 }
        return built
    }

    /// One transaction alone in a block: its rejection reason, or nil when it applied.
    func submit(_ op: EnergyOperation, from key: PrivateKey) throws -> String? {
        try block([energy(op, from: key)]).skipped.first?.reason.reason
    }

    static func verified(_ a: EnergyAttestation) throws -> VerifiedAttestation {
        let attestation = a.attestation
        return try Runtime.standard.latest.verifyAttestation(attestation, chainID: chainID)
    }

    /// Onboards the meters (owned by `owner`) and, unless `located` is false, asserts their places.
    func onboard(_ keys: [PrivateKey], owner: PrivateKey = EnergyChain.alice, located: Bool = true,
                 place: AssertedPlace = EnergyChain.zurich) throws {
        try onboard(keys, kind: .meter, owner: owner, located: located, place: place)
    }

    func onboard(_ keys: [PrivateKey], kind: DeviceKind, owner: PrivateKey, located: Bool = true,
                 place: AssertedPlace = EnergyChain.zurich) throws {
        for key in keys {
            let claim = OnboardingClaim(chainID: chainID, publicKey: key.publicKey.compressed, owner: owner.address, kind: kind)
            let op = DeviceOnboarding(claim, makerSignature: claim.makerSignature(Self.maker), deviceKey: key)
            #expect(try block([device(.onboard(op), from: owner)]).skipped.isEmpty)
            guard located else { continue }
            let assertion = LocationAssertion(chainID: chainID, deviceKey: key, owner: owner.address, place: place, nonce: 0)
            #expect(try block([device(.assertLocation(assertion), from: owner)]).skipped.isEmpty)
        }
    }

    /// Onboards, locates and registers solar meters of 5 kW with a bond of 2 000.
    func registered(_ keys: [PrivateKey], owner: PrivateKey = EnergyChain.alice, technology: MeterTechnology = .solar,
                    located: Bool = true) throws {
        try onboard(keys, owner: owner, located: located)
        for key in keys {
            #expect(try submit(.register(MeterRegistration(meter: key.address, capacity: 5_000, technology: technology, bond: 2_000)),
                               from: owner) == nil)
        }
    }

    func meter(_ key: PrivateKey) throws -> MeterRecord? {
        try database.entry(EnergyKeys.meter(key.address)).map { try MeterRecord(canonicalBytes: $0) }
    }

    func balance(_ address: Address) throws -> Amount { try database.account(address).balance }

    func query(_ name: String, _ args: [String: JSONValue]) throws -> JSONValue {
        let query = try #require(EnergyModule().queries().first { $0.name == name })
        var view = StateView(Latest(database: database))
        return try query.handler(QueryArguments(args), &view)
    }

    /// The reasons of a meter's rejected readings, slot order.
    func rejected(_ key: PrivateKey) throws -> [String] {
        try query("getRejectedReadings", ["meter": .string(key.address.checksummed), "limit": 1_000])["readings"]?.arrayValue?
            .compactMap { $0["reason"]?.stringValue } ?? []
    }

    func supply() throws -> SupplyRecord {
        try database.entry(SupplyRecord.key).map { try SupplyRecord(canonicalBytes: $0) } ?? SupplyRecord()
    }
}

/// Readings and batches by slot, signed by a meter key.
enum EnergyFixture {
    static func batch(_ key: PrivateKey, _ readings: [(slot: UInt64, energy: UInt64, sequence: UInt64)]) -> SignedBatch {
        ReadingBatch(meter: key.address, readings: readings.map { MeterReading(slot: $0.slot, energy: $0.energy, sequence: $0.sequence) })
            .signed(with: key, chainID: chainID)
    }

    static func attestation(_ batches: SignedBatch...) -> EnergyAttestation { EnergyAttestation(batches: batches) }
}
