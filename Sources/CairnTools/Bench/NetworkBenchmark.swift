#if canImport(Glibc)
import Glibc
#endif
import CairnCore
import CairnCrypto
import CairnRPC
import Foundation

/// `cairn bench network`: committed throughput and finality latency of real validators, each a
/// `cairn start` process on loopback, under a fixed-rate open-loop load of pre-signed transfers.
public struct NetworkBenchmark: Sendable {
    public struct Options: Sendable {
        public var validators = 4
        /// Offered transactions per second.
        public var rate = 1_000
        /// Measured seconds, after the warm-up.
        public var durationSeconds = 20
        public var warmupSeconds = 3
        public var accounts = 400
        public var blockIntervalMilliseconds = 100
        /// Keep the localnet directory (node homes and logs) instead of removing it.
        public var keep = false
        public var cores = ProcessInfo.processInfo.activeProcessorCount
        /// The `cairn` executable to start nodes with.
        public var executable = DetachedProcess.currentExecutable()

        public init() {}
    }

    public typealias Error = BenchmarkError

    public let options: Options
    public init(options: Options) { self.options = options }

    static let chainID = "cairn-bench-net"
    /// Each account beyond the localnet's test accounts is given this much by a test account.
    static let extraAccountFunding: Amount = 1_000 * AmountFormat.unit

    public func run(log: @Sendable (String) -> Void = { print($0) }) async throws -> NetworkBenchmarkReport {
        let o = options
        precondition(o.validators > 0 && o.rate > 0 && o.durationSeconds > 0 && o.warmupSeconds >= 0 && o.accounts > 0)
        let total = o.rate * (o.warmupSeconds + o.durationSeconds)
        let schedule = FixedRateSchedule(rate: o.rate, total: total, accounts: o.accounts, nodes: o.validators)
        let testAccounts = min(o.accounts, LocalnetSpec(validators: 1).testAccountsLimit)
        let loadBefore = Self.loadAverage()

        var attempt = 0
        var recover: RecoverRate?
        while true {
            attempt += 1
            let directory = NSTemporaryDirectory() + "cairn-bench-network-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let base = try Self.freeBasePort(ports: 2 * o.validators)
            let spec = LocalnetSpec(validators: o.validators, chainID: Self.chainID, basePort: base,
                                    blockIntervalMilliseconds: o.blockIntervalMilliseconds, testAccounts: testAccounts)
            log("localnet: \(o.validators) validators, ports \(base)…\(base + 2 * o.validators - 1), block interval \(o.blockIntervalMilliseconds) ms, in \(directory)")
            let localnet = try Localnet.generate(spec: spec, directory: directory)
            var cleanup = Cleanup(localnet: localnet, keep: o.keep)
            let interrupt = InterruptCleanup(localnet: localnet, keep: o.keep)
            defer { interrupt.cancel() }
            do {
                let keys = try Self.accountKeys(localnet, count: o.accounts)
                log("signing \(total) transfers (\(o.rate)/s × \(o.warmupSeconds + o.durationSeconds) s) from \(o.accounts) accounts on \(o.cores) cores…")
                let firstNonces = Self.fundingTransfers(accounts: o.accounts, funded: testAccounts).map(UInt64.init)
                let signed = try await Self.sign(schedule: schedule, keys: keys, firstNonces: firstNonces, cores: o.cores)
                if recover == nil {
                    log("measuring the libsecp256k1 recover rate (nodes not started yet)…")
                    recover = try await RecoverRate.measure(signed.transactions, cores: o.cores)
                }
                log("starting \(o.validators) nodes (\(o.executable) start --home …)…")
                do {
                    _ = try await LocalnetRunner.start(localnet, executable: o.executable, timeout: .seconds(60))
                } catch {
                    guard attempt < 3 else { throw error }
                    log("start failed (\(error)); retrying on other ports")
                    await cleanup.run(log: log, forceRemove: true)
                    continue
                }
                let clients = localnet.nodes.map { JSONRPCClient(url: localnet.rpcURL($0)) }
                try await Self.waitForHeight(2, clients: clients, timeout: .seconds(60))
                if o.accounts > testAccounts {
                    log("funding \(o.accounts - testAccounts) accounts beyond the localnet's \(testAccounts) test accounts (LocalnetSpec allows at most \(testAccounts))…")
                    try await Self.fundExtraAccounts(keys: keys, funded: testAccounts, schedule: schedule, clients: clients)
                }
                log("offering \(o.rate) tx/s for \(o.warmupSeconds) s warm-up + \(o.durationSeconds) s measured…")
                let run = try await Self.drive(schedule: schedule, signed: signed, clients: clients, localnet: localnet, options: o)
                let report = NetworkBenchmarkReport(options: o, schedule: schedule, signed: signed, run: run,
                                                    recover: recover!, loadBefore: loadBefore, loadAfter: Self.loadAverage(),
                                                    directory: localnet.directory)
                await cleanup.run(log: log)
                return report
            } catch {
                await cleanup.run(log: log)
                throw error
            }
        }
    }

    // MARK: Accounts and signing

    /// The localnet's test accounts, then deterministic extra keys for accounts beyond them.
    static func accountKeys(_ localnet: Localnet, count: Int) throws -> [PrivateKey] {
        guard let data = FileManager.default.contents(atPath: localnet.accountsFile) else {
            throw Error("cannot read \(localnet.accountsFile)")
        }
        let file = try JSONDecoder().decode(Localnet.AccountsFile.self, from: data)
        var keys = try file.accounts.map { try PrivateKey(hex: $0.private_key) }
        var i = 0
        while keys.count < count {
            keys.append(try PrivateKey(bytes: Hash32.sha256(Array("cairn-bench-network-account-\(i)".utf8)).bytes))
            i += 1
        }
        return Array(keys.prefix(count))
    }

    struct Signed: Sendable {
        var transactions: [Transaction]
        /// `tx_send`'s parameter for each, prepared before the clock starts.
        var raw: [JSONValue]
        var ids: [Hash32]
    }

    /// How many funding transfers each account sends before the load (account e ≥ `funded` is
    /// funded by account e % `funded`), hence the nonce its first load transaction carries.
    static func fundingTransfers(accounts: Int, funded: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: accounts)
        for extra in funded..<max(funded, accounts) { counts[extra % funded] += 1 }
        return counts
    }

    /// Transaction i: account i % A pays 1 base unit to the next account, nonce
    /// `firstNonces[account]` + i / A, the minimum fee. Signed on `cores` tasks.
    static func sign(schedule: FixedRateSchedule, keys: [PrivateKey], firstNonces: [UInt64], cores: Int) async throws -> Signed {
        let addresses = keys.map(\.address)
        let total = schedule.total
        let parts = try await withThrowingTaskGroup(of: (Int, [Transaction], [JSONValue], [Hash32]).self) { group in
            for worker in 0..<cores {
                group.addTask {
                    let range = (total * worker / cores)..<(total * (worker + 1) / cores)
                    var txs: [Transaction] = [], raw: [JSONValue] = [], ids: [Hash32] = []
                    txs.reserveCapacity(range.count); raw.reserveCapacity(range.count); ids.reserveCapacity(range.count)
                    for i in range {
                        let from = schedule.account(of: i)
                        let tx = UnsignedTransaction(chainID: chainID, nonce: firstNonces[from] + schedule.nonce(of: i), fee: Localnet.minimumFee,
                                                     operation: .transfer(to: addresses[(from + 1) % addresses.count], amount: 1))
                            .signed(with: keys[from])
                        let bytes = tx.canonicalBytes
                        txs.append(tx)
                        raw.append(.string(Hex.prefixed(bytes)))
                        ids.append(Transaction.id(ofEncoding: bytes))
                    }
                    return (worker, txs, raw, ids)
                }
            }
            var parts: [(Int, [Transaction], [JSONValue], [Hash32])] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }
        }
        return Signed(transactions: parts.flatMap(\.1), raw: parts.flatMap(\.2), ids: parts.flatMap(\.3))
    }

    /// Each account beyond the first `funded` receives `extraAccountFunding` from test account
    /// (index % funded); returns once every node has committed all of it.
    static func fundExtraAccounts(keys: [PrivateKey], funded: Int, schedule: FixedRateSchedule, clients: [JSONRPCClient]) async throws {
        let planned = fundingTransfers(accounts: keys.count, funded: funded)
        var perFunder = [Int](repeating: 0, count: funded)
        var byNode = [[JSONValue]](repeating: [], count: clients.count)
        for extra in funded..<keys.count {
            let funder = extra % funded
            let tx = UnsignedTransaction(chainID: chainID, nonce: UInt64(perFunder[funder]), fee: Localnet.minimumFee,
                                         operation: .transfer(to: keys[extra].address, amount: extraAccountFunding))
                .signed(with: keys[funder])
            perFunder[funder] += 1
            byNode[schedule.node(of: funder)].append(.string(Hex.prefixed(tx.canonicalBytes)))
        }
        for (node, raws) in byNode.enumerated() {
            for start in stride(from: 0, to: raws.count, by: NetworkLoad.maxBatch) {
                let calls = raws[start..<min(raws.count, start + NetworkLoad.maxBatch)].map {
                    (method: "tx_send", params: Optional(JSONValue.object(["tx": $0])))
                }
                for case .failure(let error) in try await clients[node].batch(calls) {
                    throw Error("funding transfer refused by node\(node): \(error)")
                }
            }
        }
        precondition(Array(planned.prefix(funded)) == perFunder, "funding nonces must match the signed load")
        let funders = (0..<funded).filter { perFunder[$0] > 0 }
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var height: Int64 = 0
        while true {
            let calls = funders.map { (method: "state_getAccount", params: Optional(JSONValue.object(["address": .string(keys[$0].address.checksummed)]))) }
            var done = true
            for (funder, outcome) in zip(funders, try await clients[0].batch(calls)) {
                guard case .success(let account) = outcome, let nonce = account["nonce"]?.integerValue,
                      nonce >= perFunder[funder] else { done = false; break }
                height = max(height, account["height"]?.integerValue ?? 0)
            }
            if done { break }
            guard ContinuousClock.now < deadline else { throw Error("the funding transfers were not committed within 60 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Every node must hold the funds before its share of the load arrives.
        try await waitForHeight(height, clients: clients, timeout: .seconds(30))
    }

    // MARK: Nodes

    static func height(_ client: JSONRPCClient) async throws -> Int64 {
        guard let height = try await client.call("node_status", timeout: .seconds(5))["latest_height"]?.integerValue else {
            throw Error("node_status at \(client.url) has no latest_height")
        }
        return height
    }

    static func waitForHeight(_ target: Int64, clients: [JSONRPCClient], timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        for client in clients {
            while true {
                if let h = try? await height(client), h >= target { break }
                guard ContinuousClock.now < deadline else { throw Error("\(client.url) did not reach height \(target) within \(timeout)") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// A base port whose `ports` consecutive ports can all be bound on 127.0.0.1 right now.
    static func freeBasePort(ports: Int) throws -> Int {
        for _ in 0..<50 {
            let base = Int.random(in: 20_000...(60_000 - ports))
            if (base..<(base + ports)).allSatisfy(canBind) { return base }
        }
        throw Error("found no \(ports) consecutive free loopback ports between 20000 and 60000")
    }

    static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// /proc/loadavg's first three fields, for the report (the machine may be shared).
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// Stops the nodes (SIGTERM, then SIGKILL after 10 s) and removes the directory unless kept.
    struct Cleanup {
        let localnet: Localnet
        let keep: Bool
        var done = false

        mutating func run(log: (String) -> Void, forceRemove: Bool = false) async {
            guard !done else { return }
            done = true
            do {
                let stopped = try await LocalnetRunner.stop(localnet, grace: .seconds(10))
                let killed = stopped.filter(\.killed).map(\.node.name)
                if !killed.isEmpty { log("killed after 10 s without exiting: \(killed.joined(separator: ", "))") }
            } catch {
                log("stopping the nodes: \(error)")
            }
            if keep && !forceRemove {
                log("kept \(localnet.directory) (node logs in node*/node.log)")
            } else {
                try? FileManager.default.removeItem(atPath: localnet.directory)
            }
        }
    }
}

extension LocalnetSpec {
    /// The most test accounts `LocalnetSpec.validate` accepts.
    var testAccountsLimit: Int {
        var probe = self
        var low = 0, high = 1_000_000
        while low < high {
            let mid = (low + high + 1) / 2
            probe.testAccounts = mid
            if (try? probe.validate()) != nil { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

extension NetworkBenchmark {
    /// Everything recorded while the clock ran, in microseconds after the start.
    struct RunData: Sendable {
        var senders: [NetworkLoad.SenderResult]
        var blocks: [NetworkLoad.SeenBlock]
        var seen: [Hash32: Int64]
        var pollErrors: [String: Int]
        /// node0's metrics at the start and the end of the measured window, when it answered.
        var metricsAtWindowStart: NodeMetricsSnapshot?
        var metricsAtWindowEnd: NodeMetricsSnapshot?
        /// Whether every accepted transaction was seen committed before the drain deadline.
        var drained: Bool
    }

    static let drainTimeout: Duration = .seconds(15)

    /// Starts the observer, runs one sender per node until the schedule is exhausted, then waits
    /// (up to 15 s) for the accepted transactions to commit.
    static func drive(schedule: FixedRateSchedule, signed: Signed, clients: [JSONRPCClient], localnet: Localnet,
                      options: Options) async throws -> RunData {
        let latest = try await clients[0].call("chain_getBlock", ["block": "latest"], timeout: .seconds(10))
        guard let startHeight = latest["header"]?["height"]?.integerValue else {
            throw Error("chain_getBlock latest at \(clients[0].url) has no header.height")
        }
        let start = ContinuousClock.now.advanced(by: .milliseconds(20))
        let commits = NetworkLoad.CommitLog()
        let observerURL = clients[0].url
        let observer = Task { await NetworkLoad.observe(url: observerURL, after: startHeight, start: start, into: commits) }
        let metricsPort = localnet.nodes[0].rpc_port
        let window = (start: Duration.seconds(options.warmupSeconds), end: Duration.seconds(options.warmupSeconds + options.durationSeconds))
        let metrics = Task { () -> (NodeMetricsSnapshot?, NodeMetricsSnapshot?) in
            try? await Task.sleep(until: start.advanced(by: window.start), clock: .continuous)
            let first = NodeMetricsSnapshot.fetch(port: metricsPort)
            try? await Task.sleep(until: start.advanced(by: window.end), clock: .continuous)
            return (first, NodeMetricsSnapshot.fetch(port: metricsPort))
        }
        let raw = signed.raw
        let senders = await withTaskGroup(of: (Int, NetworkLoad.SenderResult).self) { group in
            for (node, client) in clients.enumerated() {
                let url = client.url
                group.addTask { (node, await NetworkLoad.send(node: node, url: url, schedule: schedule, rawTransactions: raw, start: start)) }
            }
            var results: [(Int, NetworkLoad.SenderResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let accepted = senders.reduce(0) { $0 + $1.accepted.count(where: { $0 }) }
        let deadline = ContinuousClock.now.advanced(by: drainTimeout)
        var drained = false
        while ContinuousClock.now < deadline {
            if await commits.seen.count >= accepted { drained = true; break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        observer.cancel()
        await observer.value
        let (windowStart, windowEnd) = await metrics.value
        return RunData(senders: senders, blocks: await commits.blocks, seen: await commits.seen,
                       pollErrors: await commits.pollErrors, metricsAtWindowStart: windowStart,
                       metricsAtWindowEnd: windowEnd, drained: drained)
    }
}
