import CairnCore
import CairnCrypto
import CairnRPC

extension SimulationNode {
    /// Submits the attestations in order: for each, its id once the pool admitted it, or the
    /// pool's reason for refusing it.
    func submit(_ attestations: [Attestation]) async throws -> [Result<String, SubmissionRefusal>] {
        try await batch(attestations.map { ("attest_submit", ["attestation": .string(Hex.prefixed($0.canonicalBytes))]) }).map { outcome in
            switch outcome {
            case .success(let id): .success(id.stringValue ?? "")
            case .failure(let e): .failure(SubmissionRefusal(reason: Self.reason(e)))
            }
        }
    }

    /// Waits until every attestation of `ids` is in a block at or after `from`, or `blocks`
    /// blocks have passed; returns the height including each one found.
    func inclusions(of ids: Set<String>, from: UInt64, blocks: UInt64 = 20) async throws -> [String: UInt64] {
        var found: [String: UInt64] = [:]
        var next = from
        while found.count < ids.count, next <= from + blocks {
            let tip = try await wait(forHeight: next)
            let heights = Array(next...min(tip, from + blocks))
            let records = try await batchValues(heights.map { ("chain_getBlock", ["block": .integer(Int64($0))]) })
            for (height, block) in zip(heights, records) {
                for a in block["attestations"]?.arrayValue ?? [] {
                    if let id = a["id"]?.stringValue, ids.contains(id) { found[id] = height }
                }
            }
            next = heights.last! + 1
        }
        return found
    }
}

struct SubmissionRefusal: Error, Sendable {
    let reason: String
}
