import CairnCore
import CairnCrypto

/// Why an attestation cannot enter a block (Specs/runtime.md §12). `reason` is stable: it is the
/// RPC `data.reason` of a refused `attest_submit`.
public enum AttestationRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(size: Int, limit: Int)
    case malformed(String)
    case unknownAttestation(tag: UInt64)
    case malformedAttestation(tag: UInt64, reason: String)
    case module(ModuleFailure)

    public var reason: String {
        switch self {
        case .tooLarge: "attestation_too_large"
        case .malformed: "malformed_attestation"
        case .unknownAttestation: "unknown_attestation"
        case .malformedAttestation: "malformed_attestation"
        case .module(let failure): failure.reason
        }
    }

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "attestation is \(size) bytes, above the limit of \(limit)"
        case .malformed(let why): "attestation does not decode: \(why)"
        case .unknownAttestation(let tag): "no module of this protocol version owns attestation tag \(tag)"
        case .malformedAttestation(let tag, let why): "attestation tag \(tag) has a body its module cannot decode: \(why)"
        case .module(let failure): "\(failure)"
        }
    }
}

extension RuleSet {
    /// Decodes an attestation received as bytes and recovers its signatures: the one expensive
    /// step, done once per node (the pool, the builder and the verifier reuse the result).
    public func verifyAttestation(encoded bytes: [UInt8], chainID: String) throws(AttestationRejection) -> VerifiedAttestation {
        try verifyAttestation(try Self.decodeAttestation(encoded: bytes), chainID: chainID)
    }

    /// The attestation in `bytes`, received from outside: the size limit first, then the decoding.
    public static func decodeAttestation(encoded bytes: [UInt8]) throws(AttestationRejection) -> Attestation {
        guard bytes.count <= Attestation.maxEncodedBytes else {
            throw .tooLarge(size: bytes.count, limit: Attestation.maxEncodedBytes)
        }
        do { return try Attestation(canonicalBytes: bytes) } catch { throw .malformed(error.description) }
    }

    public func verifyAttestation(_ attestation: Attestation, chainID: String) throws(AttestationRejection) -> VerifiedAttestation {
        let (index, value) = try decode(attestation)
        return VerifiedAttestation(attestation, signatures: modules[index].attestationSignatures(value, chainID: chainID), decoded: value)
    }

    /// Applies a verified attestation, all of it or (on a thrown rejection) none of it. Errors
    /// other than `AttestationRejection` are local faults.
    public func apply(_ verified: VerifiedAttestation, _ session: BlockSession, _ state: inout StateOverlay) throws -> AttestationResult {
        try state.atomically { state in
            let (index, value) = try decoded(verified)
            let module = modules[index]
            do {
                try module.applyAttestation(value, signers: verified.signers, session.context, session.parameters.modules[index], &state)
            } catch let rejection as any ModuleRejection {
                throw AttestationRejection.module(ModuleFailure(module: module.name, rejection))
            }
            return AttestationResult(events: state.takeEvents())
        }
    }

    /// Whether `verified` would apply on committed `state`: the pool's admission. Writes are discarded.
    public func admit(_ verified: VerifiedAttestation, context: BlockContext, parameters: BlockParameters? = nil,
                      _ state: inout StateOverlay) throws {
        let parameters = try parameters ?? self.parameters(&state)
        let (index, value) = try decoded(verified)
        let module = modules[index]
        do {
            try module.checkAttestation(value, signers: verified.signers, context, parameters.modules[index], &state)
        } catch let rejection as any ModuleRejection {
            throw AttestationRejection.module(ModuleFailure(module: module.name, rejection))
        }
    }

    /// The verifier's decoding when it is this rule set module's type for the tag (a rule set of
    /// another version decodes afresh), else a fresh decoding.
    private func decoded(_ verified: VerifiedAttestation) throws(AttestationRejection) -> (Int, any Sendable) {
        if let value = verified.decoded, let index = moduleByAttestationTag[verified.attestation.tag], modules[index].owns(value) {
            return (index, value)
        }
        return try decode(verified.attestation)
    }

    private func decode(_ attestation: Attestation) throws(AttestationRejection) -> (Int, any Sendable) {
        guard let index = moduleByAttestationTag[attestation.tag] else { throw .unknownAttestation(tag: attestation.tag) }
        do { return (index, try modules[index].decodeAttestation(attestation)) } catch {
            throw .malformedAttestation(tag: attestation.tag, reason: error.description)
        }
    }
}
