import CairnCore
import CairnCrypto
@testable import CairnNode
import CairnRPC
import CairnRuntimeTestSupport
import CairnState
import Foundation
import Testing

/// Attestations through a node (Specs/runtime.md §12, Specs/rpc.md `attest_submit`): submitted
/// over JSON-RPC, checked and pooled, carried by the next block, shown with their results, and
/// refused with a stable reason when they break a rule.
@Suite("Attestations through a node")
struct AttestationFlowTests {
    static let runtime = Runtime([try! RuleSet(version: 1, modules: [BankModule(), StakingModule(), PingModule()])])
    static let device = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-flow-device".utf8)).bytes)
    static let other = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-flow-other".utf8)).bytes)

    static func hex(_ a: Attestation) -> JSONValue { .string(Hex.prefixed(a.canonicalBytes)) }

    @Test func submittedAttestationsReachTheNextBlockWithTheirResults() async throws {
        let node = try TestNode(runtime: Self.runtime)
        defer { node.close() }
        let first = PingModule.attestation(chainID: TestNode.chainID, Self.device, 1)
        let id = try await node.result("attest_submit", [Self.hex(first)])
        #expect(id == .string(first.id.hex))
        #expect(await node.attestations.count == 1)

        func reason(_ params: JSONValue) async throws -> (Int64?, String?) {
            let response = try await node.call("attest_submit", params)
            return (response["error"]?["code"]?.integerValue, response["error"]?["data"]?["reason"]?.stringValue)
        }
        let code = Int64(RPCErrorCode.attestationRejected.rawValue)
        #expect(try await reason([Self.hex(first)]) == (code, "already_pending"))
        #expect(try await reason([Self.hex(PingModule.attestation(chainID: TestNode.chainID, Self.device, 2, signer: Self.other))])
                == (code, "bad_signature"))
        #expect(try await reason([Self.hex(PingModule.attestation(chainID: "other-chain", Self.device, 3))]) == (code, "bad_signature"))
        #expect(try await reason([Self.hex(Attestation(tag: 5, body: []))]) == (code, "unknown_attestation"))
        #expect(try await reason([.string("0x00ff")]) == (code, "malformed_attestation"))
        #expect(try await reason(["zz"]).0 == Int64(RPCErrorCode.invalidParams.rawValue))

        let block = try #require(try await node.produceBlock())
        #expect(block.attestations == [first])
        #expect(await node.attestations.count == 0, "a committed attestation leaves the pool")
        let shown = try await node.result("chain_getBlock", [1])
        #expect(shown["attestations"]?[0]?["id"] == .string(first.id.hex))
        let results = try await node.result("chain_getBlockResults", [1])
        #expect(results["attestations"]?[0]?["events"]?[0]?["kind"] == "ping")
        // Committed, it is now stale: the module's rule refuses a replay.
        #expect(try await reason([Self.hex(first)]) == (code, "stale_ping"))
    }

    @Test func theStandardRuntimeTakesCoverageAttestationsAndNamesWhatIsWrong() async throws {
        let node = try TestNode()
        defer { node.close() }
        func reason(_ attestation: Attestation) async throws -> String? {
            let response = try await node.call("attest_submit", [Self.hex(attestation)])
            #expect(response["error"]?["code"]?.integerValue == Int64(RPCErrorCode.attestationRejected.rawValue))
            return response["error"]?["data"]?["reason"]?.stringValue
        }
        // Tags 0–2 are coverage's, storage's and energy's: an empty body does not decode; tag 3 belongs to no module.
        #expect(try await reason(Attestation(tag: 0, body: [])) == "malformed_attestation")
        #expect(try await reason(Attestation(tag: 1, body: [])) == "malformed_attestation")
        #expect(try await reason(Attestation(tag: 3, body: [])) == "unknown_attestation")
        // A well-formed beacon report of a height that challenged nobody (no hotspot is located).
        let key = PrivateKey.generate()
        let id = Beacon.id(height: 1, challengee: key.address)
        let report = CoverageAttestation(challengeHeight: 1, challengee: key.address, reportTime: 5,
                                         reportSignature: key.sign(digest: CoverageAttestation.reportDigest(chainID: TestNode.chainID, beaconID: id, time: 5)),
                                         receipts: [])
        #expect(try await reason(report.attestation) == "challenge_not_yet_final")
    }
}
