import AsyncHTTPClient
@testable import CairnNode
import Foundation
import Hummingbird
import Logging
import NIOCore
import Testing

@Suite("Prometheus metrics")
struct MetricsTests {
    /// The sample lines of the exposition text (no comments).
    static func samples(_ metrics: NodeMetrics) -> [String] {
        String(decoding: metrics.render(), as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    static func text(_ metrics: NodeMetrics) -> String { String(decoding: metrics.render(), as: UTF8.self) }

    @Test func freshRegistryRendersEveryFamilyWithItsType() {
        let text = Self.text(NodeMetrics())
        let types: [(String, String)] = [
            ("cairn_consensus_height", "gauge"), ("cairn_consensus_round", "gauge"),
            ("cairn_consensus_block_interval_seconds", "histogram"),
            ("cairn_consensus_block_transactions", "histogram"),
            ("cairn_consensus_committed_transactions_total", "counter"),
            ("cairn_consensus_step_duration_seconds", "histogram"),
            ("cairn_p2p_peers", "gauge"), ("cairn_mempool_transactions", "gauge"), ("cairn_mempool_bytes", "gauge"),
            ("cairn_blocksync_height", "gauge"), ("cairn_blocksync_target_height", "gauge"),
            ("cairn_blocksync_syncing", "gauge"), ("cairn_tx_finality_seconds", "histogram"),
        ]
        for (name, type) in types {
            #expect(text.contains("# TYPE \(name) \(type)\n"), "\(name) should be a \(type)")
            #expect(text.contains("# HELP \(name) "), "\(name) should have help text")
        }
        // Gauges exist from the start at 0, so dashboards never show "no data".
        #expect(Self.samples(NodeMetrics()).contains("cairn_p2p_peers{direction=\"inbound\"} 0.0"))
        #expect(Self.samples(NodeMetrics()).contains("cairn_consensus_height 0.0"))
    }

    @Test func blockCommittedSetsHeightCountsTransactionsAndObservesHistograms() {
        let metrics = NodeMetrics()
        metrics.blockCommitted(height: 7, transactions: 3, interval: .milliseconds(200))
        metrics.blockCommitted(height: 8, transactions: 0, interval: .seconds(2))
        metrics.blockCommitted(height: 9, transactions: 4, interval: nil)
        let s = Self.samples(metrics)
        #expect(s.contains { $0.hasPrefix("cairn_consensus_height 9") })
        #expect(s.contains { $0.hasPrefix("cairn_consensus_committed_transactions_total 7") })
        // Two intervals observed (the nil one is skipped), one of them at most 250 ms.
        #expect(s.contains("cairn_consensus_block_interval_seconds_count 2"))
        #expect(s.contains("cairn_consensus_block_interval_seconds_bucket{le=\"0.25\"} 1"))
        #expect(s.contains("cairn_consensus_block_interval_seconds_bucket{le=\"+Inf\"} 2"))
        #expect(s.contains("cairn_consensus_block_transactions_count 3"))
        #expect(s.contains("cairn_consensus_block_transactions_bucket{le=\"0.0\"} 1"))
        #expect(s.contains("cairn_consensus_block_transactions_bucket{le=\"5.0\"} 3"))
    }

    @Test func stepsAreLabelledAndUnknownStepsGoToOther() {
        let metrics = NodeMetrics()
        metrics.stepCompleted("prevote", duration: .milliseconds(30))
        metrics.stepCompleted("prevote", duration: .milliseconds(40))
        metrics.stepCompleted("bogus", duration: .milliseconds(1))
        let s = Self.samples(metrics)
        #expect(s.contains("cairn_consensus_step_duration_seconds_count{step=\"prevote\"} 2"))
        #expect(s.contains("cairn_consensus_step_duration_seconds_count{step=\"propose\"} 0"))
        #expect(s.contains("cairn_consensus_step_duration_seconds_count{step=\"other\"} 1"))
        #expect(!s.contains { $0.contains("bogus") })
    }

    @Test func gaugesFollowTheLatestCall() {
        let metrics = NodeMetrics()
        metrics.roundChanged(3)
        metrics.peersChanged(inbound: 2, outbound: 5)
        metrics.mempoolChanged(transactions: 12, bytes: 3456)
        metrics.syncProgress(height: 40, target: 100, syncing: true)
        metrics.finalityObserved(.milliseconds(700))
        var s = Self.samples(metrics)
        #expect(s.contains { $0.hasPrefix("cairn_consensus_round 3") })
        #expect(s.contains { $0.hasPrefix("cairn_p2p_peers{direction=\"inbound\"} 2") })
        #expect(s.contains { $0.hasPrefix("cairn_p2p_peers{direction=\"outbound\"} 5") })
        #expect(s.contains { $0.hasPrefix("cairn_mempool_transactions 12") })
        #expect(s.contains { $0.hasPrefix("cairn_mempool_bytes 3456") })
        #expect(s.contains { $0.hasPrefix("cairn_blocksync_height 40") })
        #expect(s.contains { $0.hasPrefix("cairn_blocksync_target_height 100") })
        #expect(s.contains { $0.hasPrefix("cairn_blocksync_syncing 1") })
        #expect(s.contains("cairn_tx_finality_seconds_bucket{le=\"0.5\"} 0"))
        #expect(s.contains("cairn_tx_finality_seconds_bucket{le=\"1.0\"} 1"))
        metrics.syncProgress(height: 100, target: 100, syncing: false)
        s = Self.samples(metrics)
        #expect(s.contains { $0.hasPrefix("cairn_blocksync_syncing 0") })
    }

    @Test func twoNodesInOneProcessKeepTheirOwnValues() {
        let a = NodeMetrics(), b = NodeMetrics()
        a.blockCommitted(height: 5, transactions: 1, interval: nil)
        b.blockCommitted(height: 9, transactions: 1, interval: nil)
        #expect(Self.samples(a).contains { $0.hasPrefix("cairn_consensus_height 5") })
        #expect(Self.samples(b).contains { $0.hasPrefix("cairn_consensus_height 9") })
    }

    @Test func servedOverHTTPWithThePrometheusContentType() async throws {
        let metrics = NodeMetrics()
        metrics.blockCommitted(height: 42, transactions: 2, interval: .milliseconds(100))
        let router = Router(context: BasicRequestContext.self)
        NodeMetrics.addRoute(to: router, metrics: metrics)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "metrics-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(response.headers["Content-Type"].first == NodeMetrics.contentType)
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(body.contains("cairn_consensus_height 42"))
            #expect(body.contains("# TYPE cairn_tx_finality_seconds histogram"))
            group.cancelAll()
        }
    }
}
