import CairnCore
import CairnCrypto
import CairnGeo
@testable import CairnState
import Testing

@Suite struct CoverageRulesTests {
    typealias F = CoverageFixture

    func verdict(_ input: WitnessInput, before: [WitnessInput] = []) -> WitnessVerdict {
        WitnessRules.verdicts(challenge: F.challenge(), witnesses: before + [input], parameters: F.parameters).last!
    }

    @Test func honestGeometryIsAllValid() {
        let inputs = (1...12).map { F.witness($0, metres: Double($0) * 1_650, bearing: Double($0) * 29) }
        let verdicts = WitnessRules.verdicts(challenge: F.challenge(), witnesses: inputs, parameters: F.parameters)
        #expect(verdicts == Array(repeating: .valid, count: 12), "\(verdicts)")
    }

    /// Each case breaks exactly one rule of an otherwise honest receipt at 5 km.
    @Test(arguments: [
        "bad_signature", "unknown_witness", "witness_not_hotspot", "witness_inactive", "witness_not_located", "self_witness",
        "packet_mismatch", "frequency_off_plan", "wrong_channel", "early_receipt", "late_receipt", "too_far", "rssi_too_low",
        "rssi_too_high", "snr_out_of_range",
    ])
    func eachRuleCatchesOnlyItsBreak(reason: String) {
        let challenge = F.challenge()
        var input = F.witness(1, metres: 5_000)
        #expect(verdict(input) == .valid)
        let p = F.parameters
        switch reason {
        case "bad_signature": input.signer = F.address(77)
        case "unknown_witness": input.device = nil
        case "witness_not_hotspot": input.device!.kind = .meter
        case "witness_inactive": input.device!.status = .denied
        case "witness_not_located": input.device!.location = nil
        case "self_witness":
            input = WitnessInput(receipt: input.receipt, signer: F.challengee, device: F.challengeeRecord)
            input.receipt.witness = F.challengee
        case "packet_mismatch": input.receipt.packetHash = Hash32.sha256([1])
        case "frequency_off_plan": input.receipt.frequency = p.channelBaseFrequency + p.channelSpacing * p.channelCount + 150_000
        case "wrong_channel":
            let other = (challenge.beacon.channel + 1) % p.channelCount
            input.receipt.frequency = p.channelPlan.frequency(of: other)
        case "early_receipt": input.receipt.time = F.blockTime - p.receiptTimeTolerance - 1
        case "late_receipt": input.receipt.time = F.blockTime + p.receiptWindow + p.receiptTimeTolerance + 1
        case "too_far":
            input = F.witness(1, metres: 101_000)
            input.receipt.rssi = F.honestRSSI(metres: 101_000, frequency: challenge.beacon.frequency)
        case "rssi_too_low": input.receipt.rssi = -Int32(p.rssiFloor) - 1
        case "rssi_too_high": input.receipt.rssi += 100
        case "snr_out_of_range": input.receipt.snr = Int32(p.snrCeiling) + 1
        default: Issue.record("no case for \(reason)")
        }
        #expect(verdict(input).reason == reason, "\(verdict(input))")
    }

    @Test func duplicateWitnessIsCaughtButAForgeryCannotCancelTheGenuineReceipt() {
        let genuine = F.witness(1, metres: 5_000)
        #expect(verdict(genuine, before: [genuine]).reason == "duplicate_witness")
        var forged = genuine
        forged.signer = F.address(66)
        #expect(verdict(genuine, before: [forged]) == .valid)
    }

    @Test func colocatedColludersAreTooClose() {
        let near = F.witness(1, metres: 50)
        guard case .invalid(.tooClose(let d, let minimum)) = verdict(near) else { Issue.record("\(verdict(near))"); return }
        #expect(d >= 45 && d <= 55 && minimum == 300)
    }

    @Test func rssiInflatedBeyondPhysicsIsTooHigh() {
        // A relay 20 km away claiming the signal of a 2 km link: 20 dB above free space.
        var input = F.witness(1, metres: 20_000)
        input.receipt.rssi = F.honestRSSI(metres: 2_000, frequency: F.challenge().beacon.frequency)
        #expect(verdict(input).reason == "rssi_too_high")
        // Within the tolerance above the free-space bound passes; one tenth more does not.
        guard case .invalid(.rssiTooHigh(_, let bound, _)) = verdict(input) else { return }
        input.receipt.rssi = Int32(bound)
        #expect(verdict(input) == .valid)
        input.receipt.rssi = Int32(bound + 1)
        #expect(verdict(input).reason == "rssi_too_high")
    }

    @Test func timeWindowEdgesAreInclusive() {
        var input = F.witness(1, metres: 5_000)
        input.receipt.time = F.blockTime - F.parameters.receiptTimeTolerance
        #expect(verdict(input) == .valid)
        input.receipt.time = F.blockTime + F.parameters.receiptWindow + F.parameters.receiptTimeTolerance
        #expect(verdict(input) == .valid)
    }

    @Test func selectionPicksExactlyKByTheSeed() {
        let inputs = (1...20).map { F.witness($0, metres: 2_000 + Double($0) * 500, bearing: Double($0) * 17) }
        let first = WitnessRules.verdicts(challenge: F.challenge(), witnesses: inputs, parameters: F.parameters)
        #expect(first.filter { $0 == .valid }.count == 14)
        #expect(first.filter { $0 == .validNotSelected }.count == 6)
        #expect(WitnessRules.verdicts(challenge: F.challenge(), witnesses: inputs, parameters: F.parameters) == first)
        // The order receipts arrive in does not change who is chosen.
        let reversed = WitnessRules.verdicts(challenge: F.challenge(), witnesses: inputs.reversed(), parameters: F.parameters)
        #expect(Array(reversed.reversed()) == first)
        // The chosen are the 14 smallest keys.
        let challenge = F.challenge()
        let keys = inputs.map { WitnessSelection.key(seed: challenge.seed, beaconID: challenge.beacon.id, witness: $0.receipt.witness) }
        let cut = keys.sorted()[13]
        for (i, v) in first.enumerated() { #expect((v == .valid) == (keys[i] <= cut)) }
    }

    @Test func attestationRules() {
        let p = F.parameters
        func reason(height: UInt64 = F.height + 1, record: DeviceRecord? = F.challengeeRecord, challenged: [Address] = [F.challengee],
                    attested: Bool = false, receipts: Int = 3, reportTime: UInt64 = F.blockTime + 1_000,
                    reportSigner: Address? = F.challengee, lastBeacon: UInt64? = nil) -> String {
            do {
                _ = try AttestationRules.challenge(seed: F.seed, challengeHeight: F.height, blockTime: F.blockTime, height: height,
                                                   challengee: F.challengee, record: record, challenged: challenged,
                                                   attested: attested, receipts: receipts, report: (reportTime, reportSigner),
                                                   lastBeacon: lastBeacon, parameters: p)
                return "ok"
            } catch { return error.reason }
        }
        #expect(reason() == "ok")
        #expect(reason(height: F.height + p.challengeWindow) == "ok")
        #expect(reason(height: F.height) == "challenge_not_yet_final")
        #expect(reason(height: F.height + p.challengeWindow + 1) == "challenge_expired")
        #expect(reason(challenged: [F.address(5)]) == "not_challenged")
        #expect(reason(attested: true) == "already_attested")
        #expect(reason(receipts: Int(p.maxReceipts) + 1) == "too_many_receipts")
        #expect(reason(record: nil) == "unknown_challengee")
        var r = F.challengeeRecord
        r.kind = .storage
        #expect(reason(record: r) == "challengee_not_hotspot")
        r = F.challengeeRecord
        r.status = .deactivated
        #expect(reason(record: r) == "challengee_inactive")
        r.status = .active
        r.location = nil
        #expect(reason(record: r) == "challengee_not_located")
        #expect(reason(reportSigner: F.address(5)) == "bad_report_signature")
        #expect(reason(reportSigner: nil) == "bad_report_signature")
        #expect(reason(reportTime: F.blockTime - p.receiptTimeTolerance) == "ok")
        #expect(reason(reportTime: F.blockTime - p.receiptTimeTolerance - 1) == "report_out_of_window")
        #expect(reason(reportTime: F.blockTime + p.receiptWindow + p.receiptTimeTolerance) == "ok")
        #expect(reason(reportTime: F.blockTime + p.receiptWindow + p.receiptTimeTolerance + 1) == "report_out_of_window")
        #expect(reason(lastBeacon: F.height - p.minBeaconInterval) == "ok")
        #expect(reason(lastBeacon: F.height - p.minBeaconInterval + 1) == "beacon_too_soon")
        #expect(reason(lastBeacon: .max) == "beacon_too_soon")
    }

    @Test func challengeSelectionIsDistinctDeterministicAndInRange() {
        for located: UInt64 in [1, 2, 3, 10, 1_000_000] {
            let picks = ChallengeSelection.challengees(seed: F.seed, height: 7, located: located, count: 5)
            #expect(picks.count == Int(min(5, located)))
            #expect(Set(picks).count == picks.count && picks.allSatisfy { $0 < located })
            #expect(picks == ChallengeSelection.challengees(seed: F.seed, height: 7, located: located, count: 5))
        }
        #expect(ChallengeSelection.challengees(seed: F.seed, height: 7, located: 0, count: 2).isEmpty)
        // Roughly uniform: 10 positions, 20 000 single draws, each within 10 % of 2 000.
        var histogram = [Int](repeating: 0, count: 10)
        for h in 0..<20_000 { histogram[Int(ChallengeSelection.challengees(seed: F.seed, height: UInt64(h), located: 10, count: 1)[0])] += 1 }
        #expect(histogram.allSatisfy { $0 > 1_800 && $0 < 2_200 }, "\(histogram)")
        #expect(ChallengeSelection.count(located: 10_000, parameters: F.parameters) == 2)
        #expect(ChallengeSelection.count(located: 3_000, parameters: F.parameters) == 1)
        #expect(ChallengeSelection.count(located: 0, parameters: F.parameters) == 0)
    }

    @Test func receiptEncodingRoundTripsAndIsSmall() throws {
        let receipt = F.witness(1, metres: 5_000).receipt
        let bytes = receipt.canonicalBytes
        #expect(bytes.count == 71)
        #expect(try WitnessReceipt(canonicalBytes: bytes) == receipt)
        let beacon = F.challenge().beacon
        #expect(receipt.digest(chainID: "cairn-test", beaconID: beacon.id) != receipt.digest(chainID: "cairn-other", beaconID: beacon.id))
    }

    @Test func parameterProblems() {
        #expect(CoverageParameters.defaults.problem == nil)
        #expect(try! CoverageParameters(canonicalBytes: CoverageParameters.defaults.canonicalBytes) == .defaults)
        var p = CoverageParameters.defaults
        p.witnessShare = 700_000
        #expect(p.problem?.field == "witness_share")
        p = .defaults
        p.minWitnessDistance = 200_000
        #expect(p.problem?.field == "min_witness_distance")
        p = .defaults
        p.maxWitnessDistance = 0
        #expect(p.problem?.field == "max_witness_distance")
        p = .defaults
        p.frequencyTolerance = 200_000
        #expect(p.problem?.field == "frequency_tolerance")
        p = .defaults
        p.channelCount = 0
        #expect(p.problem?.field == "channel_count")
        p = .defaults
        p.densityR7Max = 4
        #expect(p.problem?.field == "density_r7_max")
    }
}
