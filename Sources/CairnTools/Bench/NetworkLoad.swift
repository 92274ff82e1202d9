import CairnState
import CairnCore
import CairnCrypto
import CairnRPC
import Foundation

/// The two sides of `cairn bench network` while the clock runs: one sender per node offering
/// its share of the schedule, and one observer noting when each transaction is first committed.
/// Times are microseconds after the start instant.
enum NetworkLoad {
    /// What one node's sender did.
    struct SenderResult: Sendable {
        /// Transaction indices this sender offered, in send order, with their send offsets.
        var indices: [Int] = []
        var sentMicroseconds: [Int64] = []
        var accepted: [Bool] = []
        /// Refusals by `data.reason` (or the error message when there is none).
        var rejections: [String: Int] = [:]
        var requests = 0
    }

    static let tickMicroseconds: Int64 = 10_000
    static let maxBatch = 100

    /// Every 10 ms, sends this node's transactions that have fallen due as JSON-RPC batches of
    /// `tx_send` (at most 100 per request), one request at a time so each account's nonces reach
    /// the node in order. A request that takes longer than a tick only delays the next send:
    /// what fell due meanwhile goes in the next batch, so the offered rate is kept on average.
    static func send(node: Int, url: String, schedule: FixedRateSchedule, rawTransactions: [JSONValue],
                     start: ContinuousClock.Instant) async -> SenderResult {
        let client = JSONRPCClient(url: url)
        let mine = schedule.indices(forNode: node)
        var result = SenderResult()
        result.indices.reserveCapacity(mine.count)
        result.sentMicroseconds.reserveCapacity(mine.count)
        result.accepted.reserveCapacity(mine.count)
        var next = 0
        while next < mine.count {
            let elapsed = BenchClock.microseconds(ContinuousClock.now - start)
            var due = next
            while due < mine.count, schedule.dueMicroseconds(mine[due]) <= elapsed { due += 1 }
            while next < due {
                let chunk = Array(mine[next..<min(due, next + maxBatch)])
                next += chunk.count
                let sentAt = BenchClock.microseconds(ContinuousClock.now - start)
                let calls = chunk.map { (method: "tx_send", params: Optional(JSONValue.object(["tx": rawTransactions[$0]]))) }
                result.requests += 1
                let outcomes: [Result<JSONValue, RPCError>]
                do {
                    outcomes = try await client.batch(calls, timeout: .seconds(20))
                } catch {
                    outcomes = Array(repeating: .failure(RPCError(code: 0, message: "transport: \(error)")), count: chunk.count)
                }
                for (index, outcome) in zip(chunk, outcomes) {
                    result.indices.append(index)
                    result.sentMicroseconds.append(sentAt)
                    switch outcome {
                    case .success:
                        result.accepted.append(true)
                    case .failure(let error):
                        result.accepted.append(false)
                        let reason = error.data?["reason"]?.stringValue ?? error.message
                        result.rejections[reason, default: 0] += 1
                    }
                }
            }
            let tick = (BenchClock.microseconds(ContinuousClock.now - start) / tickMicroseconds + 1) * tickMicroseconds
            try? await Task.sleep(until: start.advanced(by: .microseconds(tick)), clock: .continuous)
        }
        return result
    }

    /// One committed block as the observer saw it.
    struct SeenBlock: Sendable {
        var height: Int64
        /// Header time, milliseconds since the Unix epoch (set by the proposer).
        var timeMilliseconds: Int64
        var transactions: Int
        var seenMicroseconds: Int64
    }

    /// Commits seen so far; the benchmark asks it how far the commits have got while it drains.
    actor CommitLog {
        private(set) var blocks: [SeenBlock] = []
        private(set) var seen: [Hash32: Int64] = [:]
        private(set) var pollErrors: [String: Int] = [:]

        func record(_ block: SeenBlock, ids: [Hash32]) {
            blocks.append(block)
            for id in ids where seen[id] == nil { seen[id] = block.seenMicroseconds }
        }

        func recordError(_ message: String) { pollErrors[message, default: 0] += 1 }

        func count(of ids: [Hash32]) -> Int { ids.reduce(0) { $0 + (seen[$1] == nil ? 0 : 1) } }
    }

    static let pollInterval: Duration = .milliseconds(5)

    /// Asks one node for the block after the last one seen, every 5 ms (at once again after a
    /// hit, so a backlog is read without waiting), until cancelled. A miss is a -32001 answer
    /// of a few bytes, so the polling costs the node little.
    static func observe(url: String, after height: Int64, start: ContinuousClock.Instant, into log: CommitLog) async {
        let client = JSONRPCClient(url: url)
        var next = height + 1
        while !Task.isCancelled {
            do {
                let block = try await client.call("chain_getBlock", ["block": .integer(next), "full": false], timeout: .seconds(10))
                let seenAt = BenchClock.microseconds(ContinuousClock.now - start)
                let ids = (block["transactions"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { try? Hash32(hex: $0) } }
                await log.record(SeenBlock(height: next, timeMilliseconds: block["header"]?["time"]?.integerValue ?? 0,
                                           transactions: ids.count, seenMicroseconds: seenAt), ids: ids)
                next += 1
                continue
            } catch .rpc(let error) where error.code == -32001 {
                // Not committed yet.
            } catch {
                await log.recordError("\(error)")
            }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
