import CairnCore
import CairnCrypto
import CairnRPC
import CairnState

/// Puts a fleet on the chain, whatever its devices prove: funds the owners, onboards every device
/// through its maker, then asserts the places of those that have one, each step in batches and
/// committed before the next. Device indices are positions in `devices`.
struct FleetOnboarding<Class: Hashable & Sendable>: Sendable {
    let sender: ChainSender
    let maker: PrivateKey
    /// Signs the devices of the unknown-maker class (no chain lists it).
    let rogueMaker: PrivateKey
    let owners: [PrivateKey]
    let devices: [FleetDevice<Class>]
    let log: @Sendable (String) -> Void

    /// Refusals by class, then reason.
    typealias Refusals = [Class: [String: Int]]

    /// What each owner needs for its devices' onboarding and location fees (with the
    /// transactions' fees), plus `extra` of each device's, plus 1 CAIRN.
    func ownerNeeds(_ parameters: DevicesParameters, extra: (FleetDevice<Class>) -> Amount = { _ in 0 }) -> [Int: Amount] {
        var needs: [Int: Amount] = [:]
        for d in devices {
            let location = d.place == nil ? 0 : parameters.locationFee + sender.fee
            needs[d.owner, default: AmountFormat.unit] += parameters.onboardingFee + sender.fee + location + extra(d)
        }
        return needs
    }

    /// Pays each owner (by index) its amount from `funder`, and waits for the transfers to commit.
    func fund(_ needs: [Int: Amount], from funder: PrivateKey) async throws {
        let items = needs.sorted { $0.key < $1.key }.map {
            ChainSender.Item(sender: funder, operation: .transfer(to: owners[$0.key].address, amount: $0.value))
        }
        log("funding \(items.count) accounts from \(funder.address)…")
        for outcome in try await sender.commit(items, what: "the funding transfers") {
            if case .refused(let reason) = outcome { throw SimulationError("a funding transfer from \(funder.address) was refused: \(reason)") }
        }
    }

    /// Sends every onboarding; returns the devices committed and the refusals. The unknown
    /// maker's customer reuses its nonce for each attempt.
    func onboard() async throws -> (admitted: Set<Int>, refusals: Refusals) {
        log("onboarding \(devices.count) devices through maker \(maker.address)…")
        return try await perDevice(Array(devices.indices), what: "onboardings") { d in
            let owner = owners[d.owner].address
            let claim = OnboardingClaim(chainID: sender.chainID, publicKey: d.key.publicKey.compressed, owner: owner, kind: d.kind)
            return .device(.onboard(DeviceOnboarding(claim, makerSignature: claim.makerSignature(d.rogueMaker ? rogueMaker : maker),
                                                     deviceKey: d.key)))
        }
    }

    /// Asserts the place of each admitted device that has one (its first assertion, nonce 0).
    func assertLocations(_ admitted: Set<Int>) async throws -> Refusals {
        let located = devices.indices.filter { admitted.contains($0) && devices[$0].place != nil }
        return try await perDevice(located, what: "location assertions") { d in
            .device(.assertLocation(LocationAssertion(chainID: sender.chainID, deviceKey: d.key, owner: owners[d.owner].address,
                                                      place: d.place!, nonce: 0)))
        }.refusals
    }

    /// Sends one operation per device from its owner and waits for them to commit.
    func perDevice(_ indices: [Int], what: String, _ operation: (FleetDevice<Class>) -> CairnCore.Operation) async throws
        -> (admitted: Set<Int>, refusals: Refusals) {
        guard !indices.isEmpty else { return ([], [:]) }
        let items = indices.map { ChainSender.Item(sender: owners[devices[$0].owner], operation: operation(devices[$0]),
                                                   takesNonce: !devices[$0].rogueMaker) }
        var admitted = Set<Int>(), refusals: Refusals = [:]
        for (i, outcome) in zip(indices, try await sender.commit(items, what: "\(indices.count) \(what)")) {
            switch outcome {
            case .committed: admitted.insert(i)
            case .refused(let reason): refusals[devices[i].fleetClass, default: [:]][reason, default: 0] += 1
            }
        }
        return (admitted, refusals)
    }
}
