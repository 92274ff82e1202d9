import CairnCore
import CairnCrypto
import CairnGeo
import CairnRPC
import CairnState
import Foundation

/// `cairn simulate coverage`: drives a fleet of virtual hotspots against a running node through
/// JSON-RPC only — onboards and locates them, answers every challenge of theirs for `blocks`
/// blocks with a report and the receipts its propagation model and cheater classes produce,
/// waits for an epoch settlement, then tallies verdicts and rewards per class.
public struct CoverageSimulator: Sendable {
    public struct Options: Sendable {
        public var rpc = "http://127.0.0.1:8645"
        public var fleet = FleetOptions()
        public var blocks = 300
        /// The maker vouching for the fleet (default: the devnet's, genesis/devnet-keys.json).
        public var maker: PrivateKey = CoverageSimulator.devnetMaker
        /// The funded account paying the owners (default: the devnet's first account).
        public var funder: PrivateKey = CoverageSimulator.devnetFunder
        /// Wait for the epoch boundary after the last inclusion, so the rewards include the run's
        /// beacons (a chain with default parameters settles only every 14 400 blocks).
        public var waitForSettlement = true
        public init() {}
    }

    /// genesis/devnet-keys.json's `maker` and `accounts[0]`: public test keys.
    public static let devnetMaker = try! PrivateKey(hex: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a")
    public static let devnetFunder = try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> SimulationReport {
        let started = ContinuousClock.now
        let node = SimulationNode(url: options.rpc)
        let chain = try await SimulationChain.connect(node)
        let chainID = chain.chainID, devices = chain.devices
        let coverage = try chain.module(CoverageParameters.self, "coverage")

        let plan = try FleetPlan(options.fleet)
        var report = SimulationReport()
        report.chainID = chainID
        report.seed = options.fleet.seed
        report.hotspots = plan.hotspots.count
        report.farmCell = plan.farmCell.description
        for h in plan.hotspots { report.classes[h.fleetClass, default: ClassTally()].devices += 1 }
        log("fleet: \(plan.hotspots.count) hotspots around (\(options.fleet.centreLatitude), \(options.fleet.centreLongitude)), seed \(options.fleet.seed), chain \(chainID)")

        let onboarding = FleetOnboarding(sender: ChainSender(node: node, chainID: chainID, fee: chain.fee), maker: options.maker,
                                         rogueMaker: plan.rogueMaker, owners: plan.owners, devices: plan.devices, log: log)
        try await onboarding.fund(onboarding.ownerNeeds(devices), from: options.funder)
        let (admitted, refused) = try await onboarding.onboard()
        let locationRefused = try await onboarding.assertLocations(admitted)
        for c in FleetClass.allCases {
            report.classes[c, default: ClassTally()].onboarded = plan.members(of: c).filter { admitted.contains($0.index) }.count
            report.classes[c]?.onboardingRefused = refused[c] ?? [:]
            report.classes[c]?.locationRefused = locationRefused[c] ?? [:]
        }

        let round = BeaconRound(plan: plan, propagation: Propagation(parameters: coverage, seed: options.fleet.seed),
                                parameters: coverage, chainID: chainID, onboarded: admitted)
        let beacons = try await answerChallenges(node: node, round: round, report: &report, log: log)
        let included = try await node.wait(forHeight: report.lastHeight + coverage.challengeWindow)
        var settle = included / coverage.epochLength * coverage.epochLength
        if options.waitForSettlement {
            settle = Self.settlementHeight(after: report.lastHeight + coverage.challengeWindow, epochLength: coverage.epochLength)
            log("waiting for the epoch settlement at height \(settle)…")
            _ = try await node.wait(forHeight: settle, timeout: .seconds(Int64(settle - report.lastHeight) * 5 + 60))
        }
        report.settledAt = max(settle, coverage.epochLength)
        let firstEpoch = (report.firstHeight - 1) / coverage.epochLength
        report.epochs = firstEpoch...max(firstEpoch, (report.settledAt - 1) / coverage.epochLength)

        try await SimulationTally(node: node, plan: plan).collect(beacons: beacons, admitted: admitted, into: &report)
        report.seconds = Double((ContinuousClock.now - started).components.seconds)
        return report
    }

    /// The first height at or after `height` that ends an epoch.
    static func settlementHeight(after height: UInt64, epochLength: UInt64) -> UInt64 {
        (height + epochLength - 1) / epochLength * epochLength
    }

    /// For every height of the run, once committed: reads its challenges and submits an
    /// attestation for each one whose challengee the simulator controls.
    func answerChallenges(node: SimulationNode, round: BeaconRound, report: inout SimulationReport,
                          log: @Sendable (String) -> Void) async throws -> [SubmittedBeacon] {
        var next = try await node.tip() + 1
        let last = next + UInt64(max(options.blocks, 1)) - 1
        report.firstHeight = next
        report.lastHeight = last
        log("answering challenges at heights \(next)…\(last)…")
        var previousPacket = Hash32.sha256(Array("cairn-simulate-coverage/\(options.fleet.seed)/no-earlier-beacon".utf8))
        var beacons: [SubmittedBeacon] = []
        var buildTime = Duration.zero, submitTime = Duration.zero
        while next <= last {
            let tip = try await node.wait(forHeight: next)
            let heights = Array(next...min(tip, last))
            let records = try await node.batchValues(heights.map { ("coverage_getChallenges", ["height": .integer(Int64($0))]) })
            var built: [SubmittedBeacon] = []
            let buildStart = ContinuousClock.now
            for (height, record) in zip(heights, records) {
                // Fallen behind so far that no block could include it any more: let it go, so
                // the simulator catches up instead of building what the pool would refuse.
                if tip >= height + round.parameters.challengeWindow {
                    report.attestations.skipped += Self.challenges(record, height: height).filter { round.plan.byID[$0.challengee] != nil }.count
                    continue
                }
                for info in Self.challenges(record, height: height) {
                    guard let (attestation, receipts) = round.build(info, previousPacket: previousPacket, seed: options.fleet.seed) else { continue }
                    previousPacket = info.packetHash
                    built.append(SubmittedBeacon(info: info, attestation: attestation, receipts: receipts))
                }
            }
            buildTime += ContinuousClock.now - buildStart
            let submitStart = ContinuousClock.now
            let outcomes = try await node.submit(built.map(\.attestation.attestation))
            for (i, outcome) in outcomes.enumerated() {
                report.attestations.built += 1
                switch outcome {
                case .success: report.attestations.admitted += 1
                case .failure(let refusal):
                    let reason = refusal.reason
                    built[i].refusal = reason
                    report.attestations.refused[reason, default: 0] += 1
                }
            }
            submitTime += ContinuousClock.now - submitStart
            beacons += built
            if heights.last! / 50 != (next - 1) / 50 {
                log("height \(heights.last!) (tip \(tip)): \(report.attestations.built) attestations, \(report.attestations.admitted) admitted; "
                    + "building \(buildTime), submitting \(submitTime) so far")
            }
            next = heights.last! + 1
        }
        return beacons
    }

    static func challenges(_ record: JSONValue, height: UInt64) -> [ChallengeInfo] {
        let time = UInt64(record["time"]?.integerValue ?? 0), latest = UInt64(record["latest_time"]?.integerValue ?? 0)
        return (record["challenges"]?.arrayValue ?? []).compactMap { c in
            guard let who = c["challengee"]?.stringValue.flatMap({ try? Address(hex: $0) }),
                  let id = c["beacon_id"]?.stringValue.flatMap({ try? Hash32(hex: $0) }),
                  let packet = c["packet_hash"]?.stringValue.flatMap({ try? Hash32(hex: $0) }),
                  let channel = c["channel"]?.integerValue, let frequency = c["frequency"]?.integerValue else { return nil }
            return ChallengeInfo(height: height, challengee: who, beaconID: id, packetHash: packet, channel: UInt64(channel),
                                 frequency: UInt64(frequency), blockTime: time, latestTime: latest)
        }
    }
}

/// An attestation the simulator built, with the class each receipt is booked to.
struct SubmittedBeacon: Sendable {
    var info: ChallengeInfo
    var attestation: CoverageAttestation
    var receipts: [BookedReceipt]
    /// `attest_submit`'s reason when it refused the attestation.
    var refusal: String?
}
