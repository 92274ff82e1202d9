import CairnCore
import CairnCrypto

/// A receipt with the witness's signature over `WitnessReceipt.digest`.
public struct SignedReceipt: Sendable, Hashable, CanonicalCodable {
    public var receipt: WitnessReceipt
    public var signature: RecoverableSignature

    public init(receipt: WitnessReceipt, signature: RecoverableSignature) {
        self.receipt = receipt
        self.signature = signature
    }

    public func encode(to writer: inout CanonicalWriter) {
        receipt.encode(to: &writer)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        receipt = try WitnessReceipt(from: &reader)
        signature = try reader.read(RecoverableSignature.self)
    }
}

/// Attestation tag 0 (Specs/depin/coverage.md §5.1): a challenged hotspot's signed report that it
/// transmitted its beacon, with the receipts of the hotspots that heard it.
public struct CoverageAttestation: Sendable, Hashable, CanonicalCodable {
    public static let tag: UInt64 = 0
    public static let reportDomain = "cairn/coverage/beacon-report/v1"
    /// Receipts one attestation may decode to; `max_receipts` (≤ 1 024) is the rule.
    public static let maxDecodedReceipts = 1_024

    public var challengeHeight: UInt64
    public var challengee: Address
    /// When the challengee transmitted, ms since the Unix epoch by its clock.
    public var reportTime: UInt64
    /// The challengee's device signature over `reportDigest`.
    public var reportSignature: RecoverableSignature
    public var receipts: [SignedReceipt]

    public init(challengeHeight: UInt64, challengee: Address, reportTime: UInt64, reportSignature: RecoverableSignature,
                receipts: [SignedReceipt]) {
        self.challengeHeight = challengeHeight
        self.challengee = challengee
        self.reportTime = reportTime
        self.reportSignature = reportSignature
        self.receipts = receipts
    }

    public var beaconID: Hash32 { Beacon.id(height: challengeHeight, challengee: challengee) }

    /// SHA-256(encode_string(reportDomain) ‖ encode_string(chain_id) ‖ beacon_id ‖ varint(report_time)).
    public static func reportDigest(chainID: String, beaconID: Hash32, time: UInt64) -> Hash32 {
        var writer = CanonicalWriter()
        writer.write(string: reportDomain)
        writer.write(string: chainID)
        writer.write(hash: beaconID)
        writer.write(varint: time)
        return Hash32.sha256(writer.bytes)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: challengeHeight)
        writer.write(address: challengee)
        writer.write(varint: reportTime)
        writer.write(reportSignature)
        writer.write(list: receipts)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        challengeHeight = try reader.readVarint("coverage.challenge_height")
        challengee = try reader.readAddress("coverage.challengee")
        reportTime = try reader.readVarint("coverage.report_time")
        reportSignature = try reader.read(RecoverableSignature.self)
        receipts = try reader.readList("coverage.receipts", limit: Self.maxDecodedReceipts)
    }

    /// The attestation as a block carries it.
    public var attestation: Attestation { Attestation(tag: Self.tag, body: canonicalBytes) }

    /// The report's digest, then each receipt's: what `signatures` lists, in that order.
    public func digests(chainID: String) -> [Hash32] {
        let id = beaconID
        return [Self.reportDigest(chainID: chainID, beaconID: id, time: reportTime)]
            + receipts.map { $0.receipt.digest(chainID: chainID, beaconID: id) }
    }
}
