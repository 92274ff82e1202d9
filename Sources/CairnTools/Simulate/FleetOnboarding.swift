import CairnCore
import CairnCrypto
import CairnRPC
import CairnState

/// Puts the fleet on the chain: funds the owners, onboards every hotspot through its maker, then
/// asserts each one's location, in batches, waiting for each step to commit.
struct FleetOnboarding: Sendable {
    let node: SimulationNode
    let plan: FleetPlan
    let chainID: String
    let fee: Amount
    let devices: DevicesParameters
    let maker: PrivateKey
    let funder: PrivateKey
    let log: @Sendable (String) -> Void

    /// Refusals of the onboardings, by class then reason.
    typealias Refusals = [FleetClass: [String: Int]]

    func transaction(_ key: PrivateKey, nonce: UInt64, _ operation: CairnCore.Operation) -> JSONValue {
        let tx = UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee, operation: operation).signed(with: key)
        return ["tx": .string(Hex.prefixed(tx.canonicalBytes))]
    }

    func nextNonce(_ address: Address) async throws -> UInt64 {
        let account = try await node.call("state_getAccount", ["address": .string(address.checksummed)])
        guard let n = account["next_nonce"]?.integerValue else { throw SimulationError("state_getAccount returned no next_nonce") }
        return UInt64(n)
    }

    /// Each owner gets what its devices burn and pay in fees, plus 1 CAIRN.
    func fundOwners() async throws {
        var devicesPerOwner = [Int](repeating: 0, count: plan.owners.count)
        for h in plan.hotspots { devicesPerOwner[h.owner] += 1 }
        var nonce = try await nextNonce(funder.address)
        var calls: [(String, JSONValue)] = []
        var needs: [(Address, Amount)] = []
        for (i, owner) in plan.owners.enumerated() where devicesPerOwner[i] > 0 {
            let amount = Amount(devicesPerOwner[i]) * (devices.onboardingFee + devices.locationFee + 2 * fee) + AmountFormat.unit
            calls.append(("tx_send", transaction(funder, nonce: nonce, .transfer(to: owner.address, amount: amount))))
            needs.append((owner.address, amount))
            nonce += 1
        }
        for (i, outcome) in try await node.batch(calls).enumerated() {
            if case .failure(let e) = outcome { throw SimulationError("funding owner \(i) from \(funder.address) refused: \(e.message)") }
        }
        log("funding \(needs.count) owner accounts from \(funder.address)…")
        try await node.wait("the owners' funding") {
            let accounts = try await node.batchValues(needs.map { ("state_getAccount", ["address": .string($0.0.checksummed)]) })
            return zip(accounts, needs).allSatisfy { account, need in
                (account["balance"]?.stringValue).flatMap { Amount($0) }.map { $0 >= need.1 } ?? false
            }
        }
    }

    /// Sends every onboarding; returns the devices admitted and the refusals. The unknown maker's
    /// customer reuses its first nonce for each attempt: a refused transaction never takes one.
    func onboard() async throws -> (admitted: Set<Int>, refusals: Refusals) {
        let before = try await hotspotCounts()
        var nonces: [Int: UInt64] = [:]
        var calls: [(String, JSONValue)] = []
        for h in plan.hotspots {
            let owner = plan.owners[h.owner]
            let claim = OnboardingClaim(chainID: chainID, publicKey: h.key.publicKey.compressed, owner: owner.address, kind: .hotspot)
            let signer = h.fleetClass == .unknownMaker ? plan.rogueMaker : maker
            let op = DeviceOperation.onboard(DeviceOnboarding(claim, makerSignature: claim.makerSignature(signer), deviceKey: h.key))
            let nonce = nonces[h.owner] ?? 0
            if h.fleetClass != .unknownMaker { nonces[h.owner] = nonce + 1 }
            calls.append(("tx_send", transaction(owner, nonce: nonce, .device(op))))
        }
        log("onboarding \(calls.count) hotspots through maker \(maker.address)…")
        var admitted = Set<Int>(), refusals: Refusals = [:]
        for (h, outcome) in zip(plan.hotspots, try await node.batch(calls)) {
            switch outcome {
            case .success: admitted.insert(h.index)
            case .failure(let e): refusals[h.fleetClass, default: [:]][e.data?["reason"]?.stringValue ?? e.message, default: 0] += 1
            }
        }
        let target = before.onboarded + admitted.count
        try await node.wait("\(admitted.count) onboardings to commit") { try await hotspotCounts().onboarded >= target }
        return (admitted, refusals)
    }

    /// Asserts each admitted hotspot at its claimed place (its first assertion, nonce 0).
    func assertLocations(_ admitted: Set<Int>) async throws -> Refusals {
        let before = try await hotspotCounts()
        var nonces: [Int: UInt64] = [:]
        var calls: [(String, JSONValue)] = [], sent: [SimHotspot] = []
        for h in plan.hotspots where admitted.contains(h.index) {
            let owner = plan.owners[h.owner]
            var nonce = nonces[h.owner] ?? 0
            if nonces[h.owner] == nil { nonce = try await nextNonce(owner.address) }
            nonces[h.owner] = nonce + 1
            let assertion = LocationAssertion(chainID: chainID, deviceKey: h.key, owner: owner.address, place: h.asserted.asserted, nonce: 0)
            calls.append(("tx_send", transaction(owner, nonce: nonce, .device(.assertLocation(assertion)))))
            sent.append(h)
        }
        log("asserting \(calls.count) locations…")
        var refusals: Refusals = [:], accepted = 0
        for (h, outcome) in zip(sent, try await node.batch(calls)) {
            switch outcome {
            case .success: accepted += 1
            case .failure(let e): refusals[h.fleetClass, default: [:]][e.data?["reason"]?.stringValue ?? e.message, default: 0] += 1
            }
        }
        let target = before.located + accepted
        try await node.wait("\(accepted) location assertions to commit") { try await hotspotCounts().located >= target }
        return refusals
    }

    func hotspotCounts() async throws -> (onboarded: Int, located: Int) {
        let counts = try await node.call("devices_getCounts", [:])["hotspot"]
        return (Int(counts?["onboarded"]?.integerValue ?? 0), Int(counts?["located"]?.integerValue ?? 0))
    }
}
