import CairnCore
import CairnRPC
import Foundation

/// The node the simulator drives, through JSON-RPC only.
struct SimulationNode: Sendable {
    let client: JSONRPCClient
    /// The node's default `rpc_max_batch_length`.
    static let batchLimit = 100

    init(url: String) { client = JSONRPCClient(url: url) }

    func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        do { return try await client.call(method, params, timeout: .seconds(60)) } catch {
            throw SimulationError("\(method): \(error)")
        }
    }

    /// The node's default `rpc_max_body_bytes` is 1 MiB; keep each request well below it.
    static let bodyLimit = 800_000

    /// Calls in order, at most `batchLimit` per request and `bodyLimit` bytes of parameters;
    /// one outcome per call.
    func batch(_ calls: [(String, JSONValue)]) async throws -> [Result<JSONValue, RPCError>] {
        var outcomes: [Result<JSONValue, RPCError>] = []
        outcomes.reserveCapacity(calls.count)
        var start = 0
        while start < calls.count {
            var end = start, bytes = 0
            while end < calls.count, end - start < Self.batchLimit {
                let size = JSONText.bytes(calls[end].1).count + 64
                if end > start, bytes + size > Self.bodyLimit { break }
                bytes += size
                end += 1
            }
            let chunk = calls[start..<end].map { (method: $0.0, params: Optional($0.1)) }
            do { outcomes += try await client.batch(chunk, timeout: .seconds(60)) } catch {
                throw SimulationError("\(chunk.first?.method ?? "batch") batch: \(error)")
            }
            start = end
        }
        return outcomes
    }

    /// As `batch`, but any error fails the whole step.
    func batchValues(_ calls: [(String, JSONValue)]) async throws -> [JSONValue] {
        try await batch(calls).enumerated().map { i, outcome in
            switch outcome {
            case .success(let v): return v
            case .failure(let e): throw SimulationError("\(calls[i].0): \(e.message)")
            }
        }
    }

    func tip() async throws -> UInt64 {
        guard let h = try await call("node_status", [:])["latest_height"]?.integerValue else {
            throw SimulationError("node_status returned no latest_height")
        }
        return UInt64(h)
    }

    /// Returns once `height` is committed (polling every 50 ms).
    func wait(forHeight height: UInt64, timeout: Duration = .seconds(120)) async throws -> UInt64 {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let tip = try await tip()
            if tip >= height { return tip }
            guard ContinuousClock.now < deadline else { throw SimulationError("height \(height) was not committed within \(timeout) (tip \(tip))") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Polls `done` every 200 ms until it holds.
    func wait(_ what: String, timeout: Duration = .seconds(180), until done: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while try await !done() {
            guard ContinuousClock.now < deadline else { throw SimulationError("\(what) did not happen within \(timeout)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
