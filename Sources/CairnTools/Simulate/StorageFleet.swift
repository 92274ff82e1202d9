import CairnCore
import CairnCrypto
import CairnState
import Foundation

/// One deal the simulator makes: a client's file stored with one provider.
struct SimDeal: Sendable {
    let index: Int
    /// Index into the fleet's devices.
    let provider: Int
    /// Index into the fleet's accounts.
    let client: Int
    let size: UInt64
}

/// The storage fleet, drawn from the seed: provider devices by class, the accounts owning them,
/// the client accounts, and the deals with their sizes (log-uniform between the bounds, so a run
/// has many small deals and a few large ones).
struct StorageFleet: Sendable {
    let devices: [FleetDevice<StorageClass>]
    /// Provider owners first, then the clients.
    let accounts: [PrivateKey]
    let clients: Range<Int>
    let rogueMaker: PrivateKey
    let deals: [SimDeal]

    static func key(_ seed: UInt64, _ purpose: String) -> PrivateKey { SimulationKey.derive("storage", seed: seed, purpose) }

    init(_ o: StorageSimulator.Options) throws(SimulationError) {
        guard o.providers > 0, o.dealsPerProvider > 0, o.owners > 0, o.clients > 0 else {
            throw SimulationError("providers, deals per provider, owners and clients must be positive")
        }
        guard o.minFileSize > 0, o.minFileSize <= o.maxFileSize else {
            throw SimulationError("the file sizes must be a positive range, not \(o.minFileSize)…\(o.maxFileSize)")
        }
        let counts = try ClassShares.counts(o.shares, total: o.providers, honest: .honest, noun: "providers")
        accounts = (0..<(o.owners + o.clients)).map { Self.key(o.seed, $0 < o.owners ? "owner-\($0)" : "client-\($0 - o.owners)") }
        clients = o.owners..<(o.owners + o.clients)
        rogueMaker = Self.key(o.seed, "rogue-maker")
        var list: [FleetDevice<StorageClass>] = []
        for c in StorageClass.allCases {
            for _ in 0..<(counts[c] ?? 0) {
                let i = list.count
                list.append(FleetDevice(key: Self.key(o.seed, "provider-\(i)"), kind: .storage, fleetClass: c, owner: i % o.owners,
                                        rogueMaker: false, place: nil))
            }
        }
        devices = list
        var rng = SeededRandom(seed: o.seed, "storage", "deal-sizes")
        let low = log(Double(o.minFileSize)), high = log(Double(max(o.maxFileSize, o.minFileSize)))
        var deals: [SimDeal] = []
        for p in list.indices {
            for _ in 0..<o.dealsPerProvider {
                let size = UInt64(exp(rng.uniform(low...high)).rounded()).clamped(o.minFileSize, o.maxFileSize)
                deals.append(SimDeal(index: deals.count, provider: p, client: clients.lowerBound + deals.count % o.clients, size: size))
            }
        }
        self.deals = deals
    }

    func deals(of provider: Int) -> [SimDeal] { deals.filter { $0.provider == provider } }
}

extension UInt64 {
    fileprivate func clamped(_ low: UInt64, _ high: UInt64) -> UInt64 { Swift.min(Swift.max(self, low), high) }
}
