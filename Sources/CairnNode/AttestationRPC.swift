import CairnCore
import CairnCrypto
import CairnMempool
import CairnRPC

/// `attest_submit`: how devices (through their gateways) hand attestations to the chain.
struct AttestationRPC: Sendable {
    let gossip: AttestationGossip

    func register(in registry: inout RPCRegistry) throws {
        try registry.register(RPCMethod(
            name: "attest_submit",
            summary: "Submits an attestation (0x-hex canonical encoding: tag and body); returns its id once the attestation pool has admitted it.",
            params: [RPCParamSpec(name: "attestation", required: true, schema: RPCSchemas.transactionInput,
                                  description: "The attestation's canonical encoding.")],
            result: RPCResultSpec(name: "id", schema: RPCSchemas.transactionID),
            errors: [RPCErrorSpec(.attestationRejected, "the attestation was rejected; data.reason says why")],
            handler: { params in try await submit(params) }))
    }

    private func submit(_ params: RPCParams) async throws -> JSONValue {
        let raw: [UInt8]
        do { raw = try Hex.decode(try params.string("attestation", at: 0)) } catch let e as RPCError { throw e } catch {
            throw RPCError.invalidParams("parameter 'attestation': \(error)")
        }
        do {
            return .string(try await gossip.submit(encoded: raw).hex)
        } catch {
            throw RPCError.attestationRejected("\(error)", data: ["reason": .string(error.reason)])
        }
    }
}
