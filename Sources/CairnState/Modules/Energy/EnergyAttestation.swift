import CairnCore
import CairnCrypto

/// Attestation tag 2 (Specs/depin/energy.md §5): a gateway's bundle of many meters' signed
/// batches. It has no signature of its own: every reading stands on its meter's signature, so
/// any relay may carry it and none can alter it.
public struct EnergyAttestation: Sendable, Hashable, CanonicalCodable {
    public static let tag: UInt64 = 2

    public var batches: [SignedBatch]

    public init(batches: [SignedBatch]) { self.batches = batches }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(list: batches)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        batches = try reader.readList("energy.batches", limit: Int(EnergyParameters.batchCap))
    }

    /// The attestation as a block carries it.
    public var attestation: Attestation { Attestation(tag: Self.tag, body: canonicalBytes) }

    /// One (digest, signature) per batch, in batch order.
    public func signatures(chainID: String) -> [AttestationSignature] {
        batches.map { AttestationSignature(digest: $0.batch.digest(chainID: chainID), signature: $0.signature) }
    }
}
