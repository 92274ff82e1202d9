import CairnCrypto

/// Proof of physical work a block carries beside its transactions (Specs/blocks.md §2,
/// Specs/runtime.md §12): no fee and no sender; the module owning `tag` decodes the body and
/// checks the device signatures inside it. Like an operation, it is `tag ‖ bytes(body)`.
public struct Attestation: Sendable, Hashable, CanonicalCodable {
    public let tag: UInt64
    public let body: [UInt8]
    /// SHA-256 of the encoding: what the attestations root and the pool know it by. Hashed once
    /// here, because the pool, the block, the journal and the commit all ask for it and a body
    /// can be kilobytes (a storage proof is 8 KiB).
    public let id: Hash32

    /// Largest encoded attestation accepted anywhere (decoding, the pool, blocks).
    public static let maxEncodedBytes = 16 * 1024

    public init(tag: UInt64, body: [UInt8]) {
        self.tag = tag
        self.body = body
        var prefix = CanonicalWriter(capacity: 20)
        prefix.write(varint: tag)
        prefix.write(varint: UInt64(body.count))
        id = Hash32.sha256(parts: prefix.bytes, body)
    }

    /// The length of the canonical encoding, without encoding.
    public var encodedSize: Int { CanonicalWriter.varintSize(tag) + CanonicalWriter.varintSize(UInt64(body.count)) + body.count }

    public var reader: CanonicalReader { CanonicalReader(body) }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: tag)
        writer.write(bytes: body)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let tag = try reader.readVarint("attestation.tag")
        self.init(tag: tag, body: try reader.readBytes("attestation.body", limit: Self.maxEncodedBytes))
    }

    /// Decodes an attestation received from outside, enforcing the size limit first.
    public static func decode(_ bytes: [UInt8]) throws(CanonicalDecodingError) -> Attestation {
        guard bytes.count <= maxEncodedBytes else {
            throw .lengthExceedsLimit(field: "attestation", length: UInt64(bytes.count), limit: maxEncodedBytes)
        }
        return try Attestation(canonicalBytes: bytes)
    }
}

/// One signature inside an attestation and the digest it signs: the runtime recovers each once
/// per node and hands the module the addresses.
public struct AttestationSignature: Sendable, Hashable {
    public let digest: Hash32
    public let signature: RecoverableSignature

    public init(digest: Hash32, signature: RecoverableSignature) {
        self.digest = digest
        self.signature = signature
    }
}

/// An attestation whose signatures have been recovered once: `signers[i]` is the address
/// signature i recovers (nil when it recovers none). Reused by the pool, building and verifying.
public struct VerifiedAttestation: Sendable, Hashable {
    public let attestation: Attestation
    public let signers: [Address?]
    /// The owning module's decoding of the body, as the verifier made it: the pool's admission
    /// and the block reuse it rather than decode the body again. Derived from `attestation`, so
    /// equality and hashing leave it out.
    public let decoded: (any Sendable)?

    public init(_ attestation: Attestation, signers: [Address?], decoded: (any Sendable)? = nil) {
        self.attestation = attestation
        self.signers = signers
        self.decoded = decoded
    }

    /// Recovers every signature's address.
    public init(_ attestation: Attestation, signatures: [AttestationSignature], decoded: (any Sendable)? = nil) {
        self.init(attestation, signers: signatures.map { try? $0.signature.recoverAddress(digest: $0.digest) }, decoded: decoded)
    }

    public var id: Hash32 { attestation.id }
    public var encodedSize: Int { attestation.encodedSize }

    public static func == (a: VerifiedAttestation, b: VerifiedAttestation) -> Bool {
        a.attestation == b.attestation && a.signers == b.signers
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(signers)
    }
}
