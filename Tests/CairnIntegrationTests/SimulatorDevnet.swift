import CairnCore
import Foundation
import Testing

/// A devnet process for the simulator tests: 200 ms blocks and the repository's devnet genesis
/// with some parameters records changed (`params[record][field] = value`), in its own directory.
struct SimulatorDevnet {
    let home: String
    let node: NodeProcess

    init(_ name: String, params: [String: [String: Any]]) async throws {
        home = temporaryDirectory(name)
        let data = try Data(contentsOf: URL(fileURLWithPath: NodeProcess.repoRoot + "/genesis/devnet.json"))
        var genesis = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var records = try #require(genesis["params"] as? [String: Any])
        for (record, fields) in params {
            var r = records[record] as? [String: Any] ?? [:]
            for (field, value) in fields { r[field] = value }
            records[record] = r
        }
        genesis["params"] = records
        let path = home + "/genesis.json"
        try JSONSerialization.data(withJSONObject: genesis, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        node = try await NodeProcess(
            ["devnet", "--home", home + "/node", "--genesis", path,
             "--keys", NodeProcess.repoRoot + "/genesis/devnet-keys.json", "--block-interval-ms", "200"],
            logPath: home + "/node.log")
    }

    func stop() {
        _ = node.terminate()
        try? FileManager.default.removeItem(atPath: home)
    }
}

/// A simulation's JSON report, with what a test reads of its classes.
struct SimulationOutput {
    let report: JSONValue
    /// The progress lines and the report, for failure messages.
    let summary: String

    init(_ run: (status: Int32, out: String, err: String), node: NodeProcess) throws {
        try #require(run.status == 0, "simulate failed:\n\(run.err)\n\(node.log.suffix(3_000))")
        report = try JSONText.parse(run.out)
        summary = "\(run.err)\n\(JSONText.string(report))"
    }

    func counts(_ c: String, _ field: String) -> [String: Int] {
        (report["classes"]?[c]?[field]?.objectValue ?? [:]).mapValues { Int($0.integerValue ?? 0) }
    }

    func int(_ c: String, _ field: String) -> Int { Int(report["classes"]?[c]?[field]?.integerValue ?? 0) }

    func amount(_ c: String, _ field: String) -> Amount { report["classes"]?[c]?[field]?.stringValue.flatMap { Amount($0) } ?? 0 }

    /// The rewards of every class: on a devnet where only the fleet works, what the pool paid.
    var rewarded: Amount { (report["classes"]?.objectValue ?? [:]).keys.map { amount($0, "rewarded") }.reduce(0, +) }

    var poolPaid: Amount { report["pool_paid"]?.stringValue.flatMap { Amount($0) } ?? 0 }
}
