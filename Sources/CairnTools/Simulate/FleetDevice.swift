import CairnCore
import CairnCrypto
import CairnState

/// A device the simulator puts on the chain through its maker, whatever proof it then does: its
/// key, kind, the class the simulator books it to, its owner (an index into the fleet's owner
/// accounts), whether the rogue maker signs it, and the place it asserts (none for a device whose
/// module needs no location, as storage's).
struct FleetDevice<Class: Hashable & Sendable>: Sendable {
    let key: PrivateKey
    let kind: DeviceKind
    let fleetClass: Class
    let owner: Int
    let rogueMaker: Bool
    let place: AssertedPlace?

    var id: Address { key.address }
}

/// Keys of a simulation, derived from its seed: the same `--seed` gives the same fleet, and each
/// simulation has its own namespace, so runs of two simulations never share a device or owner key.
enum SimulationKey {
    static func derive(_ simulation: String, seed: UInt64, _ purpose: String) -> PrivateKey {
        try! PrivateKey(bytes: Hash32.sha256(Array("cairn-simulate-\(simulation)/\(seed)/\(purpose)".utf8)).bytes)
    }
}
