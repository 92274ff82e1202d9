import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnNode
import CairnP2P
import CairnRPC
import CairnState
import Foundation
import Logging
import Testing

/// Every method `rpc_discover` lists is called on a node with a chain that has something to show
/// (transfers and staking operations committed, a transaction pending, a connected peer), and
/// each live answer must satisfy the result schema the method declares.
@Suite("RPC results against their declared schemas")
struct RPCSchemaTests {
    /// The consensus key of a second validator that alice creates (it never signs: its power,
    /// 1 against 10, is not needed to decide).
    static let carol = try! PrivateKey(hex: "0x00000000000000000000000000000000000000000000000000000000000000c4")

    static let maker = try! PrivateKey(hex: "0x00000000000000000000000000000000000000000000000000000000000000d5")
    static let hotspot = try! PrivateKey(hex: "0x00000000000000000000000000000000000000000000000000000000000000e6")
    static let provider = try! PrivateKey(hex: "0x00000000000000000000000000000000000000000000000000000000000000e7")
    static let meter = try! PrivateKey(hex: "0x00000000000000000000000000000000000000000000000000000000000000e8")
    /// Block times from 2026 on, so meter readings of recent slots are neither future nor too old.
    static let clockStart: UInt64 = 1_767_225_600_000

    /// TestNode's genesis with alice rich enough for a validator's self-bond (min_self_bond = 10^18)
    /// and the devices fees, and one maker.
    static var genesis: Genesis {
        var genesis = TestNode.genesis
        genesis.allocations = genesis.allocations.map {
            $0.address == TestNode.alice.address ? .init(address: $0.address, balance: 1_000_000_000_000_000_000_000) : $0
        }
        genesis.moduleStates = [ModuleRecord(module: DevicesModule.name, encoded: DevicesGenesis(makers: [
            .init(name: "schema-maker", publicKey: maker.publicKey.compressed)]).canonicalBytes)]
        // The lone hotspot is challenged at every height and may beacon at each.
        genesis.parameters.append(ModuleRecord(CoverageModule.self, CoverageParameters(minBeaconInterval: 0)))
        // Emission to the energy pool, settled at height 10: the meter's readings of height 9 earn a reward line.
        genesis.parameters.append(.emission(EmissionParameters(epochLength: 10, perEpoch: 1_000_000,
                                                               shares: [EmissionShare(pool: "energy", ppm: 1_000_000)])))
        return genesis
    }

    /// `rpc_discover`'s declared result is the OpenRPC meta-schema (a `$ref` this validator does
    /// not follow); this is the part of it the node's document uses.
    static let openRPCDocument: JSONValue = {
        let text: JSONValue = ["type": "string"]
        let anySchema: JSONValue = ["type": "object"]
        let method: JSONValue = [
            "type": "object",
            "properties": [
                "name": text, "summary": text,
                "params": RPCSchemas.array(of: RPCSchemas.object([
                    "name": text, "required": RPCSchemas.boolean, "schema": anySchema, "description": text,
                ])),
                "result": RPCSchemas.object(["name": text, "schema": anySchema]),
                "errors": RPCSchemas.array(of: RPCSchemas.object(["code": ["type": "integer"], "message": text])),
            ],
            "required": ["name", "summary", "params", "result"],
            "additionalProperties": false,
        ]
        return RPCSchemas.object([
            "openrpc": ["const": .string(RPCRegistry.openRPCVersion)],
            "info": RPCSchemas.object(["title": text, "version": text]),
            "methods": RPCSchemas.array(of: method),
        ])
    }()

    @Test func everyDiscoveredMethodAnswersWhatItsSchemaDeclares() async throws {
        let node = try TestNode(genesis: Self.genesis, clockStart: Self.clockStart)
        defer { node.close() }
        let port = try await node.network.start()
        let peer = P2PNetwork(identity: .generate(), config: node.network.config,
                              logger: Logger(label: "peer", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            _ = try await peer.start()
            peer.dial(PeerAddress(id: node.network.nodeID, host: "127.0.0.1", port: port))
            try await check(node)
        } catch {
            await peer.stop()
            await node.network.stop()
            throw error
        }
        await peer.stop()
        await node.network.stop()
    }

    func check(_ node: TestNode) async throws {
        let alice = TestNode.alice, validator = TestNode.validator.address, carol = Self.carol.address
        func send(_ nonce: UInt64, _ operation: CairnCore.Operation) -> Transaction {
            UnsignedTransaction(chainID: TestNode.chainID, nonce: nonce, fee: TestNode.minFee, operation: operation).signed(with: alice)
        }
        // Height 1: a transfer, a second validator, a delegation; height 2: the delegation
        // unbonds, moves and pays its rewards, so every staking answer has entries; height 3: a
        // hotspot is onboarded, and at height 4 located, so every devices answer has one.
        let transfer = TestNode.transfer(alice, to: TestNode.bob.address, amount: 10, nonce: 0)
        let claim = OnboardingClaim(chainID: TestNode.chainID, publicKey: Self.hotspot.publicKey.compressed,
                                    owner: alice.address, kind: .hotspot)
        let onboarding = DeviceOnboarding(claim, makerSignature: claim.makerSignature(Self.maker), deviceKey: Self.hotspot)
        let place = AssertedPlace(latitude: -33_868_820, longitude: 151_209_290, elevation: 58, antennaGain: 45)
        let assertion = LocationAssertion(chainID: TestNode.chainID, deviceKey: Self.hotspot, owner: alice.address, place: place, nonce: 0)
        let heights: [[Transaction]] = [
            [transfer,
             send(1, .staking(.createValidator(consensusKey: carol, commission: 50_000, selfBond: 1_000_000_000_000_000_000))),
             send(2, .staking(.delegate(validator: validator, amount: 1_000_000)))],
            [send(3, .staking(.undelegate(validator: validator, amount: 1_000))),
             send(4, .staking(.redelegate(source: validator, destination: carol, amount: 2_000))),
             send(5, .staking(.withdrawRewards(validator: validator)))],
            // Admission checks against committed state: the assertion waits for the onboarding.
            [send(6, .device(.onboard(onboarding)))], [send(7, .device(.assertLocation(assertion)))],
        ]
        var blocks: [Block] = []
        for transactions in heights {
            for tx in transactions { _ = try await node.mempool.submit(tx) }
            let block = try #require(try await node.produceBlock())
            #expect(block.transactions.map(\.id) == transactions.map(\.id), "a transaction was left out of block \(block.header.height)")
            blocks.append(block)
        }
        // Height 5 carries the hotspot's beacon of its height-4 challenge: every coverage answer has one.
        func beacon(_ height: UInt64) -> [UInt8] {
            let time = blocks[Int(height) - 1].header.time, id = Beacon.id(height: height, challengee: Self.hotspot.address)
            return CoverageAttestation(challengeHeight: height, challengee: Self.hotspot.address, reportTime: time,
                                       reportSignature: Self.hotspot.sign(digest: CoverageAttestation.reportDigest(chainID: TestNode.chainID, beaconID: id, time: time)),
                                       receipts: []).attestation.canonicalBytes
        }
        _ = try await node.attestations.submit(encoded: beacon(4))
        blocks.append(try #require(try await node.produceBlock()))
        #expect(blocks[4].attestations.count == 1)
        let beaconID = Beacon.id(height: 4, challengee: Self.hotspot.address)
        // Heights 6–9: a storage provider with a proposed deal, and a located wind meter whose
        // readings at height 9 mint a certificate: every storage and energy answer has one.
        func onboard(_ key: PrivateKey, _ kind: DeviceKind) -> DeviceOnboarding {
            let claim = OnboardingClaim(chainID: TestNode.chainID, publicKey: key.publicKey.compressed, owner: alice.address, kind: kind)
            return DeviceOnboarding(claim, makerSignature: claim.makerSignature(Self.maker), deviceKey: key)
        }
        let meterPlace = AssertedPlace(latitude: -37_813_600, longitude: 144_963_100, elevation: 40, antennaGain: 0)
        let proposal = DealProposal(provider: Self.provider.address, dataRoot: Hash32.sha256([1]), size: 1 << 20, pricePerPeriod: 10,
                                    periods: 3, collateral: 3)
        for transactions in [
            [send(8, .device(.onboard(onboard(Self.provider, .storage)))), send(9, .device(.onboard(onboard(Self.meter, .meter))))],
            [send(10, .storage(.registerProvider(device: Self.provider.address, capacity: 1 << 30, collateral: 1_000_000_000_000_000))),
             send(11, .device(.assertLocation(LocationAssertion(chainID: TestNode.chainID, deviceKey: Self.meter, owner: alice.address,
                                                                  place: meterPlace, nonce: 0))))],
            [send(12, .storage(.proposeDeal(proposal))),
             send(13, .energy(.register(MeterRegistration(meter: Self.meter.address, capacity: 100_000, technology: .wind,
                                                          bond: 50_000_000_000_000_000_000))))],
        ] {
            for tx in transactions { _ = try await node.mempool.submit(tx) }
            let block = try #require(try await node.produceBlock())
            #expect(block.transactions.map(\.id) == transactions.map(\.id), "a transaction was left out of block \(block.header.height)")
        }
        let slot = try #require(try node.chain.database.block(height: 8)).header.time / 1_000 / 300 - 3
        let batch = ReadingBatch(meter: Self.meter.address, readings: [MeterReading(slot: slot, energy: 10_000, sequence: 1),
                                                                        MeterReading(slot: slot + 1, energy: 11_500, sequence: 2)])
        let readings = EnergyAttestation(batches: [batch.signed(with: Self.meter, chainID: TestNode.chainID)]).attestation
        _ = try await node.attestations.submit(encoded: readings.canonicalBytes)
        #expect(try #require(try await node.produceBlock()).attestations.count == 1)
        #expect(try #require(try await node.produceBlock()).header.height == 10)
        // A pending transaction replaced by a higher fee: it is reported dropped, with the reason.
        let replaced = TestNode.transfer(alice, to: TestNode.bob.address, amount: 1, nonce: 14)
        _ = try await node.mempool.submit(replaced)
        let pending = TestNode.transfer(alice, to: TestNode.bob.address, amount: 1, nonce: 14, fee: 2 * TestNode.minFee)
        _ = try await node.mempool.submit(pending)
        let fresh = TestNode.transfer(alice, to: TestNode.bob.address, amount: 1, nonce: 15)
        let stranger = PrivateKey.generate().address
        for _ in 0..<6_000 where node.network.peers().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!node.network.peers().isEmpty, "the peer never connected")

        func text(_ hash: Hash32) -> JSONValue { .string(hash.hex) }
        func text(_ address: Address) -> JSONValue { .string(address.checksummed) }
        // Parameters to call each method with. A method rpc_discover lists without a sample here
        // fails the test: a new method must add its samples.
        let samples: [String: [JSONValue]] = [
            RPCRegistry.discoverMethodName: [[]],
            "node_status": [[]],
            "chain_getBlock": [[1, true], [2, true], [3, true], [4, true], ["block": text(blocks[1].id)], ["latest"], ["block": 1, "full": false],
                               [.string("0x" + Hex.encode(blocks[0].id.bytes).uppercased())]],
            "chain_getTransaction": [[text(transfer.id)], ["id": text(heights[0][1].id)], [text(heights[1][1].id)],
                                     [text(pending.id)], [text(replaced.id)], [text(Hash32.sha256(Array("never sent".utf8)))]],
            "chain_getBlockResults": [[1], ["height": 2]],
            "state_getParams": [[], ["staking"], ["module": "consensus", "height": 1]],
            "state_getModuleAccounts": [[]],
            "bank_getSupply": [[]],
            "state_getAccount": [[text(alice.address)], ["address": text(stranger)]],
            "state_getProof": [[text(alice.address)], [text(alice.address), 0], ["address": text(stranger), "height": 1]],
            "tx_send": [[.string(Hex.prefixed(fresh.canonicalBytes))]],
            "consensus_validators": [[], [1], ["height": 3]],
            "consensus_state": [[]],
            "net_peers": [[]],
            "net_info": [[]],
            "staking_getValidator": [[text(validator)], ["validator": text(carol)]],
            "devices_getDevice": [[text(Self.hotspot.address)], ["device": text(Self.hotspot.address)]],
            "devices_listByOwner": [[text(alice.address)], ["owner": text(alice.address), "limit": 1], [text(stranger), .null, 5]],
            "devices_listByKind": [["hotspot"], ["kind": "meter", "limit": 3]],
            "devices_listByCell": [[.string(CellID.world.description)], ["cell": .string(Self.cell(place, resolution: 7))]],
            "devices_getMakers": [[], ["limit": 1]],
            "devices_getCounts": [[]],
            "staking_getValidators": [[]],
            "staking_getDelegations": [[text(alice.address)], [text(validator)], [text(stranger)]],
            "staking_getUnbonding": [[text(alice.address)], [text(stranger)]],
            "attest_submit": [[.string(Hex.prefixed(beacon(5)))]],
            "coverage_getChallenges": [[4], ["height": 1]],
            "coverage_getWitnessResults": [[text(beaconID)]],
            "coverage_getDeviceHistory": [[text(Self.hotspot.address)], ["device": text(stranger), "limit": 1]],
            "coverage_getDeviceRewards": [[text(Self.hotspot.address)]],
            "coverage_getEpoch": [[0]],
            "coverage_listEpochRewards": [[0]],
            "coverage_getCellCoverage": [[.string(CellID.world.description), 0]],
            "storage_getDeal": [[1], ["deal": 1]],
            "storage_listDeals": [["client": text(alice.address)], ["provider": text(Self.provider.address), "limit": 1], ["status": "proposed"],
                                  ["status": "active"]],
            "storage_getDealPeriods": [[1]],
            "storage_getProvider": [[text(Self.provider.address)]],
            "energy_getMeter": [[text(Self.meter.address)]],
            "energy_listMetersByCell": [[.string(Self.cell(meterPlace, resolution: 7))]],
            "energy_getReadings": [[text(Self.meter.address)]],
            "energy_getRejectedReadings": [[text(Self.meter.address)]],
            "energy_getCertificate": [[0], ["serial": 0]],
            "energy_listCertificatesByOwner": [[text(alice.address)]],
            "energy_listCertificatesByMeter": [[text(Self.meter.address)]],
            "energy_listRetiredCertificates": [[]],
            "energy_getEpoch": [[0]],
            "energy_getCellEnergy": [[.string(Self.cell(meterPlace, resolution: 8)), 0]],
            "rewards_getEpoch": [[0], ["epoch": 1]],
            "rewards_getDevice": [[text(Self.meter.address)], ["device": text(Self.hotspot.address), "limit": 1]],
        ]

        // The test node serves what a real node serves: Specs/openrpc.json, which
        // ChainRPCTests.openRPCDocumentMatchesSpecs keeps equal to a real node's rpc_discover.
        let discovered = try await node.result(RPCRegistry.discoverMethodName, [])
        let stored = try JSONText.parse(try String(contentsOfFile: TestNode.specsFile("openrpc.json"), encoding: .utf8))
        #expect(discovered == stored, "the test node's methods differ from Specs/openrpc.json (a real node's)")
        let methods = discovered["methods"]?.arrayValue ?? []
        let names = methods.compactMap { $0["name"]?.stringValue }
        for name in names where samples[name] == nil {
            Issue.record("\(name) is in rpc_discover but has no sample parameters in RPCSchemaTests: add some")
        }
        for name in samples.keys.sorted() where !names.contains(name) {
            Issue.record("RPCSchemaTests has samples for \(name), which rpc_discover does not list")
        }

        var answers: [String: [JSONValue]] = [:]
        for method in methods {
            guard let name = method["name"]?.stringValue, let declared = method["result"]?["schema"] else {
                Issue.record("malformed method entry \(method)")
                continue
            }
            let params = method["params"]?.arrayValue ?? []
            for (i, param) in params.enumerated() {
                let problems = JSONSchemaValidator.problems(in: param["schema"] ?? .null)
                #expect(problems.isEmpty, "\(name) parameter \(i): \(problems)")
            }
            let schema: JSONValue
            if name == RPCRegistry.discoverMethodName {
                #expect(declared == RPCRegistry.discoverMethodSpec.result.schema)
                schema = Self.openRPCDocument
            } else {
                schema = declared
            }
            let problems = JSONSchemaValidator.problems(in: schema) + Self.looseParts(of: schema)
            #expect(problems.isEmpty, "\(name) result schema: \(problems)")

            for sample in samples[name] ?? [] {
                for (i, param) in params.enumerated() {
                    guard let value = sample[i] ?? sample[param["name"]?.stringValue ?? ""], !value.isNull,
                          let paramSchema = param["schema"] else { continue }
                    let errors = JSONSchemaValidator.errors(value, against: paramSchema)
                    #expect(errors.isEmpty, "\(name) \(sample): the sample breaks the declared parameter schema: \(errors)")
                }
                let response = try await node.call(name, sample)
                guard let result = response["result"] else {
                    Issue.record("\(name) \(sample) answered no result: \(response)")
                    continue
                }
                let errors = JSONSchemaValidator.errors(result, against: schema)
                #expect(errors.isEmpty, "\(name) \(sample) → \(result)\ndoes not match its declared schema:\n\(errors.joined(separator: "\n"))")
                answers[name, default: []].append(result)
            }
        }

        // The samples reach the interesting shapes, not only empty lists and nulls.
        func answer(_ name: String, _ sample: Int) -> JSONValue {
            let list = answers[name] ?? []
            return list.indices.contains(sample) ? list[sample] : .null
        }
        let statuses = Set((answers["chain_getTransaction"] ?? []).compactMap { $0["status"]?.stringValue })
        #expect(statuses == ["committed", "pending", "dropped", "unknown"])
        #expect(answer("chain_getTransaction", 4)["reason"] == "replaced")
        #expect(answer("chain_getBlockResults", 0)["transactions"]?[0]?["events"]?[0]?["kind"] == "transfer")
        #expect(answer("state_getParams", 0)["params"]?["staking"]?["max_validators"] == 100)
        let operations = Set((answers["chain_getBlock"] ?? []).flatMap { $0["transactions"]?.arrayValue ?? [] }
            .compactMap { $0["operation"]?["type"]?.stringValue })
        #expect(operations == ["transfer", "create_validator", "delegate", "undelegate", "redelegate", "withdraw_rewards",
                               "onboard_device", "assert_location"])
        #expect(answer("devices_getDevice", 0)["location"]?["latitude"] == -33_868_820)
        #expect(answer("coverage_getChallenges", 0)["challenges"]?[0]?["attested"] == true)
        #expect(answer("coverage_getDeviceHistory", 0)["history"]?[0]?["role"] == "beacon")
        #expect(answer("coverage_getEpoch", 0)["beacons"] == 1)
        #expect(answer("devices_listByCell", 1)["devices"]?.arrayValue?.count == 1)
        #expect(answer("devices_listByOwner", 1)["next"]?.isNull == false, "a full page names the next")
        #expect(answer("chain_getBlock", 1)["last_commit"]?["signatures"]?[0] != nil)
        #expect(answer("net_peers", 0)[0] != nil, "no peer listed")
        #expect(answer("consensus_state", 0)["votes"]?[0]?["precommits"]?["by_block"]?[0] != nil)
        #expect(answer("consensus_validators", 2)["validators"]?.arrayValue?.count == 2, "carol votes from height 3")
        #expect(answer("staking_getValidators", 0)["validators"]?.arrayValue?.count == 2)
        let unbonding = answer("staking_getUnbonding", 0)
        #expect(unbonding["unbonding"]?[0]?["entries"]?[0] != nil && unbonding["redelegations"]?[0]?["entries"]?[0] != nil)
        #expect(answer("staking_getDelegations", 0)["delegations"]?.arrayValue?.count == 2)
        #expect(answer("state_getProof", 2)["account"] == .null)
        #expect(answer("storage_getDeal", 0)["status"] == "proposed" && answer("storage_listDeals", 0)["deals"]?[0]?["deal"] == 1)
        #expect(answer("storage_getProvider", 0)["capacity"] == 1_073_741_824)
        #expect(answer("energy_getReadings", 0)["readings"]?.arrayValue?.count == 2)
        #expect(answer("energy_listCertificatesByOwner", 0)["lots"]?.arrayValue?.count == 1)
        let energyPool = (answer("rewards_getEpoch", 0)["pools"]?.arrayValue ?? []).first { $0["pool"] == "energy" }
        // Staking pays every block; what the epoch shows is the sum of its blocks' "rewards" events.
        let stakingPool = (answer("rewards_getEpoch", 0)["pools"]?.arrayValue ?? []).first { $0["pool"] == "staking_rewards" }
        let epochHeight = try #require(answer("rewards_getEpoch", 0)["height"]?.integerValue)
        var stakingPaid: UInt128 = 0
        for height in 1...UInt64(min(epochHeight, 10)) {
            for event in try node.chain.database.blockResults(height: height)?.beginEvents ?? []
            where event.module == "staking" && event.kind == "rewards" {
                stakingPaid += UInt128(event.attributes.first { $0.key == "amount" }?.value ?? "") ?? 0
            }
        }
        #expect(stakingPaid > 0)
        #expect(stakingPool?["settled"] == false && stakingPool?["unit"] == "signed_power_blocks")
        #expect(stakingPool?["paid"]?.stringValue == String(stakingPaid), "\(String(describing: stakingPool))")
        #expect((UInt128(stakingPool?["work"]?.stringValue ?? "") ?? 0) > 0)
        #expect(energyPool?["settled"] == true && energyPool?["work"] == "1500" && energyPool?["devices_paid"] == 1)
        // The meter's reward line proves against the state root it names.
        let rewards = answer("rewards_getDevice", 0)
        let line = try #require(rewards["rewards"]?[0])
        #expect(line["owner"]?.stringValue == alice.address.checksummed && line["pool"] == "energy" && line["epoch"] == 0)
        let siblings = try (line["proof"]?["siblings"]?.arrayValue ?? []).map { try Hash32(hex: $0.stringValue ?? "") }
        let leaf = try line["proof"]?["leaf"].flatMap { l in
            l.isNull ? nil : SparseMerkleLeaf(key: try Hash32(hex: l["key"]?.stringValue ?? ""), valueHash: try Hash32(hex: l["value_hash"]?.stringValue ?? ""))
        }
        let proof = SparseMerkleProof(siblings: siblings, leaf: leaf)
        let root = try Hash32(hex: rewards["state_root"]?.stringValue ?? "")
        #expect(proof.verify(root: root, key: try Hash32(hex: line["key"]?.stringValue ?? ""),
                             valueHash: try Hash32(hex: line["value_hash"]?.stringValue ?? "")))
        #expect(!proof.verify(root: root, key: try Hash32(hex: line["key"]?.stringValue ?? ""), valueHash: Hash32.zero))
    }

    /// Shapes the live test cannot produce on a one-validator chain: every operation type (an
    /// edit without a commission, an unjail), evidence, a transaction whose sender was not stored.
    @Test func formsOutsideTheLiveChainMatchTheirSchemas() throws {
        let key = TestNode.validator, other = TestNode.alice.address
        let operations: [CairnCore.Operation] = [
            .transfer(to: other, amount: 0),
            .staking(.createValidator(consensusKey: other, commission: 0, selfBond: .max)),
            .staking(.editValidator(validator: other, commission: 10)),
            .staking(.editValidator(validator: other, commission: nil)),
            .staking(.delegate(validator: other, amount: 1)),
            .staking(.undelegate(validator: other, amount: 1)),
            .staking(.redelegate(source: other, destination: key.address, amount: 1)),
            .staking(.unjail(validator: other)),
            .staking(.withdrawRewards(validator: other)),
        ]
        #expect(Set(operations.map { JSONForms.operation($0, rules: Runtime.standard.latest)["type"] }).count == 8, "every operation type")
        for operation in operations {
            let tx = UnsignedTransaction(chainID: TestNode.chainID, nonce: .max, fee: .max, operation: operation).signed(with: key)
            let rules = Runtime.standard.latest
            let form = JSONForms.transaction(tx, id: tx.id, sender: nil, rules: rules)
            #expect(JSONSchemaValidator.errors(form, against: RPCSchemas.transaction(rules)).isEmpty, "\(form)")
        }
        func vote(_ block: Hash32?) -> SignedVote {
            let payload = VoteSigningPayload(chainID: TestNode.chainID, type: .prevote, height: 5, round: 1, blockID: block)
            return SignedVote(payload: payload, validator: key.address, signature: key.sign(digest: payload.signingHash))
        }
        let evidence = try #require(DuplicateVoteEvidence(vote(nil), vote(Hash32.sha256([1]))))
        let form = JSONForms.evidence(evidence)
        #expect(JSONSchemaValidator.errors(form, against: RPCSchemas.evidence).isEmpty, "\(form)")
        #expect(form["votes"]?[0]?["block_id"] == .null)
    }

    /// Where a result schema leaves values unspecified: an object without its properties or
    /// open to other fields, an array without items.
    static func cell(_ place: AssertedPlace, resolution: UInt8) -> String {
        try! CellID(containing: GeoPoint(latitude: place.latitude, longitude: place.longitude), resolution: resolution).description
    }

    static func looseParts(of schema: JSONValue) -> [String] {
        JSONSchemaValidator.subschemas(of: schema).compactMap { path, s in
            let types = s["type"]?.stringValue.map { [$0] } ?? s["type"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if types.contains("object"), s["properties"] == nil || s["additionalProperties"] != false {
                // The OpenRPC document's `schema` members are schemas, not fixed records.
                return path.hasSuffix("/schema") ? nil : "\(path): an object whose fields are not all declared"
            }
            if types.contains("array"), s["items"] == nil { return "\(path): an array without items" }
            return nil
        }
    }
}
