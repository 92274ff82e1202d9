import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import CairnStorage
import Foundation
import Testing

/// The coverage module through the real builder, verifier and database (Specs/depin/coverage.md
/// §5.1, §6.1, §9.3, §11): challenges recorded from each block's seed, attestations judged
/// receipt by receipt with every verdict kept, refusals with their reasons, and an epoch's pool
/// paid to the owners of the devices that did the work.
@Suite("Coverage module")
struct CoverageModuleTests {
    static let maker = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-coverage-maker".utf8)).bytes)
    static let hotspots = (0..<6).map { try! PrivateKey(bytes: Hash32.sha256(Array("cairn-coverage-hotspot-\($0)".utf8)).bytes) }
    static let alice = TestKeys.alice, bob = TestKeys.bob
    static let coverage = CoverageParameters(challengesPerBlock: 4, beaconInterval: 1, challengeWindow: 5, minBeaconInterval: 3,
                                             epochLength: 6)
    static let emission = EmissionParameters(epochLength: 6, perEpoch: 6_000_000, shares: [EmissionShare(pool: "coverage", ppm: 1_000_000)])
    /// Hotspots on a line east of Zurich, about 1.5 km apart: every pair is within 300 m … 100 km.
    static func place(_ i: Int) -> AssertedPlace {
        AssertedPlace(latitude: 47_376_900, longitude: 8_541_700 + Int32(i) * 20_000, elevation: 420, antennaGain: 30)
    }
    static func owner(_ i: Int) -> PrivateKey { i < 3 ? alice : bob }

    static func genesis() -> Genesis {
        let state = DevicesGenesis(makers: [.init(name: "acme", publicKey: maker.publicKey.compressed)])
        let base = makeGenesis(balances: [(alice.address, 1_000_000), (bob.address, 1_000_000)],
                               more: [ModuleRecord(DevicesModule.self, DevicesParameters(onboardingFee: 10, locationFee: 1, locationInterval: 1)),
                                      ModuleRecord(CoverageModule.self, coverage), .emission(emission)])
        return Genesis(chainID: base.chainID, genesisTime: base.genesisTime, protocolVersion: 1, parameters: base.parameters,
                       allocations: base.allocations, validators: base.validators,
                       moduleStates: [ModuleRecord(module: DevicesModule.name, encoded: state.canonicalBytes)])
    }

    static func tx(_ op: DeviceOperation, from key: PrivateKey, nonce: UInt64) -> VerifiedTransaction {
        try! VerifiedTransaction(UnsignedTransaction(chainID: chainID, nonce: nonce, fee: 10, operation: .device(op)).signed(with: key))
    }

    /// A chain whose six hotspots are onboarded at height 1 and located at height 2.
    static func chain() throws -> RuntimeChain {
        let chain = try RuntimeChain(runtime: .standard, genesis: genesis())
        var nonces: [Address: UInt64] = [:]
        func next(_ key: PrivateKey) -> UInt64 { defer { nonces[key.address, default: 0] += 1 }; return nonces[key.address, default: 0] }
        let onboard = hotspots.enumerated().map { i, device in
            let claim = OnboardingClaim(chainID: chainID, publicKey: device.publicKey.compressed, owner: owner(i).address, kind: .hotspot)
            return tx(.onboard(DeviceOnboarding(claim, makerSignature: claim.makerSignature(maker), deviceKey: device)),
                      from: owner(i), nonce: next(owner(i)))
        }
        #expect(try chain.commitNext(onboard).skipped.isEmpty)
        let locate = hotspots.enumerated().map { i, device in
            tx(.assertLocation(LocationAssertion(chainID: chainID, deviceKey: device, owner: owner(i).address, place: place(i), nonce: 0)),
               from: owner(i), nonce: next(owner(i)))
        }
        #expect(try chain.commitNext(locate).skipped.isEmpty)
        return chain
    }

    static func challenges(_ chain: RuntimeChain, at height: UInt64) throws -> ChallengeRecord {
        try #require(try chain.database.entry(CoverageKeys.challenge(height)).map { try ChallengeRecord(canonicalBytes: $0) })
    }

    static func index(of device: Address) -> Int { hotspots.firstIndex { $0.address == device }! }

    /// The free-space bound of §6.2 rule 16 between hotspots i and j (both 3 dBi).
    static func bound(_ i: Int, _ j: Int, frequency: UInt64) throws -> Int64 {
        let a = place(i), b = place(j)
        let d = GreatCircle.distance3D(try GeoPoint(latitude: a.latitude, longitude: a.longitude), elevationA: a.elevation,
                                       try GeoPoint(latitude: b.latitude, longitude: b.longitude), elevationB: b.elevation)
        let loss = FreeSpacePathLoss.decibelsTenths(distanceMeters: d, frequencyHz: frequency)
        return Int64(coverage.beaconTransmitPower) + 60 - Int64(loss) + Int64(coverage.rssiTolerance)
    }

    /// An attestation of `challengee`'s beacon at `height`, heard by `witnesses` (indices), each
    /// reporting `rssiOffset` tenths of a dB relative to 10 dB under the free-space bound.
    static func attestation(_ record: ChallengeRecord, height: UInt64, challengee: Int, witnesses: [(Int, Int64)],
                            reportSigner: PrivateKey? = nil, reportTime: UInt64? = nil) throws -> VerifiedAttestation {
        let id = hotspots[challengee].address
        let beacon = Beacon.derive(seed: record.seed, height: height, challengee: id, plan: coverage.channelPlan)
        let time = reportTime ?? record.time + 500
        let receipts = try witnesses.map { w, offset in
            let receipt = WitnessReceipt(witness: hotspots[w].address, rssi: Int32(try bound(challengee, w, frequency: beacon.frequency) - 100 + offset),
                                         snr: 55, frequency: beacon.frequency + 1_000, time: record.time + 800, packetHash: beacon.packetHash)
            return SignedReceipt(receipt: receipt, signature: hotspots[w].sign(digest: receipt.digest(chainID: chainID, beaconID: beacon.id)))
        }
        let report = (reportSigner ?? hotspots[challengee]).sign(digest: CoverageAttestation.reportDigest(chainID: chainID, beaconID: beacon.id, time: time))
        let attestation = CoverageAttestation(challengeHeight: height, challengee: id, reportTime: time, reportSignature: report,
                                              receipts: receipts).attestation
        return try Runtime.standard.latest.verifyAttestation(attestation, chainID: chainID)
    }

    static func query(_ chain: RuntimeChain, _ name: String, _ args: [String: JSONValue]) throws -> JSONValue {
        let query = try #require(CoverageModule().queries().first { $0.name == name })
        var view = StateView(Latest(database: chain.database))
        return try query.handler(QueryArguments(args), &view)
    }

    @Test func eachBlockChallengesLocatedHotspotsFromItsSeed() throws {
        let chain = try Self.chain()
        #expect(try chain.database.entry(CoverageKeys.challenge(1)) == nil, "nobody was located at height 1")
        let record = try Self.challenges(chain, at: 2)
        let seed = try #require(try chain.database.block(height: 2)).header.seal.seed
        #expect(record.seed == seed)
        let positions = ChallengeSelection.challengees(seed: seed, height: 2, located: 6, count: 4)
        var overlay = StateOverlay(base: chain.database)
        #expect(record.challengees == (try positions.map { try #require(try overlay.locatedDevice(.hotspot, at: $0)) }))
        // The attestation rules read membership straight from the encoding.
        let bytes = record.canonicalBytes
        for device in Self.hotspots.map(\.address) {
            let found = try ChallengeRecord.lookup(bytes, device)
            #expect(found.seed == seed && found.time == record.time && found.challenged == record.challengees.contains(device))
        }
        #expect(throws: CanonicalDecodingError.self) { _ = try ChallengeRecord.lookup(Array(bytes.dropLast()), Self.hotspots[0].address) }
        let listed = try Self.query(chain, "getChallenges", ["height": 2])
        #expect(listed["challenges"]?.arrayValue?.count == 4)
        #expect(listed["last_height"]?.integerValue == 7)
    }

    @Test func anAttestationRecordsEveryVerdictAndRefusesWhatBreaksItsRules() throws {
        let chain = try Self.chain()
        let record = try Self.challenges(chain, at: 2)
        let c = Self.index(of: record.challengees[0])
        let others = (0..<6).filter { $0 != c }
        // Two honest witnesses, one claiming more than free space allows, and the challengee itself.
        let good = try Self.attestation(record, height: 2, challengee: c,
                                        witnesses: [(others[0], 0), (others[1], 0), (others[2], 200), (c, 0)])
        let unchallenged = (0..<6).first { i in !record.challengees.contains(Self.hotspots[i].address) }
        var refused = [try Self.attestation(record, height: 2, challengee: Self.index(of: record.challengees[1]), witnesses: [],
                                            reportSigner: Self.hotspots[others[0]])]
        refused.append(try Self.attestation(record, height: 2, challengee: Self.index(of: record.challengees[2]), witnesses: [],
                                            reportTime: record.time + Self.coverage.receiptWindow + Self.coverage.receiptTimeTolerance + 1))
        if let unchallenged { refused.append(try Self.attestation(record, height: 2, challengee: unchallenged, witnesses: [])) }
        // The pool's admission (the attestation rules alone) refuses exactly what the block refuses.
        func admission(_ a: VerifiedAttestation) -> String {
            var overlay = StateOverlay(base: chain.database)
            do {
                try Runtime.standard.latest.admit(a, context: BlockContext(chainID: chainID, height: 3, proposer: .zero), &overlay)
                return "ok"
            } catch { return (error as? AttestationRejection)?.reason ?? "\(error)" }
        }
        let admitted = ([good] + refused).map(admission)
        let built = try chain.buildNext(attestations: [good] + refused)
        // A node checking the block writes the same node index entries as the node that built it.
        let index = built.executed.outcome.indexEntries
        #expect(try chain.verify(built.block, runtime: .standard).outcome.indexEntries == index)
        try chain.commit(built)
        #expect(admitted == ["ok"] + built.skippedAttestations.map(\.reason.reason))
        #expect(built.block.attestations == [good.attestation])
        #expect(built.skippedAttestations.map(\.reason.reason)
                == ["bad_report_signature", "report_out_of_window"] + (unchallenged == nil ? [] : ["not_challenged"]))

        let beacon = Beacon.id(height: 2, challengee: Self.hotspots[c].address)
        let stored = try #require(try chain.database.entry(CoverageKeys.beacon(beacon)).map { try BeaconRecord(canonicalBytes: $0) })
        #expect(stored.includedAt == 3)
        #expect(stored.results.map(\.verdict.reason) == ["valid", "valid", "rssi_too_high", "self_witness"])
        let events = built.executed.outcome.blockResults.attestations[0].events
        #expect(events.filter { $0.kind == "witness" }.map { $0.attributes.first { $0.key == "verdict" }?.value }
                == ["valid", "valid", "rssi_too_high", "self_witness"])
        let results = try Self.query(chain, "getWitnessResults", ["beacon_id": .string(beacon.hex)])
        #expect(results["witnesses"]?.arrayValue?[2]["detail"]?.stringValue?.hasPrefix("rssi_too_high") == true)
        // The history of the witness whose claim was refused, and of the challengee.
        let history = try Self.query(chain, "getDeviceHistory", ["device": .string(Self.hotspots[others[2]].address.checksummed)])
        #expect(history["history"]?.arrayValue?.map { $0["verdict"]?.stringValue } == ["rssi_too_high"])
        let own = try Self.query(chain, "getDeviceHistory", ["device": .string(Self.hotspots[c].address.checksummed)])
        #expect(own["history"]?.arrayValue?.map { $0["role"]?.stringValue } == ["beacon", "witness"])
        #expect(own["history"]?.arrayValue?.first?["selected"]?.integerValue == 2)
        // History lines live in the node index, outside the state tree: one for the beacon and one
        // per witness (the challengee witnessing itself included), none in the block's state changes.
        // The block's other index entry is staking's record of what its begin step paid.
        #expect(index.filter { $0.key.namespace == CoverageKeys.history }.count == 5)
        #expect(index.allSatisfy { [CoverageKeys.history, StateKey.StakingNamespace.blockRewards].contains($0.key.namespace) })
        #expect(!built.executed.outcome.changes.contains { $0.key.namespace == CoverageKeys.history })
        #expect(try chain.database.stateEntries(namespace: CoverageKeys.history, prefix: [], from: nil, limit: 10).isEmpty)

        // The same challenge again (another report time, so another id): already attested.
        let again = try Self.attestation(record, height: 2, challengee: c, witnesses: [(others[0], 0)], reportTime: record.time + 600)
        #expect(try chain.commitNext(attestations: [again]).skippedAttestations.map(\.reason.reason) == ["already_attested"])
        // Past the window: expired.
        for _ in 0..<3 { try chain.commitNext() }
        let late = try Self.attestation(record, height: 2, challengee: Self.index(of: record.challengees[3]), witnesses: [])
        #expect(try chain.commitNext(attestations: [late]).skippedAttestations.map(\.reason.reason) == ["challenge_expired"])
    }

    @Test func aHotspotDrawnAgainTooSoonCannotBeaconAgain() throws {
        let chain = try Self.chain()
        let first = try Self.challenges(chain, at: 2)
        let c = Self.index(of: first.challengees[0])
        try chain.commitNext(attestations: [try Self.attestation(first, height: 2, challengee: c, witnesses: [])])
        // Heights 3 and 4 are within min_beacon_interval (3) of 2; with 4 of 6 drawn per block, c is drawn again.
        let height: UInt64 = try #require([3, 4].first { try Self.challenges(chain, at: $0).challengees.contains(Self.hotspots[c].address) })
        if height == 4 { try chain.commitNext() }
        let again = try Self.attestation(try Self.challenges(chain, at: height), height: height, challengee: c, witnesses: [])
        #expect(try chain.commitNext(attestations: [again]).skippedAttestations.map(\.reason.reason) == ["beacon_too_soon"])
    }

    @Test func theEpochPaysThePoolToTheOwnersOfTheDevicesThatDidTheWork() throws {
        let chain = try Self.chain()
        let record = try Self.challenges(chain, at: 2)
        let c = Self.index(of: record.challengees[0])
        let others = (0..<6).filter { $0 != c }
        let attestation = try Self.attestation(record, height: 2, challengee: c, witnesses: [(others[0], 0), (others[1], 0), (others[4], 200)])
        try chain.commitNext(attestations: [attestation])
        let before = try [Self.alice, Self.bob].map { try chain.database.account($0.address).balance }
        for _ in 4...6 { try chain.commitNext() }
        let epoch = try Self.query(chain, "getEpoch", ["epoch": 0])
        #expect(epoch["settled_at"]?.integerValue == 6)
        #expect(epoch["beacons"]?.integerValue == 1 && epoch["selected"]?.integerValue == 2 && epoch["rejected"]?.integerValue == 1)
        let pool = UInt128(try #require(epoch["pool"]?.stringValue))!
        #expect(pool == 6_000_000, "one epoch of emission, nothing paid before")
        let paid = try Self.query(chain, "listEpochRewards", ["epoch": 0])["rewards"]?.arrayValue ?? []
        // The challengee and its two valid witnesses, and nobody else; the refused witness earns nothing.
        let devices = Set(paid.compactMap { $0["device"]?.stringValue })
        #expect(devices == Set([c, others[0], others[1]].map { Self.hotspots[$0].address.checksummed }))
        var owed: [Address: Amount] = [:]
        for entry in paid {
            let owner = try Address(hex: try #require(entry["owner"]?.stringValue))
            #expect(owner == Self.owner(Self.index(of: try Address(hex: entry["device"]!.stringValue!))).address)
            owed[owner, default: 0] += UInt128(entry["amount"]!.stringValue!)!
        }
        let after = try [Self.alice, Self.bob].map { try chain.database.account($0.address).balance }
        #expect(after[0] - before[0] == owed[Self.alice.address, default: 0])
        #expect(after[1] - before[1] == owed[Self.bob.address, default: 0])
        let total = owed.values.reduce(0, +)
        #expect(UInt128(epoch["paid"]!.stringValue!)! == total)
        #expect(try chain.database.account(CoverageModule.pool).balance == pool - total)
        // 2 witnesses ≤ N = 4: the challengee gets 2/4 of a unit, each witness a unit, all at scale 1.
        let split = CoverageRewards.split(pool: pool, beacons: [RewardedBeacon(
            challengee: Self.hotspots[c].address, scale: 1_000_000, witnesses: [others[0], others[1]].map { Self.hotspots[$0].address })],
            parameters: Self.coverage)
        #expect(split.payouts.map(\.amount).reduce(0, +) == total)
        #expect(try chain.database.entry(CoverageKeys.epochBeacon(0, 0)) == nil, "settled beacons are deleted")
        let rewards = try Self.query(chain, "getDeviceRewards", ["device": .string(Self.hotspots[c].address.checksummed)])
        #expect(rewards["rewards"]?.arrayValue?.first?["beacons"]?.integerValue == 1)
        let cell = try CellID(containing: GeoPoint(latitude: Self.place(c).latitude, longitude: Self.place(c).longitude), resolution: 4)
        let cells = try Self.query(chain, "getCellCoverage", ["cell": .string(cell.description), "epoch": 0])["cells"]?.arrayValue ?? []
        #expect(cells.map { $0["beacons"]?.integerValue ?? 0 }.reduce(0, +) == 1)
        #expect(cells.map { $0["hotspots"]?.integerValue ?? 0 }.reduce(0, +) == 6)
    }
}

/// The database's latest committed state, listable, as the node serves queries from.
struct Latest: StateReader, StateScanner {
    let database: ChainDatabase
    func value(at key: StateKey) throws -> [UInt8]? { try database.entry(key) }
    func account(_ address: Address) throws -> Account { try database.account(address) }
    func entries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        try database.stateEntries(namespace: namespace, prefix: prefix, from: from, limit: limit, snapshot: nil)
    }
    func indexEntries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        try database.indexEntries(namespace: namespace, prefix: prefix, from: from, limit: limit, snapshot: nil)
    }
}
