import CairnCore
import CairnCrypto
import CairnGeo

/// Why a whole attestation (one beacon and its receipts) is refused before any receipt is judged
/// (Specs/depin/coverage.md §6.1): the block carrying it is invalid, unlike a bad receipt, which
/// only earns nothing.
public enum ChallengeRejection: Error, Sendable, Hashable, CustomStringConvertible {
    case challengeNotYetFinal(challengeHeight: UInt64, height: UInt64)
    case challengeExpired(challengeHeight: UInt64, lastHeight: UInt64)
    case notChallenged
    case alreadyAttested
    case tooManyReceipts(count: Int, maximum: UInt64)
    case unknownChallengee
    case challengeeNotHotspot(kind: DeviceKind)
    case challengeeInactive(status: DeviceStatus)
    case challengeeNotLocated
    case badReportSignature(signer: Address?)
    case reportOutOfWindow(time: UInt64, earliest: UInt64, latest: UInt64)
    case beaconTooSoon(last: UInt64, next: UInt64)

    public var reason: String {
        switch self {
        case .challengeNotYetFinal: "challenge_not_yet_final"
        case .challengeExpired: "challenge_expired"
        case .notChallenged: "not_challenged"
        case .alreadyAttested: "already_attested"
        case .tooManyReceipts: "too_many_receipts"
        case .unknownChallengee: "unknown_challengee"
        case .challengeeNotHotspot: "challengee_not_hotspot"
        case .challengeeInactive: "challengee_inactive"
        case .challengeeNotLocated: "challengee_not_located"
        case .badReportSignature: "bad_report_signature"
        case .reportOutOfWindow: "report_out_of_window"
        case .beaconTooSoon: "beacon_too_soon"
        }
    }

    public var description: String {
        switch self {
        case .challengeNotYetFinal(let h, let height): "the challenge at \(h) cannot be attested at height \(height)"
        case .challengeExpired(let h, let last): "the challenge at \(h) could be attested until \(last)"
        case .notChallenged: "the device was not challenged at that height"
        case .alreadyAttested: "the challenge is already attested"
        case .tooManyReceipts(let count, let maximum): "\(count) receipts, more than \(maximum)"
        case .unknownChallengee: "the challengee is not an onboarded device"
        case .challengeeNotHotspot(let kind): "the challengee is a \(kind), not a hotspot"
        case .challengeeInactive(let status): "the challengee is \(status)"
        case .challengeeNotLocated: "the challengee has no valid location"
        case .badReportSignature(let signer):
            "the beacon report's signature recovers \(signer.map { Hex.prefixed($0.bytes) } ?? "no key"), not the challengee"
        case .reportOutOfWindow(let time, let earliest, let latest): "the beacon was reported sent at \(time) ms, outside \(earliest)…\(latest)"
        case .beaconTooSoon(let last, let next):
            "the challengee's last beacon was challenged at \(last); its next may be challenged from \(next)"
        }
    }
}

/// A challenge that passed the attestation rules: everything the witness rules compare against.
public struct Challenge: Sendable, Hashable {
    public let seed: Hash32
    public let height: UInt64
    /// The challenge block's time, ms.
    public let blockTime: UInt64
    public let challengee: Address
    public let point: GeoPoint
    public let elevation: Int32
    /// dBi × 10.
    public let antennaGain: UInt64
    public let beacon: Beacon
}

public enum AttestationRules {
    /// Checks an attestation of `challengee`'s beacon at `challengeHeight`, included at `height`,
    /// in the order of Specs/depin/coverage.md §6.1. `challenged` are the device ids the
    /// challenge block selected (ChallengeSelection's positions resolved in the located list as it
    /// stood after that block); `attested` says whether an earlier attestation of the same
    /// challenge was accepted; `report` is the beacon report's time and the address its signature
    /// recovers; `lastBeacon` the challenge height of the challengee's last accepted beacon.
    public static func challenge(seed: Hash32, challengeHeight: UInt64, blockTime: UInt64, height: UInt64,
                                 challengee: Address, record: DeviceRecord?, challenged: [Address], attested: Bool,
                                 receipts: Int, report: (time: UInt64, signer: Address?), lastBeacon: UInt64?,
                                 parameters: CoverageParameters) throws(ChallengeRejection) -> Challenge {
        guard height > challengeHeight else { throw .challengeNotYetFinal(challengeHeight: challengeHeight, height: height) }
        let last = challengeHeight.addingReportingOverflow(parameters.challengeWindow)
        if !last.overflow, height > last.partialValue {
            throw .challengeExpired(challengeHeight: challengeHeight, lastHeight: last.partialValue)
        }
        guard challenged.contains(challengee) else { throw .notChallenged }
        guard !attested else { throw .alreadyAttested }
        guard UInt64(receipts) <= parameters.maxReceipts else { throw .tooManyReceipts(count: receipts, maximum: parameters.maxReceipts) }
        guard let record else { throw .unknownChallengee }
        guard record.kind == .hotspot else { throw .challengeeNotHotspot(kind: record.kind) }
        guard record.status == .active else { throw .challengeeInactive(status: record.status) }
        guard let place = record.location?.place,
              let point = try? GeoPoint(latitude: place.latitude, longitude: place.longitude) else { throw .challengeeNotLocated }
        guard report.signer == challengee else { throw .badReportSignature(signer: report.signer) }
        let window = WitnessRules.window(blockTime: blockTime, parameters: parameters)
        guard window.contains(report.time) else {
            throw .reportOutOfWindow(time: report.time, earliest: window.lowerBound, latest: window.upperBound)
        }
        if let lastBeacon {
            let next = lastBeacon.addingReportingOverflow(parameters.minBeaconInterval)
            guard !next.overflow, challengeHeight >= next.partialValue else {
                throw .beaconTooSoon(last: lastBeacon, next: next.overflow ? .max : next.partialValue)
            }
        }
        return Challenge(seed: seed, height: challengeHeight, blockTime: blockTime, challengee: challengee, point: point,
                         elevation: place.elevation, antennaGain: place.antennaGain,
                         beacon: Beacon.derive(seed: seed, height: challengeHeight, challengee: challengee, plan: parameters.channelPlan))
    }
}
