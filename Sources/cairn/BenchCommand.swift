import ArgumentParser
import CairnNode
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures.",
        subcommands: [Transfers.self])

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
}
