import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import Foundation
import Testing

/// The devices module through the runtime (Specs/depin/devices.md): onboarding with a maker's
/// and the device's signatures, the Sybil fee, ownership, deactivation, location assertions with
/// the cell the node derives, the indexes and the paginated queries.
@Suite("Devices module")
struct DevicesModuleTests {
    static let maker = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-devices-maker".utf8)).bytes)
    static let impostor = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-devices-impostor".utf8)).bytes)
    static let alice = StakingKeys.all[1].address
    static let bob = StakingKeys.all[2].address
    static func deviceKey(_ i: Int) -> PrivateKey { try! PrivateKey(bytes: Hash32.sha256(Array("cairn-device-\(i)".utf8)).bytes) }
    static let parameters = DevicesParameters(onboardingFee: 1_000, locationFee: 100, locationInterval: 5)
    /// Berlin, in micro-degrees.
    static let berlin = AssertedPlace(latitude: 52_520_008, longitude: 13_404_954, elevation: 34, antennaGain: 30)

    static func chain() throws -> StakingChain {
        let state = DevicesGenesis(makers: [.init(name: "acme", publicKey: maker.publicKey.compressed)])
        return try StakingChain(validators: [(StakingKeys.all[0], 1)], balances: [(alice, 1_000_000), (bob, 1_000_000)],
                                staking: testStakingParameters(), more: [ModuleRecord(DevicesModule.self, parameters)],
                                moduleStates: [ModuleRecord(module: DevicesModule.name, encoded: state.canonicalBytes)])
    }

    static func onboard(_ device: PrivateKey, kind: DeviceKind = .hotspot, owner: Address = alice, maker: PrivateKey = maker,
                        signedOwner: Address? = nil) -> StakingChain.Op {
        let claim = OnboardingClaim(chainID: chainID, publicKey: device.publicKey.compressed, owner: signedOwner ?? owner, kind: kind)
        let op = DeviceOnboarding(claim, makerSignature: claim.makerSignature(maker), deviceKey: device)
        return .init(sender: owner, any: .device(.onboard(op)))
    }

    static func locate(_ device: PrivateKey, _ place: AssertedPlace = berlin, nonce: UInt64 = 0, owner: Address = alice,
                       signer: PrivateKey? = nil) -> StakingChain.Op {
        var a = LocationAssertion(chainID: chainID, deviceKey: signer ?? device, owner: owner, place: place, nonce: nonce)
        a.device = device.address
        return .init(sender: owner, any: .device(.assertLocation(a)))
    }

    static func reason(_ error: Error?) -> String? {
        guard case .module(let failure)? = error as? TransactionRejection else { return nil }
        return failure.reason
    }

    static func device(_ chain: StakingChain, _ key: PrivateKey) -> DeviceRecord? {
        chain.read(DeviceRecord.self, StateKey(namespace: DeviceKeys.device, key: key.address.bytes))
    }

    @Test func onboardingRecordsTheDeviceBurnsTheFeeAndIndexesIt() throws {
        var chain = try Self.chain()
        let key = Self.deviceKey(1)
        let result = try chain.block([Self.onboard(key)])
        #expect(allApplied(result.rejections), "\(result.rejections)")
        let record = try #require(Self.device(chain, key))
        #expect(record.owner == Self.alice && record.maker == Self.maker.address && record.kind == .hotspot
                && record.status == .active && record.onboardedAt == 1 && record.location == nil)
        #expect(chain.balance(Self.alice) == 1_000_000 - 1_000)
        #expect(chain.supplyRecord().burned == 1_000)
        chain.expectSupplyConserved()
        #expect(chain.read(MakerRecord.self, StateKey(namespace: DeviceKeys.maker, key: Self.maker.address.bytes))?.devices == 1)
        #expect(chain.read(DeviceCounts.self, StateKey(namespace: DeviceKeys.counts, key: [0])) == DeviceCounts(onboarded: 1, active: 1))
        #expect(chain.state.entries[StateKey(namespace: DeviceKeys.byOwner, key: Self.alice.bytes + key.address.bytes)] == [])
        #expect(chain.state.entries[StateKey(namespace: DeviceKeys.byKind, key: [0] + key.address.bytes)] == [])
    }

    @Test func onboardingRefusesEachBrokenPartWithItsReason() throws {
        var chain = try Self.chain()
        let key = Self.deviceKey(2)
        let claim = OnboardingClaim(chainID: chainID, publicKey: key.publicKey.compressed, owner: Self.alice, kind: .hotspot)
        let good = DeviceOnboarding(claim, makerSignature: claim.makerSignature(Self.maker), deviceKey: key)
        var otherDevice = good
        otherDevice.deviceSignature = Self.deviceKey(3).sign(digest: claim.deviceDigest)
        var swappedDomain = good
        swappedDomain.deviceSignature = key.sign(digest: claim.makerDigest)
        var notOnCurve = good
        notOnCurve.publicKey = [0x02] + [UInt8](repeating: 0xFF, count: 32)
        var uncompressedPrefix = good
        uncompressedPrefix.publicKey[0] = 0x04
        var otherKind = good
        otherKind.kind = .meter
        let cases: [(StakingChain.Op, String)] = [
            (Self.onboard(key, maker: Self.impostor), "unknown_maker"),
            (.init(sender: Self.alice, any: .device(.onboard(otherDevice))), "bad_device_signature"),
            (.init(sender: Self.alice, any: .device(.onboard(swappedDomain))), "bad_device_signature"),
            (.init(sender: Self.alice, any: .device(.onboard(notOnCurve))), "invalid_device_key"),
            (.init(sender: Self.alice, any: .device(.onboard(uncompressedPrefix))), "invalid_device_key"),
            // The claim names its owner and kind: another sender, or another kind, breaks the maker's signature.
            (.init(sender: Self.bob, any: .device(.onboard(good))), "unknown_maker"),
            (.init(sender: Self.alice, any: .device(.onboard(otherKind))), "unknown_maker"),
        ]
        let before = chain.state
        let result = try chain.block(cases.map(\.0))
        #expect(result.rejections.map(Self.reason) == cases.map(\.1))
        #expect(chain.state.entries.filter { DeviceKeys.all.contains($0.key.namespace) }
                == before.entries.filter { DeviceKeys.all.contains($0.key.namespace) }, "a refused onboarding wrote a device entry")
        #expect(chain.balance(Self.alice) == 1_000_000 && chain.supplyRecord().burned == 0)
    }

    @Test func aDeviceKeyIsOnboardedOnceEvenAfterDeactivation() throws {
        var chain = try Self.chain()
        let key = Self.deviceKey(4)
        #expect(allApplied(try chain.block([Self.onboard(key)]).rejections))
        #expect(try chain.block([Self.onboard(key, owner: Self.bob)]).rejections.map(Self.reason) == ["device_exists"])
        #expect(allApplied(try chain.block([.init(sender: Self.alice, any: .device(.deactivate(device: key.address)))]).rejections))
        #expect(Self.device(chain, key)?.status == .deactivated)
        #expect(try chain.block([Self.onboard(key)]).rejections.map(Self.reason) == ["device_exists"])
        #expect(try chain.block([.init(sender: Self.alice, any: .device(.transfer(device: key.address, to: Self.bob)))])
                .rejections.map(Self.reason) == ["device_inactive"])
    }

    @Test func theFeeMustBeAffordable() throws {
        var chain = try Self.chain()
        let poor = StakingKeys.all[3].address
        let result = try chain.block([Self.onboard(Self.deviceKey(5), owner: poor)])
        #expect(Self.reason(result.rejections[0]) == "insufficient_funds")
        #expect(Self.device(chain, Self.deviceKey(5)) == nil)
    }

    @Test func transfersMoveTheOwnerIndex() throws {
        var chain = try Self.chain()
        let key = Self.deviceKey(6)
        try chain.block([Self.onboard(key)])
        let transfer = { (sender: Address, to: Address) in StakingChain.Op(sender: sender, any: .device(.transfer(device: key.address, to: to))) }
        let result = try chain.block([transfer(Self.bob, Self.bob), transfer(Self.alice, Self.alice), transfer(Self.alice, Self.bob),
                                      .init(sender: Self.alice, any: .device(.transfer(device: Self.deviceKey(99).address, to: Self.bob)))])
        #expect(result.rejections.map(Self.reason) == ["not_owner", "already_owner", nil, "unknown_device"])
        #expect(Self.device(chain, key)?.owner == Self.bob)
        #expect(chain.state.entries[StateKey(namespace: DeviceKeys.byOwner, key: Self.alice.bytes + key.address.bytes)] == nil)
        #expect(chain.state.entries[StateKey(namespace: DeviceKeys.byOwner, key: Self.bob.bytes + key.address.bytes)] == [])
    }

    @Test func locationAssertionsDeriveTheCellAndKeepTheRules() throws {
        var chain = try Self.chain()
        let hotspot = Self.deviceKey(7), meter = Self.deviceKey(8), disk = Self.deviceKey(9)
        try chain.block([Self.onboard(hotspot), Self.onboard(meter, kind: .meter), Self.onboard(disk, kind: .storage)])
        var gainy = Self.berlin
        gainy.antennaGain = 151
        var deep = Self.berlin
        deep.elevation = -501
        var high = Self.berlin
        high.elevation = 9_001
        var offEarth = Self.berlin
        offEarth.latitude = 90_000_001
        var meterPlace = Self.berlin
        meterPlace.antennaGain = 0
        let result = try chain.block([
            Self.locate(disk), Self.locate(meter), Self.locate(hotspot, gainy), Self.locate(hotspot, deep),
            Self.locate(hotspot, high), Self.locate(hotspot, offEarth), Self.locate(hotspot, nonce: 1),
            Self.locate(hotspot, signer: Self.deviceKey(10)), Self.locate(hotspot, owner: Self.bob),
            Self.locate(hotspot), Self.locate(meter, meterPlace),
        ])
        #expect(result.rejections.map(Self.reason) == [
            "location_not_applicable", "antenna_gain_not_applicable", "antenna_gain_out_of_range", "elevation_out_of_range",
            "elevation_out_of_range", "invalid_location", "wrong_location_nonce", "bad_device_signature", "not_owner", nil, nil,
        ])
        let record = try #require(Self.device(chain, hotspot))
        let cell = try CellID(containing: GeoPoint(latitude: Self.berlin.latitude, longitude: Self.berlin.longitude),
                              resolution: CellID.maxResolution)
        #expect(record.location == DeviceLocation(place: Self.berlin, cell: cell.raw, assertedAt: 2))
        #expect(record.locationNonce == 1 && record.listPosition == 0)
        #expect(chain.supplyRecord().burned == 3 * 1_000 + 2 * 100)
        chain.expectSupplyConserved()
        // The replayed first assertion is refused by its number; a new one waits for the interval.
        var munich = Self.berlin
        munich.latitude = 48_137_154
        munich.longitude = 11_576_124
        let soon = try chain.block([Self.locate(hotspot), Self.locate(hotspot, munich, nonce: 1)])
        #expect(soon.rejections.map(Self.reason) == ["wrong_location_nonce", "location_too_soon"])
        try chain.run(to: 7)
        #expect(allApplied(try chain.block([Self.locate(hotspot, munich, nonce: 1)]).rejections))
        let moved = try CellID(containing: GeoPoint(latitude: munich.latitude, longitude: munich.longitude), resolution: CellID.maxResolution)
        #expect(chain.state.entries[StateKey(namespace: DeviceKeys.byCell, key: cell.spatialKey.bigEndianBytes + hotspot.address.bytes)] == nil)
        #expect(chain.state.entries[StateKey(namespace: DeviceKeys.byCell, key: moved.spatialKey.bigEndianBytes + hotspot.address.bytes)] == [])
        #expect(Self.device(chain, hotspot)?.listPosition == 0, "a relocated device keeps its place in the list")
    }

    @Test func deactivationSwapRemovesFromTheLocatedList() throws {
        var chain = try Self.chain()
        let keys = (20..<24).map(Self.deviceKey)
        try chain.block(keys.map { Self.onboard($0) })
        try chain.block(keys.enumerated().map { i, key in
            var place = Self.berlin
            place.longitude += Int32(i) * 10_000
            return Self.locate(key, place)
        })
        func list() -> [Address] {
            let counts = chain.read(DeviceCounts.self, StateKey(namespace: DeviceKeys.counts, key: [0]))!
            return (0..<counts.located).map { chain.read(Address.self, StateKey(namespace: DeviceKeys.located, key: [0] + $0.bigEndianBytes))! }
        }
        #expect(list() == keys.map(\.address))
        try chain.block([.init(sender: Self.alice, any: .device(.deactivate(device: keys[1].address)))])
        #expect(list() == [keys[0], keys[3], keys[2]].map(\.address), "the last device takes the leaving one's place")
        for (position, id) in list().enumerated() {
            #expect(chain.read(DeviceRecord.self, StateKey(namespace: DeviceKeys.device, key: id.bytes))?.listPosition == UInt64(position))
        }
        #expect(Self.device(chain, keys[1])?.listPosition == nil)
        #expect(chain.read(DeviceCounts.self, StateKey(namespace: DeviceKeys.counts, key: [0])) == DeviceCounts(onboarded: 4, active: 3, located: 3))
        #expect(!chain.state.entries.keys.contains { $0.namespace == DeviceKeys.byCell && $0.key.suffix(20).elementsEqual(keys[1].address.bytes) })
    }

    @Test func listsArePagedAndCellsOfAnyResolutionAreOneRange() throws {
        var chain = try Self.chain()
        let keys = (30..<37).map(Self.deviceKey)
        try chain.block(keys.map { Self.onboard($0) })
        // Five in Berlin (within a few hundred metres), two in Munich.
        try chain.block(keys.enumerated().map { i, key in
            var place = Self.berlin
            if i >= 5 { place.latitude = 48_137_154; place.longitude = 11_576_124 }
            place.longitude += Int32(i % 5) * 1_000
            return Self.locate(key, place)
        })
        let view = StateView(chain.state)
        func call(_ name: String, _ args: [String: JSONValue]) throws -> JSONValue {
            var view = view
            return try #require(DevicesQueries.all.first { $0.name == name }).handler(QueryArguments(args), &view)
        }
        var seen: [String] = []
        var cursor: JSONValue = .null
        repeat {
            let page = try call("listByOwner", ["owner": .string(Self.alice.checksummed), "limit": 3, "cursor": cursor])
            seen += page["devices"]?.arrayValue?.compactMap { $0["device"]?.stringValue } ?? []
            cursor = page["next"] ?? .null
        } while !cursor.isNull
        #expect(seen == keys.map(\.address).sorted().map(\.checksummed))
        #expect(throws: QueryError.self) { try call("listByOwner", ["owner": .string(Self.alice.checksummed), "limit": 1_001]) }
        #expect(throws: QueryError.self) { try call("listByOwner", ["owner": .string(Self.alice.checksummed), "cursor": "zz"]) }

        let berlin = try GeoPoint(latitude: Self.berlin.latitude, longitude: Self.berlin.longitude)
        let munich = try GeoPoint(latitude: 48_137_154, longitude: 11_576_124)
        for (point, resolution, expected) in [(berlin, 4, 5), (berlin, 7, 5), (munich, 4, 2), (munich, 1, 2), (berlin, 0, 7)]
            as [(GeoPoint, UInt8, Int)] {
            let cell = try CellID(containing: point, resolution: resolution)
            let page = try call("listByCell", ["cell": .string(cell.description)])
            #expect(page["devices"]?.arrayValue?.count == expected, "resolution \(resolution)")
        }
        #expect(throws: QueryError.self) { try call("listByCell", ["cell": "not-a-cell"]) }
        let makers = try call("getMakers", [:])
        #expect(makers["makers"]?.arrayValue?.first?["name"] == "acme" && makers["makers"]?.arrayValue?.first?["devices"] == 7)
        #expect(try call("getCounts", [:])["hotspot"]?["located"] == 7)
        #expect(throws: QueryError.notFound("no device \(Self.deviceKey(99).address.checksummed)")) {
            try call("getDevice", ["device": .string(Self.deviceKey(99).address.checksummed)])
        }
    }

    @Test func genesisMakersAreValidated() throws {
        let key = Self.maker.publicKey.hex
        func problem(_ state: String) -> String? {
            let json = """
            {"chain_id": "cairn-test", "genesis_time": "2026-01-01T00:00:00Z", "protocol_version": 1, "params": {},
             "state": \(state), "accounts": [],
             "validators": [{"address": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "power": 1}]}
            """
            do { _ = try GenesisFile.parse(Array(json.utf8)); return nil } catch { return error.message }
        }
        #expect(problem(#"{"devices": {"makers": [{"name": "acme", "public_key": "\#(key)"}]}}"#) == nil)
        #expect(problem(#"{"devices": {"makers": [{"name": "acme", "public_key": "\#(key)"}, {"name": "acme", "public_key": "\#(Self.impostor.publicKey.hex)"}]}}"#)
                == "state.devices.makers[1].name: 'acme' is listed twice")
        #expect(problem(#"{"devices": {"makers": [{"name": "a", "public_key": "\#(key)"}, {"name": "b", "public_key": "\#(key)"}]}}"#)
                == "state.devices.makers[1].public_key: is listed twice")
        #expect(problem(#"{"devices": {"makers": [{"name": "Acme!", "public_key": "\#(key)"}]}}"#)?
                .hasPrefix("state.devices.makers[0].name: must be 1 to 64") == true)
        #expect(problem(#"{"devices": {"makers": [{"name": "acme", "public_key": "0x04"}]}}"#)
                == "state.devices.makers[0].public_key: must be 0x-hex of 33 bytes")
        #expect(problem(#"{"bank": {}}"#) == "state.bank: bank has no genesis state beyond its parameters")
        #expect(problem(#"{"radio": {}}"#)?.hasPrefix("state.radio: is no module") == true)
    }
}

extension MemoryState: StateScanner {
    func entries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        let keys = entries.keys.filter { $0.namespace == namespace && $0.key.starts(with: prefix) && !($0.key.lexicographicallyPrecedes(from ?? [])) }
        return keys.map(\.key).sorted { $0.lexicographicallyPrecedes($1) }.prefix(limit).map { (key: $0, value: entries[StateKey(namespace: namespace, key: $0)]!) }
    }

    func indexEntries(namespace: UInt8, prefix: [UInt8], from: [UInt8]?, limit: Int) throws -> [(key: [UInt8], value: [UInt8])] {
        throw QueryError.invalidArgument("memory state keeps no node index")
    }
}
