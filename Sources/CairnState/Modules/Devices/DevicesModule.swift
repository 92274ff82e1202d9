import CairnCore
import CairnCrypto
import CairnGeo

/// Device identity (Specs/depin/devices.md): makers, onboarding, ownership, status and asserted
/// locations of hotspots, storage providers and meters.
public struct DevicesModule: ChainModule {
    public static let name = "devices"
    public static let namespaces: [UInt8] = DeviceKeys.all
    public static let operationTags: [UInt64] = Array(DeviceOperation.tags)

    public init() {}

    public static func decode(_ operation: Operation) throws(CanonicalDecodingError) -> DeviceOperation {
        try DeviceOperation(operation)
    }

    /// The fees are parameters, so they are burned by `apply` rather than charged as a spend.
    public static func spend(_ operation: DeviceOperation) -> Amount { 0 }

    public static func genesisState(json: JSONValue) throws(ParameterProblem) -> [UInt8] {
        try DevicesGenesis(json: json).canonicalBytes
    }

    public func genesis(_ genesis: Genesis, _ parameters: DevicesParameters, _ state: inout StateOverlay) throws {
        guard let encoded = genesis.state(of: Self.name) else { return }
        let initial = try DevicesGenesis(canonicalBytes: encoded)
        if let problem = initial.problem { throw problem.under("state.devices") }
        for maker in initial.makers {
            state.putMaker(try maker.address, MakerRecord(name: maker.name, publicKey: maker.publicKey))
        }
    }

    public func apply(_ operation: DeviceOperation, sender: Address, _ block: BlockContext, _ parameters: DevicesParameters,
                      _ state: inout StateOverlay) throws {
        switch operation {
        case .onboard(let onboarding):
            try onboard(onboarding, owner: sender, block, parameters, &state)
        case .transfer(let id, let to):
            var record = try owned(id, by: sender, &state)
            guard to != record.owner else { throw DevicesRejection.alreadyOwner(to) }
            state.changeOwner(id, &record, to: to)
            state.emit(Event(module: Self.name, kind: "transferred",
                             ["device": Event.value(id), "from": Event.value(sender), "to": Event.value(to)]))
        case .deactivate(let id):
            var record = try owned(id, by: sender, &state)
            try state.deactivateDevice(id, &record, as: .deactivated)
            state.emit(Event(module: Self.name, kind: "deactivated", ["device": Event.value(id), "owner": Event.value(sender)]))
        case .assertLocation(let assertion):
            try assertLocation(assertion, owner: sender, block, parameters, &state)
        }
    }

    private func onboard(_ o: DeviceOnboarding, owner: Address, _ block: BlockContext, _ parameters: DevicesParameters,
                         _ state: inout StateOverlay) throws {
        guard o.publicKey.first == 0x02 || o.publicKey.first == 0x03, let key = try? PublicKey(bytes: o.publicKey) else {
            throw DevicesRejection.invalidDeviceKey
        }
        let id = key.address
        guard try state.device(id) == nil else { throw DevicesRejection.deviceExists(id) }
        let claim = OnboardingClaim(chainID: block.chainID, publicKey: o.publicKey, owner: owner, kind: o.kind)
        guard let makerID = try? o.makerSignature.recoverAddress(digest: claim.makerDigest) else {
            throw DevicesRejection.badMakerSignature
        }
        guard var maker = try state.maker(makerID) else { throw DevicesRejection.unknownMaker(makerID) }
        guard maker.active else { throw DevicesRejection.makerInactive(makerID) }
        guard (try? o.deviceSignature.recoverAddress(digest: claim.deviceDigest)) == id else {
            throw DevicesRejection.badDeviceSignature
        }
        try state.burn(parameters.onboardingFee, from: owner)
        try state.addDevice(id, DeviceRecord(publicKey: o.publicKey, kind: o.kind, owner: owner, maker: makerID,
                                             status: .active, onboardedAt: block.height))
        maker.devices += 1
        state.putMaker(makerID, maker)
        state.emit(Event(module: Self.name, kind: "onboarded", [
            "device": Event.value(id), "owner": Event.value(owner), "maker": Event.value(makerID),
            "kind": o.kind.description, "fee_burned": String(parameters.onboardingFee),
        ]))
    }

    private func assertLocation(_ a: LocationAssertion, owner: Address, _ block: BlockContext, _ parameters: DevicesParameters,
                                _ state: inout StateOverlay) throws {
        var record = try owned(a.device, by: owner, &state)
        guard record.kind.hasLocation else { throw DevicesRejection.locationNotApplicable(record.kind) }
        let point: GeoPoint
        do { point = try GeoPoint(latitude: a.place.latitude, longitude: a.place.longitude) } catch {
            throw DevicesRejection.invalidLocation(error.description)
        }
        let lowest = -Int64(parameters.maxDepth), highest = Int64(parameters.maxElevation)
        guard (lowest...highest).contains(Int64(a.place.elevation)) else {
            throw DevicesRejection.elevationOutOfRange(got: a.place.elevation, lowest: lowest, highest: highest)
        }
        if record.kind == .hotspot {
            guard a.place.antennaGain <= parameters.maxAntennaGain else {
                throw DevicesRejection.antennaGainOutOfRange(got: a.place.antennaGain, highest: parameters.maxAntennaGain)
            }
        } else if a.place.antennaGain != 0 {
            throw DevicesRejection.antennaGainNotApplicable
        }
        // The number first: a replayed assertion is reported as one, not as early.
        guard a.nonce == record.locationNonce else {
            throw DevicesRejection.wrongLocationNonce(expected: record.locationNonce, got: a.nonce)
        }
        if let last = record.location?.assertedAt {
            let (next, overflow) = last.addingReportingOverflow(parameters.locationInterval)
            guard !overflow, block.height >= next else { throw DevicesRejection.locationTooSoon(nextHeight: overflow ? .max : next) }
        }
        let claim = LocationClaim(chainID: block.chainID, device: a.device, owner: owner, place: a.place, nonce: a.nonce)
        guard (try? a.deviceSignature.recoverAddress(digest: claim.digest)) == a.device else {
            throw DevicesRejection.badDeviceSignature
        }
        try state.burn(parameters.locationFee, from: owner)
        let cell = try CellID(containing: point, resolution: CellID.maxResolution)
        try state.relocate(a.device, &record, to: DeviceLocation(place: a.place, cell: cell.raw, assertedAt: block.height))
        state.emit(Event(module: Self.name, kind: "location_asserted", [
            "device": Event.value(a.device), "latitude": String(a.place.latitude), "longitude": String(a.place.longitude),
            "elevation": String(a.place.elevation), "antenna_gain": String(a.place.antennaGain), "cell": cell.description,
            "fee_burned": String(parameters.locationFee),
        ]))
    }

    /// The device, if `sender` owns it and it is active.
    private func owned(_ id: Address, by sender: Address, _ state: inout StateOverlay) throws -> DeviceRecord {
        guard let record = try state.device(id) else { throw DevicesRejection.unknownDevice(id) }
        guard record.owner == sender else { throw DevicesRejection.notOwner(device: id, owner: record.owner) }
        guard record.status == .active else { throw DevicesRejection.deviceInactive(id, record.status) }
        return record
    }

    public func queries() -> [ModuleQuery] { DevicesQueries.all }
}
