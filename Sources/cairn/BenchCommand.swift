import ArgumentParser
import CairnTools
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures.",
        subcommands: [Transfers.self, Network.self])

    struct Transfers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Committed transfers per second through an in-process node, beside the raw libsecp256k1 recovery rate.")
        @Option(help: "Transfers to commit.") var txs: Int = 20_000
        @Option(help: "Sending accounts.") var accounts: Int = 200
        @Option(help: "Cores to use (default: all).") var cores: Int = ProcessInfo.processInfo.activeProcessorCount
        @Option(help: "Milliseconds between block starts.") var blockIntervalMs: Int = 100

        func validate() throws {
            guard txs > 0, accounts > 0, cores > 0, blockIntervalMs > 0 else {
                throw ValidationError("--txs, --accounts, --cores and --block-interval-ms must be positive")
            }
        }

        func run() async throws {
            let report = try await TransferBenchmark(transactions: txs, accounts: accounts, cores: cores,
                                                       blockInterval: .milliseconds(blockIntervalMs)).run()
            print("")
            for line in report.lines { print(line) }
        }
    }

    struct Network: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Committed throughput and finality latency of real validators on loopback under a fixed-rate load.",
            discussion: """
            Generates a localnet in a temporary directory, starts each validator as a separate `cairn start` \
            process, pre-signs rate × (warmup + duration) transfers, offers them at exactly --rate (every 10 ms, \
            as JSON-RPC batches of tx_send, each account's transactions to one node), and notes when each is \
            first committed by polling node0 every 5 ms. Figures are for the window after the warm-up.
            """)
        @Option(help: "Validators (one process each).") var validators: Int = 4
        @Option(help: "Offered transactions per second.") var rate: Int = 1_000
        @Option(help: "Measured seconds, after the warm-up.") var duration: Int = 20
        @Option(help: "Warm-up seconds (load offered, not measured).") var warmup: Int = 3
        @Option(help: "Sending accounts (the localnet funds 100; more are funded by them first).") var accounts: Int = 400
        @Option(help: "The nodes' block interval, milliseconds.") var blockIntervalMs: Int = 25
        @Option(help: "Cores for signing and the recover-rate measurement (default: all).") var cores: Int = ProcessInfo.processInfo.activeProcessorCount
        @Flag(help: "Keep the localnet directory (node homes and logs).") var keep = false

        func validate() throws {
            guard validators > 0, rate > 0, duration > 0, warmup >= 0, accounts > 0, blockIntervalMs > 0, cores > 0 else {
                throw ValidationError("--validators, --rate, --duration, --accounts, --block-interval-ms and --cores must be positive, --warmup not negative")
            }
            guard rate * (warmup + duration) <= 5_000_000 else {
                throw ValidationError("rate × (warmup + duration) must be at most 5,000,000 pre-signed transactions")
            }
        }

        func run() async throws {
            var options = NetworkBenchmark.Options()
            options.validators = validators
            options.rate = rate
            options.durationSeconds = duration
            options.warmupSeconds = warmup
            options.accounts = accounts
            options.blockIntervalMilliseconds = blockIntervalMs
            options.cores = cores
            options.keep = keep
            let report = try await NetworkBenchmark(options: options).run(log: { print($0); fflush(nil) })
            print("")
            for line in report.lines { print(line) }
        }
    }
}
