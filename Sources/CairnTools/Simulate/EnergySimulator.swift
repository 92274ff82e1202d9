import CairnCore
import CairnCrypto
import CairnRPC
import CairnState
import Foundation

/// `cairn simulate energy`: a fleet of solar and wind meters, honest and cheating, driven through
/// JSON-RPC only. It onboards the meters through the maker, asserts their places, registers them
/// with their bonds, then reports the past `hours` of 5-minute readings (slots that ended before
/// the latest block, inside the submission window) hour by hour, as gateways would, the watcher
/// reporting equivocations; it waits for the reward settlement and tallies each reading's verdict,
/// the energy, certificates, freezes and the energy pool's rewards per class.
public struct EnergySimulator: Sendable {
    public struct Options: Sendable {
        public var rpc = "http://127.0.0.1:8645"
        public var seed: UInt64 = 1
        public var meters = 40
        public var owners = 4
        /// Fraction of honest meters that are solar; the rest are wind.
        public var solarShare = 0.6
        /// Fraction of `meters` in each cheater class; the rest is honest.
        public var shares: [MeterClass: Double] = [.overCapacity: 0.05, .nightSolar: 0.05, .replayer: 0.05, .backdated: 0.05,
                                                   .decreasing: 0.05, .equivocator: 0.05, .unknownMaker: 0.05]
        /// Hours of readings reported, ending `margin` seconds before the latest block.
        public var hours = 24
        public var margin: UInt64 = 600
        public var maker: PrivateKey = CoverageSimulator.devnetMaker
        public var funder: PrivateKey = CoverageSimulator.devnetFunder
        public var waitForSettlement = true
        public init() {}
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> EnergyReport {
        let started = ContinuousClock.now
        let node = SimulationNode(url: options.rpc)
        let chain = try await SimulationChain.connect(node)
        let p = try chain.module(EnergyParameters.self, "energy")
        let fleet = try MeterFleet(options)
        let perHour = max(1, min(3_600 / p.slotLength, p.maxBatchReadings))
        guard UInt64(options.hours) * perHour * p.slotLength + options.margin + 600 < p.submissionWindow else {
            throw SimulationError("\(options.hours) hours of readings do not fit in the submission window of \(p.submissionWindow) s")
        }
        var report = EnergyReport()
        report.chainID = chain.chainID
        report.seed = options.seed
        report.meters = fleet.meters.count
        report.slotLength = p.slotLength
        report.rounds = options.hours
        for m in fleet.meters { report.classes[m.device.fleetClass, default: MeterClassTally()].meters += 1 }
        log("energy fleet: \(fleet.meters.count) meters, seed \(options.seed), chain \(chain.chainID)")

        let sender = ChainSender(node: node, chainID: chain.chainID, fee: chain.fee)
        let onboarding = FleetOnboarding(sender: sender, maker: options.maker, rogueMaker: fleet.rogueMaker, owners: fleet.accounts,
                                         devices: fleet.devices, log: log)
        var needs = onboarding.ownerNeeds(chain.devices) { _ in p.minBond + chain.fee }
        needs[fleet.accounts.count - 1] = AmountFormat.unit
        try await onboarding.fund(needs, from: options.funder)
        let (admitted, refused) = try await onboarding.onboard()
        let locationRefused = try await onboarding.assertLocations(admitted)
        let registration = try await onboarding.perDevice(admitted.sorted(), what: "meter registrations") { d in
            let m = fleet.meters.first { $0.device.id == d.id }!
            return .energy(.register(MeterRegistration(meter: d.id, capacity: m.capacity, technology: m.technology, bond: p.minBond)))
        }
        for c in MeterClass.allCases {
            report.classes[c, default: MeterClassTally()].onboarded = fleet.meters.filter { $0.device.fleetClass == c && admitted.contains($0.index) }.count
            report.classes[c]?.onboardingRefused = refused[c] ?? [:]
            report.classes[c]?.locationRefused = locationRefused[c] ?? [:]
            report.classes[c]?.registrationRefused = registration.refusals[c] ?? [:]
            report.classes[c]?.ids = fleet.meters.filter { $0.device.fleetClass == c && admitted.contains($0.index) }.map(\.device.id.checksummed)
        }

        // The last whole hour of slots that ended `margin` before the latest block.
        let now = UInt64(try await node.call("node_status", [:])["latest_block_time"]?.integerValue ?? 0) / 1_000
        let lastSlot = (now - options.margin) / p.slotLength / perHour * perHour
        let firstSlot = lastSlot - UInt64(options.hours) * perHour
        let registered = registration.admitted.sorted()
        log("reporting slots \(firstSlot)…\(lastSlot - 1) of \(registered.count) meters in \(options.hours) hourly rounds…")
        try await EnergyGateway(node: node, sender: sender, fleet: fleet, parameters: p, seed: options.seed, log: log)
            .run(registered, firstSlot: firstSlot, hours: options.hours, report: &report)

        let pool = PoolRewards(node: node, pool: "energy", epochLength: chain.rewardEpochLength)
        var end = try await node.tip()
        if options.waitForSettlement {
            end = pool.settlementHeight(pool.epoch(of: max(report.lastHeight, end)))
            log("waiting for the epoch settlement at height \(end)…")
            _ = try await node.wait(forHeight: end, timeout: .seconds(Int64(pool.epochLength) + 120))
        }
        try await EnergyTally(node: node, fleet: fleet, pool: pool).collect(registered, through: end, into: &report)
        report.seconds = Double((ContinuousClock.now - started).components.seconds)
        return report
    }
}
