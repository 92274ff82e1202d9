import ArgumentParser
import CairnTools
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures.",
        subcommands: [Transfers.self, Network.self, Attestations.self, Storage.self, Energy.self])

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

    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Storage proofs verified and committed per second through an in-process node, beside the raw libsecp256k1 recovery rate.",
            discussion: """
            Onboards --providers storage devices, proposes and accepts --deals deals of --deal-size bytes (one data set),             then for --rounds periods signs each deal's proof off the clock, submits them to the attestation pool and             commits the block (timed). Every deal's faults are read back: a correct run has none.
            """)
        @Option(help: "Deals, each proved once a round.") var deals: Int = 2_000
        @Option(help: "Rounds (proving periods) measured.") var rounds: Int = 3
        @Option(help: "Provider devices the deals are spread over.") var providers: Int = 16
        @Option(help: "Deal size in MiB.") var dealSizeMib: UInt64 = 1_024
        @Option(help: "The storage parameter chunk_size: bytes per leaf (a power of two, 32 to 65536).") var chunkSize: UInt64 = 1_024
        @Option(help: "Cores to use (default: all).") var cores: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard deals > 0, rounds > 0, providers > 0, cores > 0, (1...65_536).contains(dealSizeMib) else {
                throw ValidationError("--deals, --rounds, --providers and --cores must be positive; --deal-size-mib 1 to 65536")
            }
            guard (32...65_536).contains(chunkSize), chunkSize & (chunkSize - 1) == 0 else {
                throw ValidationError("--chunk-size must be a power of two from 32 to 65536, not \(chunkSize)")
            }
        }

        func run() async throws {
            var options = StorageBenchmark.Options()
            options.deals = deals
            options.rounds = rounds
            options.providers = providers
            options.dealSize = dealSizeMib << 20
            options.chunkSize = chunkSize
            options.cores = cores
            let report = try await StorageBenchmark(options: options).run()
            print("")
            for line in report.lines { print(line) }
        }
    }

    struct Energy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hourly 12-slot meter batches verified and committed per second through an in-process node, beside the raw libsecp256k1 recovery rate.",
            discussion: """
            Onboards, locates and registers --meters wind meters through real transactions, then for --rounds hours \
            signs each meter's batch of twelve 5-minute readings off the clock (slots in the recent past, inside the \
            submission window), packs them into gateway attestations, submits those to the attestation pool and commits \
            the blocks (timed). Every reading's verdict is counted from state: a correct run rejects none.
            """)
        @Option(help: "Meters, each signing one batch a round.") var meters: Int = 20_000
        @Option(help: "Rounds (hours of readings) measured, 1 to 40.") var rounds: Int = 3
        @Option(help: "Owner accounts the meters are spread over.") var owners: Int = 100
        @Option(help: "Each meter's nameplate capacity in watts (at least 4788: the meters produce up to 399 Wh a slot).")
        var capacity: UInt64 = 5_000
        @Option(help: "Cores to use (default: all).") var cores: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard meters > 0, owners > 0, cores > 0 else { throw ValidationError("--meters, --owners and --cores must be positive") }
            guard (1...40).contains(rounds) else { throw ValidationError("--rounds must be 1 to 40 (the hours must fit the 2-day submission window)") }
            guard (4_788...5_000_000).contains(capacity) else { throw ValidationError("--capacity must be 4788 to 5000000 W, not \(capacity)") }
        }

        func run() async throws {
            var options = EnergyBenchmark.Options()
            options.meters = meters
            options.rounds = rounds
            options.owners = owners
            options.capacity = capacity
            options.cores = cores
            let report = try await EnergyBenchmark(options: options).run(log: { print($0); fflush(nil) })
            print("")
            for line in report.lines { print(line) }
        }
    }

    struct Attestations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Proof-of-coverage witness receipts verified and committed per second through an in-process node, beside the raw libsecp256k1 recovery rate.",
            discussion: """
            Onboards and locates --hotspots hotspots on a grid through real transactions, then after each committed \
            block signs one attestation per challengee with --witnesses receipts from its neighbours (not timed), \
            submits them to the attestation pool and commits the next block (timed), until --beacons beacons are \
            accepted. Every receipt's verdict is read back from state.
            """)
        @Option(help: "Hotspots to onboard and locate.") var hotspots: Int = 20_000
        @Option(help: "Accepted beacons (attestations) to commit.") var beacons: Int = 5_000
        @Option(help: "Receipts per attestation.") var witnesses: Int = 14
        @Option(help: "The coverage parameter challenges_per_block (1 to 1024).") var challengesPerBlock: Int = 1_024
        @Option(help: "Owner accounts the hotspots are spread over.") var owners: Int = 100
        @Option(help: "Metres between grid neighbours.") var spacing: Int = 1_500
        @Option(help: "Cores to use (default: all).") var cores: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard hotspots > 0, beacons > 0, owners > 0, cores > 0 else {
                throw ValidationError("--hotspots, --beacons, --owners and --cores must be positive")
            }
            guard (1...100).contains(witnesses), hotspots > witnesses else {
                throw ValidationError("--witnesses must be 1 to 100 (an attestation is at most 16 KiB) and below --hotspots")
            }
            guard (1...1_024).contains(challengesPerBlock) else { throw ValidationError("--challenges-per-block must be 1 to 1024") }
            guard (300...20_000).contains(spacing) else { throw ValidationError("--spacing must be 300 to 20000 metres (the witness distance rules)") }
        }

        func run() async throws {
            var options = AttestationBenchmark.Options()
            options.hotspots = hotspots
            options.beacons = beacons
            options.witnesses = witnesses
            options.challengesPerBlock = challengesPerBlock
            options.owners = owners
            options.spacingMetres = Double(spacing)
            options.cores = cores
            let report = try await AttestationBenchmark(options: options).run(log: { print($0); fflush(nil) })
            print("")
            for line in report.lines { print(line) }
        }
    }
}
