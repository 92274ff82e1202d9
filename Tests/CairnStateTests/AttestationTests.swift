import CairnCore
import CairnCrypto
@testable import CairnState
import CairnStorage
import CairnRuntimeTestSupport
import Foundation
import Testing

@Suite("Attestations in blocks")
struct AttestationTests {
    static let runtime = Runtime([try! RuleSet(version: 1, modules: [BankModule(), StakingModule(), PingModule()])])
    static let devices = (1...3).map { try! PrivateKey(bytes: Hash32.sha256(Array("cairn-ping-\($0)".utf8)).bytes) }

    static func chain(maxAttestations: UInt64 = 2_000) throws -> RuntimeChain {
        try RuntimeChain(runtime: runtime, genesis: makeGenesis(
            balances: [(TestKeys.alice.address, 1_000)],
            parameters: ConsensusParameters(maxBlockTransactions: 100, maxBlockBytes: 1 << 20, minTransactionFee: 10,
                                            maxBlockAttestations: maxAttestations)))
    }

    static func verified(_ attestation: Attestation) throws -> VerifiedAttestation {
        try runtime.latest.verifyAttestation(attestation, chainID: chainID)
    }

    @Test func blocksCarryAttestationsThatApplyAndRecordTheirResults() throws {
        let chain = try Self.chain()
        let good = try [Self.verified(PingModule.attestation(chainID: chainID, Self.devices[0], 1)), Self.verified(PingModule.attestation(chainID: chainID, Self.devices[1], 5))]
        let forged = try Self.verified(PingModule.attestation(chainID: chainID, Self.devices[2], 1, signer: Self.devices[0]))
        let built = try chain.commitNext(attestations: [good[0], forged, good[1]])
        #expect(built.block.attestations == good.map(\.attestation))
        #expect(built.block.header.attestationsRoot == MerkleRoot.of(good.map(\.id)))
        #expect(built.skippedAttestations.map(\.reason.reason) == ["bad_signature"])
        #expect(built.executed.outcome.blockResults.attestations.map { $0.events.first?.kind } == ["ping", "ping"])
        #expect(try chain.database.block(height: 1)?.attestations == good.map(\.attestation))
        // A replay of a committed ping is refused by the module's own rule.
        let again = try chain.commitNext(attestations: [good[0], try Self.verified(PingModule.attestation(chainID: chainID, Self.devices[0], 2))])
        #expect(again.skippedAttestations.map(\.reason.reason) == ["stale_ping"])
        #expect(again.block.attestations.count == 1)
    }

    @Test func theVerifierRejectsWhatTheBuilderWouldLeaveOut() throws {
        let chain = try Self.chain()
        let ping = try Self.verified(PingModule.attestation(chainID: chainID, Self.devices[0], 1))
        let built = try chain.buildNext(attestations: [ping])
        #expect(throws: Never.self) { _ = try chain.verify(built.block, runtime: Self.runtime) }
        // Another attestation under the same root: the root no longer matches.
        var swapped = built.block
        swapped.attestations = [PingModule.attestation(chainID: chainID, Self.devices[1], 1)]
        #expect { _ = try chain.verify(swapped, runtime: Self.runtime) } throws: { error in
            if case .attestationsRootMismatch = error as? BlockValidationError { true } else { false }
        }
        // The same with the root fixed: it is still a forged signature, so the block is invalid.
        var forged = built.block
        forged.attestations = [PingModule.attestation(chainID: chainID, Self.devices[1], 1, signer: Self.devices[2])]
        forged.header.attestationsRoot = MerkleRoot.of(forged.attestations.map(\.id))
        #expect { _ = try chain.verify(forged, runtime: Self.runtime) } throws: { error in
            guard case .invalidAttestation(let e) = error as? BlockValidationError else { return false }
            return e.index == 0 && e.rejection.reason == "bad_signature"
        }
        // An attestation no module owns.
        var unknown = built.block
        unknown.attestations = [Attestation(tag: 7, body: [])]
        unknown.header.attestationsRoot = MerkleRoot.of(unknown.attestations.map(\.id))
        #expect { _ = try chain.verify(unknown, runtime: Self.runtime) } throws: { error in
            guard case .invalidAttestation(let e) = error as? BlockValidationError else { return false }
            return e.rejection == .unknownAttestation(tag: 7)
        }
    }

    @Test func aBlockOfManyAttestationsIsRecoveredInParallelAndInOrder() throws {
        let chain = try Self.chain()
        let keys = (0..<12).map { try! PrivateKey(bytes: Hash32.sha256(Array("cairn-many-\($0)".utf8)).bytes) }
        let pings = try keys.map { try Self.verified(PingModule.attestation(chainID: chainID, $0, 1)) }
        let built = try chain.buildNext(attestations: pings)
        // Nothing cached: every signature is recovered by the verifier itself.
        let executed = try chain.verify(built.block, runtime: Self.runtime)
        #expect(executed.outcome.blockResults.attestations.count == 12)
        // A forgery at index 9 is reported at index 9, whatever order the workers ran in.
        var forged = built.block
        forged.attestations[9] = PingModule.attestation(chainID: chainID, keys[9], 1, signer: keys[0])
        forged.header.attestationsRoot = MerkleRoot.of(forged.attestations.map(\.id))
        #expect { _ = try chain.verify(forged, runtime: Self.runtime) } throws: { error in
            guard case .invalidAttestation(let e) = error as? BlockValidationError else { return false }
            return e.index == 9 && e.rejection.reason == "bad_signature"
        }
    }

    @Test func theConsensusLimitBoundsABlock() throws {
        let chain = try Self.chain(maxAttestations: 2)
        let pings = try Self.devices.map { try Self.verified(PingModule.attestation(chainID: chainID, $0, 1)) }
        let built = try chain.buildNext(attestations: pings)
        #expect(built.block.attestations.count == 2)
        var over = built.block
        over.attestations = pings.map(\.attestation)
        over.header.attestationsRoot = MerkleRoot.of(pings.map(\.id))
        #expect(throws: BlockValidationError.tooManyAttestations(count: 3, limit: 2)) { _ = try chain.verify(over, runtime: Self.runtime) }
    }

    @Test func refusedAttestationsSayWhy() throws {
        let rules = Self.runtime.latest
        #expect(throws: AttestationRejection.unknownAttestation(tag: 9)) {
            _ = try rules.verifyAttestation(encoded: Attestation(tag: 9, body: []).canonicalBytes, chainID: chainID)
        }
        #expect { _ = try rules.verifyAttestation(encoded: Attestation(tag: 0, body: [1, 2]).canonicalBytes, chainID: chainID) } throws: {
            ($0 as? AttestationRejection)?.reason == "malformed_attestation"
        }
        #expect { _ = try rules.verifyAttestation(encoded: [0xFF], chainID: chainID) } throws: {
            ($0 as? AttestationRejection)?.reason == "malformed_attestation"
        }
        #expect(throws: AttestationRejection.tooLarge(size: Attestation.maxEncodedBytes + 1, limit: Attestation.maxEncodedBytes)) {
            _ = try rules.verifyAttestation(encoded: [UInt8](repeating: 0, count: Attestation.maxEncodedBytes + 1), chainID: chainID)
        }
        #expect(throws: RuleSet.Problem.sharedAttestationTag(0, "pings", "pings2")) {
            struct Pings2: ChainModule {
                static let name = "pings2"
                static let namespaces: [UInt8] = [0x72]
                static let operationTags: [UInt64] = []
                static let attestationTags: [UInt64] = [0]
                static func decode(_ operation: CairnCore.Operation) throws(CanonicalDecodingError) -> Never { throw .truncated(field: "x") }
                static func json(_ operation: Never) -> JSONValue {}
                static var operationSchemas: [JSONValue] { [] }
                static func spend(_ operation: Never) -> Amount {}
                func apply(_ operation: Never, sender: Address, _ block: BlockContext, _ parameters: BankParameters,
                           _ state: inout StateOverlay) throws {}
            }
            _ = try RuleSet(version: 1, modules: [BankModule(), PingModule(), Pings2()])
        }
    }
}
