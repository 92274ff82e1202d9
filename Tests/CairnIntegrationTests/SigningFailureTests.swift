import CairnRPC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A real devnet validator whose sign-state writes start failing: it stops producing blocks and
/// says why on `/health`, `node_status` and `/metrics`; once writes work again it carries on by
/// itself.
@Suite("Signing failure", .serialized)
struct SigningFailureTests {
    static func get(_ url: String) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func aValidatorThatCannotSignSaysSoAndRecovers() async throws {
        let home = temporaryDirectory("signing")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(
            ["devnet", "--home", home, "--genesis", NodeProcess.repoRoot + "/genesis/devnet.json",
             "--keys", NodeProcess.repoRoot + "/genesis/devnet-keys.json", "--block-interval-ms", "50"],
            logPath: home + "/node.log")
        defer { _ = node.terminate() }
        let rpc = node.client
        func height() async throws -> Int64 { try await rpc.call("node_status")["latest_height"]?.integerValue ?? -1 }
        _ = try await eventually("a first block") { try await height() >= 2 ? true : nil }
        #expect(try await Self.get(node.rpcURL + "/health").status == 200)
        #expect(try await rpc.call("node_status")["signing"]?["status"]?.stringValue == "ok")

        // Every write of the sign state fails from now on (its temporary file's name is taken by
        // a directory, which even root cannot open as a file).
        let blocker = home + "/data/sign_state.json.tmp"
        // The node may be writing that very temporary file right now (it renames it at once).
        _ = try await eventually("the blocking directory to be created", timeout: .seconds(10)) { () -> Bool? in
            (try? FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)) != nil ? true : nil
        }
        let health = try await eventually("/health to report the failure") { () async throws -> String? in
            let (status, body) = try await Self.get(node.rpcURL + "/health")
            return status == 503 ? body : nil
        }
        #expect(health.contains("signing_failed") && health.contains("sign_state.json.tmp"), "\(health)")
        let signing = try #require(try await rpc.call("node_status")["signing"])
        #expect(signing["status"]?.stringValue == "failing")
        #expect(signing["error"]?.stringValue?.contains("sign_state.json.tmp") == true, "\(signing)")
        let metrics = try await Self.get(node.rpcURL + "/metrics").body
        #expect(metrics.contains("cairn_consensus_signing_failing 1"), "\(metrics.prefix(2000))")
        // No block while it cannot sign (it is the only validator).
        let stalled = try await height()
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await height() == stalled)

        try FileManager.default.removeItem(atPath: blocker)
        _ = try await eventually("blocks after the write works again") { try await height() > stalled + 2 ? true : nil }
        #expect(try await Self.get(node.rpcURL + "/health").status == 200)
        #expect(try await rpc.call("node_status")["signing"]?["status"]?.stringValue == "ok")
        #expect(try await Self.get(node.rpcURL + "/metrics").body.contains("cairn_consensus_signing_failing 0"))
        #expect(node.log.contains("signing works again"))
    }
}
