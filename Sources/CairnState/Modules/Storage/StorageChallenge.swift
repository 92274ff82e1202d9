import CairnCore
import CairnCrypto

/// Which chunks a proving period challenges (Specs/depin/storage.md §5): index j of c is
/// u64_be(first 8 bytes of SHA-256("cairn/storage/challenge/v1" ‖ seed ‖ u64_be(deal) ‖
/// u64_be(period) ‖ u64_be(j))) mod chunk count, after Sia's storage proofs. Indices may repeat;
/// each is answered. The bias of the reduction is below count / 2^64.
public enum StorageChallenge {
    public static let domain = Array("cairn/storage/challenge/v1".utf8)

    public static func indices(seed: Hash32, deal: UInt64, period: UInt64, count: UInt64, challenges: UInt64) -> [UInt64] {
        guard count > 0 else { return [] }
        return (0..<challenges).map { j in
            let h = Hash32.sha256(parts: domain, seed.bytes, deal.bigEndianBytes, period.bigEndianBytes, j.bigEndianBytes)
            return UInt64(bigEndianBytes: h.bytes[0..<8])! % count
        }
    }

    /// The probability, in ppm rounded down, that a provider missing `missingPPM` of the chunks
    /// fails at least one of `challenges` uniform draws: 1 − (1 − f)^c.
    public static func detectionPPM(missingPPM: UInt64, challenges: UInt64) -> UInt64 {
        let ppm = UInt128(StorageParameters.ppm), kept = ppm - UInt128(min(missingPPM, StorageParameters.ppm))
        var survive = ppm
        for _ in 0..<challenges { survive = survive * kept / ppm }
        return UInt64(ppm - survive)
    }
}

/// One challenged chunk and its path to the data root.
public struct ChunkAnswer: Sendable, Hashable, CanonicalCodable {
    public var chunk: [UInt8]
    public var path: [Hash32]

    public init(chunk: [UInt8], path: [Hash32]) {
        self.chunk = chunk
        self.path = path
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(bytes: chunk)
        writer.write(varint: UInt64(path.count))
        for h in path { writer.write(hash: h) }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        chunk = try reader.readBytes("storage.answer.chunk", limit: Int(StorageParameters.maxChunkSize))
        let n = try reader.readVarint("storage.answer.path", max: 64)
        path = try (0..<n).map { _ throws(CanonicalDecodingError) in try reader.readHash("storage.answer.path") }
    }
}

/// Attestation tag 1 (Specs/depin/storage.md §6): a provider device's answer to one period's
/// challenge of one deal, signed by the device.
public struct StorageProof: Sendable, Hashable, CanonicalCodable {
    public static let tag: UInt64 = 1
    public static let domain = "cairn/storage/proof/v1"

    public var deal: UInt64
    public var period: UInt64
    public var answers: [ChunkAnswer]
    public var signature: RecoverableSignature

    public init(deal: UInt64, period: UInt64, answers: [ChunkAnswer], signature: RecoverableSignature) {
        self.deal = deal
        self.period = period
        self.answers = answers
        self.signature = signature
    }

    /// SHA-256(encode_string(domain) ‖ encode_string(chain_id) ‖ varint(deal) ‖ varint(period) ‖
    /// encode(answers)): the device signs its whole answer.
    public static func digest(chainID: String, deal: UInt64, period: UInt64, answers: [ChunkAnswer]) -> Hash32 {
        var writer = CanonicalWriter()
        writer.write(string: domain)
        writer.write(string: chainID)
        writer.write(varint: deal)
        writer.write(varint: period)
        writer.write(list: answers)
        return Hash32.sha256(writer.bytes)
    }

    public func digest(chainID: String) -> Hash32 { Self.digest(chainID: chainID, deal: deal, period: period, answers: answers) }

    public init(chainID: String, deal: UInt64, period: UInt64, answers: [ChunkAnswer], deviceKey: PrivateKey) {
        self.init(deal: deal, period: period, answers: answers,
                  signature: deviceKey.sign(digest: Self.digest(chainID: chainID, deal: deal, period: period, answers: answers)))
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: deal)
        writer.write(varint: period)
        writer.write(list: answers)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        deal = try reader.readVarint("storage.proof.deal")
        period = try reader.readVarint("storage.proof.period")
        answers = try reader.readList("storage.proof.answers", limit: Int(StorageParameters.maxChallenges))
        signature = try reader.read(RecoverableSignature.self)
    }

    public var attestation: Attestation { Attestation(tag: Self.tag, body: canonicalBytes) }
}
