import CairnCore
import CairnCrypto
import CairnState

/// The chain `cairn bench attestations` runs on, and the real transactions that put its hotspots
/// on the map: one maker in genesis, funded owners, then an onboarding and a location assertion
/// per hotspot (Specs/depin/devices.md §4), exactly as `cairn device onboard` and
/// `cairn device assert-location` build them.
struct AttestationChainSetup: Sendable {
    static let chainID = "cairn-bench-attest"
    static let fee: Amount = 1

    let owners: [PrivateKey]
    let maker: PrivateKey
    let validator: PrivateKey
    let coverage: CoverageParameters
    let genesis: Genesis

    init(owners count: Int, witnesses: Int, challengesPerBlock: Int, challengeWindow: Int) throws {
        owners = try (0..<count).map { try PrivateKey(bytes: Hash32.sha256(Array("cairn-bench-owner-\($0)".utf8)).bytes) }
        maker = try PrivateKey(bytes: Hash32.sha256(Array("cairn-bench-maker".utf8)).bytes)
        validator = try PrivateKey(bytes: Hash32.sha256(Array("cairn-bench-validator".utf8)).bytes)
        // Loaded: every hotspot may be challenged every block (beacon_interval 1, no minimum
        // between beacons), up to challenges_per_block at once; the other rules keep their defaults.
        coverage = CoverageParameters(challengesPerBlock: UInt64(challengesPerBlock), beaconInterval: 1,
                                      challengeWindow: UInt64(challengeWindow), maxReceipts: UInt64(max(witnesses, 14)),
                                      minBeaconInterval: 0)
        if let problem = coverage.problem { throw BenchmarkError("bench: coverage parameters: \(problem)") }
        let consensus = ConsensusParameters(maxBlockTransactions: 10_000, maxBlockBytes: 16 << 20, minTransactionFee: Self.fee,
                                            maxBlockAttestations: UInt64(max(challengesPerBlock, 1) * 2), maxBlockAttestationBytes: 32 << 20)
        let makers = DevicesGenesis(makers: [.init(name: "bench-maker", publicKey: maker.publicKey.compressed)])
        genesis = Genesis(chainID: Self.chainID, genesisTime: 1, protocolVersion: 1,
                          parameters: [.consensus(consensus), ModuleRecord(CoverageModule.self, coverage),
                                       ModuleRecord(DevicesModule.self, DevicesParameters())],
                          allocations: owners.map { .init(address: $0.address, balance: 1 << 100) },
                          validators: ValidatorSet([Validator(address: validator.address, power: 1)]),
                          moduleStates: [ModuleRecord(module: DevicesModule.name, encoded: makers.canonicalBytes)])
    }

    /// Hotspot i belongs to owner i % owners and is that owner's (i / owners)-th device, so its
    /// onboarding carries nonce i / owners and its location assertion the one after all onboardings.
    func owner(of hotspot: Int) -> Int { hotspot % owners.count }

    func onboarding(_ hotspot: Int, grid: AttestationGrid) -> Transaction {
        let device = grid.keys[hotspot], owner = owners[owner(of: hotspot)]
        let claim = OnboardingClaim(chainID: Self.chainID, publicKey: device.publicKey.compressed, owner: owner.address, kind: .hotspot)
        let operation = DeviceOnboarding(claim, makerSignature: claim.makerSignature(maker), deviceKey: device)
        return UnsignedTransaction(chainID: Self.chainID, nonce: UInt64(hotspot / owners.count), fee: Self.fee,
                                   operation: .device(.onboard(operation))).signed(with: owner)
    }

    func location(_ hotspot: Int, grid: AttestationGrid) -> Transaction {
        let index = owner(of: hotspot), owner = owners[index]
        let onboarded = (grid.count - index + owners.count - 1) / owners.count
        let assertion = LocationAssertion(chainID: Self.chainID, deviceKey: grid.keys[hotspot], owner: owner.address,
                                          place: grid.places[hotspot], nonce: 0)
        return UnsignedTransaction(chainID: Self.chainID, nonce: UInt64(onboarded + hotspot / owners.count), fee: Self.fee,
                                   operation: .device(.assertLocation(assertion))).signed(with: owner)
    }
}
