import CairnCore
import CairnCrypto
import CairnGeo

extension ChallengeRejection: ModuleRejection {}

/// Proof-of-coverage (Specs/depin/coverage.md): each block challenges hotspots by its seed, an
/// attestation carries a challengee's beacon report and the receipts of those who heard it, every
/// receipt gets a verdict on chain, and each epoch the coverage pool pays the owners.
public struct CoverageModule: ChainModule {
    public static let name = "coverage"
    public static let namespaces: [UInt8] = CoverageKeys.all
    public static let operationTags: [UInt64] = []
    public static let attestationTags: [UInt64] = [CoverageAttestation.tag]
    public static let poolName = "coverage"
    public static let emissionPools: [String] = [poolName]
    public static var pool: Address { ModuleAccount.address(poolName) }

    public init() {}

    public static func decode(_ operation: Operation) throws(CanonicalDecodingError) -> Never {
        throw .invalidValue(field: "operation.tag", reason: "coverage has no operations")
    }
    public static func json(_ operation: Never) -> JSONValue {}
    public static var operationSchemas: [JSONValue] { [] }
    public static func spend(_ operation: Never) -> Amount {}
    public func apply(_ operation: Never, sender: Address, _ block: BlockContext, _ parameters: CoverageParameters,
                      _ state: inout StateOverlay) throws {}

    public static func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> CoverageAttestation {
        var reader = attestation.reader
        let decoded = try reader.read(CoverageAttestation.self)
        try reader.finish()
        return decoded
    }

    public static func signatures(of a: CoverageAttestation, chainID: String) -> [AttestationSignature] {
        zip(a.digests(chainID: chainID), [a.reportSignature] + a.receipts.map(\.signature)).map {
            AttestationSignature(digest: $0, signature: $1)
        }
    }

    public func applyAttestation(_ a: CoverageAttestation, signers: [Address?], _ block: BlockContext,
                                 _ p: CoverageParameters, _ state: inout StateOverlay) throws {
        let (challenge, challengee) = try judge(a, signers: signers, block, p, &state)
        var inputs: [WitnessInput] = []
        inputs.reserveCapacity(a.receipts.count)
        for (index, signed) in a.receipts.enumerated() {
            inputs.append(WitnessInput(receipt: signed.receipt, signer: signers[index + 1], device: try state.device(signed.receipt.witness)))
        }
        let verdicts = WitnessRules.verdicts(challenge: challenge, witnesses: inputs, parameters: p)
        let results = zip(a.receipts, verdicts).map { WitnessResult(witness: $0.receipt.witness, verdict: $1) }
        try record(BeaconRecord(challengeHeight: a.challengeHeight, challengee: a.challengee, includedAt: block.height,
                                reportTime: a.reportTime, results: results),
                   id: challenge.beacon.id, cell: challengee.location?.cell ?? 0, p, &state)
    }

    /// Only the attestation rules decide whether an attestation applies (a receipt's verdict never
    /// refuses it), so admission checks them alone and leaves the receipts to the block.
    public func checkAttestation(_ a: CoverageAttestation, signers: [Address?], _ block: BlockContext,
                                 _ p: CoverageParameters, _ state: inout StateOverlay) throws {
        _ = try judge(a, signers: signers, block, p, &state)
    }

    /// §6.1 on the state: the challenge the attestation answers, and the challengee's record.
    private func judge(_ a: CoverageAttestation, signers: [Address?], _ block: BlockContext, _ p: CoverageParameters,
                       _ state: inout StateOverlay) throws -> (Challenge, DeviceRecord) {
        guard signers.count == a.receipts.count + 1 else { throw CoverageFault.signerCount(signers.count, a.receipts.count + 1) }
        let challenged = try state.value(CoverageKeys.challenge(a.challengeHeight)).map { bytes in
            try ChallengeRecord.lookup(bytes, a.challengee)
        }
        let memory = try state.get(CoverageDeviceRecord.self, CoverageKeys.device(a.challengee)) ?? CoverageDeviceRecord()
        let record = try state.device(a.challengee)
        let challenge = try AttestationRules.challenge(
            seed: challenged?.seed ?? .zero, challengeHeight: a.challengeHeight, blockTime: challenged?.time ?? 0,
            height: block.height, challengee: a.challengee, record: record,
            challenged: challenged?.challenged == true ? [a.challengee] : [],
            attested: try state.value(CoverageKeys.beacon(a.beaconID)) != nil, receipts: a.receipts.count,
            report: (a.reportTime, signers[0]), lastBeacon: memory.lastBeacon, parameters: p)
        // The rules refuse an attestation without a challengee record, so there is one here.
        guard let record else { throw CoverageFault.missingDevice(a.challengee) }
        return (challenge, record)
    }

    /// Writes an accepted beacon: its record, the challengee's last beacon, the epoch's tally and
    /// the beacon's place in the epoch's settlement, and the events; and each party's history
    /// line in the node index (a query's, not a rule's: kept out of the state tree).
    private func record(_ beacon: BeaconRecord, id: Hash32, cell: UInt64, _ p: CoverageParameters,
                        _ state: inout StateOverlay) throws {
        state.set(CoverageKeys.beacon(id), beacon)
        let selected = beacon.selected
        state.index(CoverageKeys.history(beacon.challengee, beacon.challengeHeight, id, role: .beacon),
                  HistoryEntry.beaconed(selected: UInt64(selected.count), receipts: UInt64(beacon.results.count)))
        state.set(CoverageKeys.device(beacon.challengee), CoverageDeviceRecord(lastBeacon: beacon.challengeHeight))
        var rejected: UInt64 = 0
        var listed = Set<Address>()
        for result in beacon.results {
            // One witness line per (device, beacon): a witness's first receipt; its later ones are duplicates.
            if listed.insert(result.witness).inserted {
                state.index(CoverageKeys.history(result.witness, beacon.challengeHeight, id, role: .witness),
                          HistoryEntry.witnessed(verdict: result.verdict))
            }
            if !result.verdict.isValid { rejected += 1 }
            // The numbers each rule compared stay in the beacon record (coverage_getWitnessResults).
            // The beacon event that follows in the same result names the beacon.
            state.emit(Event(module: Self.name, kind: "witness", [
                "witness": Event.value(result.witness), "verdict": result.verdict.reason,
            ]))
        }
        state.emit(Event(module: Self.name, kind: "beacon", [
            "beacon": id.hex, "challengee": Event.value(beacon.challengee), "challenge_height": String(beacon.challengeHeight),
            "receipts": String(beacon.results.count), "selected": String(selected.count), "rejected": String(rejected),
        ]))
        let epoch = Self.epoch(of: beacon.includedAt, p)
        var tally = try state.get(EpochRecord.self, CoverageKeys.epoch(epoch)) ?? EpochRecord()
        state.set(CoverageKeys.epochBeacon(epoch, tally.beacons), EpochBeacon(beacon: id, cell: cell))
        tally.beacons += 1
        tally.receipts += UInt64(beacon.results.count)
        tally.selected += UInt64(selected.count)
        tally.rejected += rejected
        state.set(CoverageKeys.epoch(epoch), tally)
    }

    /// Challenges this block's seed draws among the located hotspots as they stand after its
    /// transactions, then, at an epoch's last height, the epoch's settlement.
    public func endBlock(_ block: BlockContext, _ p: CoverageParameters, _ state: inout StateOverlay) throws -> [EndBlockEffect] {
        let located = try state.deviceCounts(.hotspot).located
        let positions = ChallengeSelection.challengees(seed: block.seed, height: block.height, located: located,
                                                       count: ChallengeSelection.count(located: located, parameters: p))
        if !positions.isEmpty {
            var challengees: [Address] = []
            for position in positions {
                guard let id = try state.locatedDevice(.hotspot, at: position) else { throw CoverageFault.missingLocated(position) }
                challengees.append(id)
                state.emit(Event(module: Self.name, kind: "challenged", [
                    "device": Event.value(id), "beacon": Beacon.id(height: block.height, challengee: id).hex,
                ]))
            }
            state.set(CoverageKeys.challenge(block.height), ChallengeRecord(seed: block.seed, time: block.time, challengees: challengees))
        }
        if block.height % p.epochLength == 0 {
            try CoverageSettlement.settle(epoch: Self.epoch(of: block.height, p), at: block.height, p, &state)
        }
        return []
    }

    /// Epoch e holds heights e·L + 1 … (e + 1)·L.
    public static func epoch(of height: UInt64, _ p: CoverageParameters) -> UInt64 {
        height == 0 ? 0 : (height - 1) / p.epochLength
    }

    public func queries() -> [ModuleQuery] { CoverageQueries.all }
}

/// State the coverage module wrote or relies on that does not hold together: a local fault.
enum CoverageFault: Error, CustomStringConvertible {
    case signerCount(Int, Int)
    case missingLocated(UInt64)
    case missingDevice(Address)
    case missingEpochBeacon(epoch: UInt64, index: UInt64)
    case missingBeacon(Hash32)

    var description: String {
        switch self {
        case .signerCount(let got, let expected): "\(got) recovered signers for an attestation with \(expected) signatures"
        case .missingLocated(let position): "the hotspot located list has no device at position \(position)"
        case .missingDevice(let id): "coverage names device \(id.checksummed), which has no record"
        case .missingEpochBeacon(let epoch, let index): "epoch \(epoch) has no beacon \(index)"
        case .missingBeacon(let id): "an epoch beacon names beacon \(id), which has no record"
        }
    }
}
