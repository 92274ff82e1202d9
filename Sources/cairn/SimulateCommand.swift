import ArgumentParser
import CairnCore
import CairnCrypto
import CairnNode
import CairnTools
import Foundation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Drive simulated devices against a running node.",
        subcommands: [Coverage.self, Storage.self, Energy.self, All.self])

    /// What every simulation takes: the node, the seed, the keys paying for and vouching for the
    /// fleet, and whether to wait for a reward settlement.
    struct Common: ParsableArguments {
        @OptionGroup var client: ClientOptions
        @Option(help: "Seed of the fleet's keys, places, data and noise.") var seed: UInt64 = 1
        @Option(help: "Blocks the fleet works for (coverage: challenges answered; storage: blocks of proving; energy reports --hours instead).") var blocks = 300
        @Option(help: "Owner accounts a fleet's devices are spread over.") var owners = 8
        @Option(help: "Private key (0x-hex) of the funded account paying the owners (default: the devnet's first account).")
        var funderKey: String?
        @Option(help: "The maker's private key, 0x-hex (default: the devnet maker's).") var makerKey: String?
        @Option(help: "The maker's key file (as `cairn device new-key` writes), instead of --maker-key.") var makerKeyFile: String?
        @Flag(help: "Do not wait for the next epoch settlement (rewards then cover only epochs already settled).")
        var noSettlement = false

        func validate() throws {
            guard blocks > 0, owners > 0 else { throw ValidationError("--blocks and --owners must be positive") }
            guard makerKey == nil || makerKeyFile == nil else { throw ValidationError("give at most one of --maker-key and --maker-key-file") }
        }

        func key(_ flag: String, _ hex: String) throws -> PrivateKey {
            do { return try PrivateKey(hex: hex) } catch { throw ValidationError("\(flag) must be a 32-byte private key in 0x-hex: \(error)") }
        }

        func funder() throws -> PrivateKey { try funderKey.map { try key("--funder-key", $0) } ?? CoverageSimulator.devnetFunder }

        func maker() throws -> PrivateKey {
            if let makerKey { return try key("--maker-key", makerKey) }
            if let makerKeyFile {
                do { return try KeyFile.read(makerKeyFile) } catch { throw ValidationError("--maker-key-file: \(error)") }
            }
            return CoverageSimulator.devnetMaker
        }

        /// Runs a simulation with its progress on standard error; a simulation's own failure is
        /// the user's error, with its message.
        func run<R>(_ body: (@escaping @Sendable (String) -> Void) async throws -> R) async throws -> R {
            do {
                return try await body { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
            } catch let error as SimulationError {
                throw UserError(error.description)
            }
        }

        func print(lines: [String], json: JSONValue) {
            if client.json { Swift.print(JSONText.string(json)) } else { for line in lines { Swift.print(line) } }
        }
    }

    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A fleet of virtual hotspots doing proof-of-coverage, honest and cheating, through JSON-RPC.",
            discussion: """
            Places --hotspots hotspots around a city (a dense core and sparser countryside, honest ones at \
            least 320 m apart), funds a few owner accounts from --funder-key, onboards every hotspot through \
            the maker, asserts its location, then for --blocks blocks answers each challenge of one of its \
            hotspots with the challengee's report and the receipts a propagation model (free-space loss plus \
            a path-loss exponent, clutter and log-normal shadowing, never less loss than free space) and the \
            cheater classes produce. It then waits for an epoch settlement and prints, per class, the receipts \
            submitted, accepted and rejected by reason code, and the rewards. The same --seed gives the same \
            fleet and radio draws; run it against a fresh chain (a device key is onboarded once, ever). \
            Defaults are the devnet's public test keys (genesis/devnet-keys.json).
            """)

        @OptionGroup var common: Common
        @OptionGroup var coverage: CoverageArguments

        func run() async throws {
            let report = try await common.run { log in try await CoverageSimulator(options: try coverage.options(common)).run(log: log) }
            common.print(lines: report.lines, json: report.json)
        }
    }

    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A fleet of storage providers with real files on disk, proving their deals, honest and cheating, through JSON-RPC.",
            discussion: """
            Writes one file per deal (random content from --seed, sizes log-uniform between --min-file-size \
            and --max-file-size) to --data-dir, onboards --providers storage devices through the maker, \
            registers each one's capacity with its collateral, has client accounts propose a deal per file and \
            the providers' owners accept them, then every block answers each deal's challenge once drawn, by \
            reading the challenged chunks back from disk. Partial-loss providers lost --loss-fraction of each \
            file's chunks (zeroed on disk) and send nothing when a challenged chunk is gone; offline providers \
            never answer; wrong-file providers answer with the chunks of another file. It proves on until the \
            reward settlement after --blocks blocks and prints, per class, the proofs, the periods proven and \
            faulted by reason code (with the partial-loss fault rate against 1 − (1 − f)^c), the deals' \
            statuses and money, and the storage pool's rewards.
            """)

        @OptionGroup var common: Common
        @OptionGroup var storage: StorageArguments

        func run() async throws {
            let report = try await common.run { log in try await StorageSimulator(options: try storage.options(common)).run(log: log) }
            common.print(lines: report.lines, json: report.json)
        }
    }
}

extension SimulateCommand {
    struct Energy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A fleet of solar and wind meters reporting their readings, honest and cheating, through JSON-RPC.",
            discussion: """
            Places --meters meters around eight cities on both hemispheres, onboards them through the maker, \
            asserts their places and registers each with its nameplate and the minimum bond, then reports the \
            last --hours hours of 5-minute readings (slots that ended before the latest block's time, inside \
            the 2-day submission window) in hourly signed batches, one round an hour, gathered into \
            attestations as gateways would. Solar meters follow the sun's height at their place and season \
            with passing clouds; wind meters a gusty wind through a power curve. The cheaters: a turbine \
            bigger than its nameplate, a solar meter counting at night, a replayer, a meter reporting three \
            days back, one winding its register back, an equivocator (its second signed batch for an hour is \
            seen by the simulator's watcher, which reports it), and meters from an unknown maker. It waits \
            for the reward settlement and prints, per class, the readings submitted, accepted and rejected by \
            reason code, the energy, certificates, freezes and the energy pool's rewards.
            """)

        @OptionGroup var common: SimulateCommand.Common
        @OptionGroup var energy: EnergyArguments

        func run() async throws {
            let report = try await common.run { log in try await EnergySimulator(options: try energy.options(common)).run(log: log) }
            common.print(lines: report.lines, json: report.json)
        }
    }

    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Coverage, storage and energy fleets one after the other against one node, with one report.",
            discussion: """
            Runs `simulate coverage`, `simulate storage` and `simulate energy` in turn (each funds its own \
            owners from --funder-key, whose nonces one sender must keep in order) with the options of all \
            three, and prints their reports together.
            """)

        @OptionGroup var common: SimulateCommand.Common
        @OptionGroup var coverage: CoverageArguments
        @OptionGroup var storage: StorageArguments
        @OptionGroup var energy: EnergyArguments

        func run() async throws {
            let started = ContinuousClock.now
            var report = FleetReport()
            report.coverage = try await common.run { log in try await CoverageSimulator(options: try coverage.options(common)).run(log: log) }
            report.storage = try await common.run { log in try await StorageSimulator(options: try storage.options(common)).run(log: log) }
            report.energy = try await common.run { log in try await EnergySimulator(options: try energy.options(common)).run(log: log) }
            report.seconds = Double((ContinuousClock.now - started).components.seconds)
            common.print(lines: report.lines, json: report.json)
        }
    }
}

/// The energy fleet: meters, the hours they report and the cheaters.
struct EnergyArguments: ParsableArguments {
    @Option(help: "Meters, cheaters included.") var meters = 40
    @Option(help: "Hours of 5-minute readings reported (at most the submission window allows).") var hours = 24
    @Option(help: "Fraction of the honest meters that are solar; the rest are wind.") var solarShare = 0.6
    @Option(help: "Fraction of wind meters whose turbine is bigger than their nameplate.") var overCapacityMeters = 0.05
    @Option(help: "Fraction of solar meters counting energy at night.") var nightSolarMeters = 0.05
    @Option(help: "Fraction of meters sending each batch again two hours later.") var replayingMeters = 0.05
    @Option(help: "Fraction of meters reporting their readings three days back.") var backdatingMeters = 0.05
    @Option(help: "Fraction of wind meters winding their register back every six hours.") var decreasingMeters = 0.05
    @Option(help: "Fraction of meters signing two different readings for one slot.") var equivocatingMeters = 0.05
    @Option(help: "Fraction of meters signed by a maker the chain does not list.") var unknownMakerMeters = 0.05

    func validate() throws {
        guard meters > 0, hours > 0 else { throw ValidationError("--meters and --hours must be positive") }
        guard (0...1).contains(solarShare) else { throw ValidationError("--solar-share must be between 0 and 1") }
    }

    func options(_ common: SimulateCommand.Common) throws -> EnergySimulator.Options {
        var o = EnergySimulator.Options()
        o.rpc = common.client.rpc
        o.seed = common.seed
        o.owners = common.owners
        o.waitForSettlement = !common.noSettlement
        o.funder = try common.funder()
        o.maker = try common.maker()
        o.meters = meters
        o.hours = hours
        o.solarShare = solarShare
        o.shares = [.overCapacity: overCapacityMeters, .nightSolar: nightSolarMeters, .replayer: replayingMeters,
                    .backdated: backdatingMeters, .decreasing: decreasingMeters, .equivocator: equivocatingMeters,
                    .unknownMaker: unknownMakerMeters]
        return o
    }
}

/// The coverage fleet's size, place and cheaters.
struct CoverageArguments: ParsableArguments {
    @Option(help: "Hotspots in the fleet, cheaters and the cell farm included.") var hotspots = 2_000
    @Option(help: "Fraction of the fleet asserting a place 20–80 km from its radio, relaying what the radio hears.") var spoofers = 0.04
    @Option(help: "Fraction with no radio, fabricating receipts with invented RSSI.") var fabricators = 0.02
    @Option(help: "Fraction in colluding rooms of five radios asserting places 2–8 km apart.") var colluders = 0.025
    @Option(help: "Fraction reporting more RSSI than free space allows.") var inflated = 0.02
    @Option(help: "Fraction replaying an earlier beacon's packet hash.") var replayers = 0.02
    @Option(help: "Fraction witnessing their own beacons.") var selfWitnesses = 0.015
    @Option(help: "Fraction timing receipts after the receipt window.") var late = 0.015
    @Option(help: "Fraction reporting another channel or a frequency off the plan.") var wrongFrequency = 0.02
    @Option(help: "Fraction signed by a maker the chain does not list (onboarding refused).") var unknownMaker = 0.01
    @Option(help: "Hotspots of the cell farm, all in one resolution-8 cell.") var farm = 50
    @Option(help: "Centre of the fleet as LAT,LON in decimal degrees (default Zürich).") var centre = "47.3769,8.5417"

    func validate() throws {
        guard hotspots > 0, farm >= 0 else { throw ValidationError("--hotspots must be positive, --farm not negative") }
        _ = try place()
    }

    func place() throws -> (Double, Double) {
        let parts = centre.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lat = parts[0], let lon = parts[1], abs(lat) <= 85, abs(lon) <= 180 else {
            throw ValidationError("--centre must be LAT,LON in decimal degrees within ±85°, ±180°, not '\(centre)'")
        }
        return (lat, lon)
    }

    func options(_ common: SimulateCommand.Common) throws -> CoverageSimulator.Options {
        var o = CoverageSimulator.Options()
        o.rpc = common.client.rpc
        o.blocks = common.blocks
        o.waitForSettlement = !common.noSettlement
        o.funder = try common.funder()
        o.maker = try common.maker()
        o.fleet.hotspots = hotspots
        o.fleet.seed = common.seed
        o.fleet.owners = common.owners
        o.fleet.farmSize = farm
        (o.fleet.centreLatitude, o.fleet.centreLongitude) = try place()
        o.fleet.shares = [.spoofer: spoofers, .fabricator: fabricators, .colluder: colluders, .inflated: inflated, .replayer: replayers,
                          .selfWitness: selfWitnesses, .late: late, .wrongFrequency: wrongFrequency, .unknownMaker: unknownMaker]
        return o
    }
}

/// The storage fleet: providers, their deals and files, and the cheaters.
struct StorageArguments: ParsableArguments {
    @Option(help: "Storage providers, cheaters included.") var providers = 20
    @Option(help: "Deals (files) per provider.") var dealsPerProvider = 3
    @Option(help: "Client accounts proposing the deals.") var clients = 4
    @Option(help: "Fraction of providers that lost part of each file.") var partialLoss = 0.2
    @Option(help: "Fraction of each file's chunks a partial-loss provider lost.") var lossFraction = 0.25
    @Option(help: "Fraction of providers that never answer a challenge.") var offline = 0.1
    @Option(help: "Fraction of providers answering with the chunks of another file.") var wrongFile = 0.1
    @Option(help: "Smallest file, bytes.") var minFileSize: UInt64 = 64 << 10
    @Option(help: "Largest file, bytes.") var maxFileSize: UInt64 = 4 << 20
    @Option(help: "Price of one proving period of a deal: base units or CAIRN with a suffix.") var price = "0.01cairn"
    @Option(help: "Directory for the data files (default: a temporary one, removed afterwards).") var dataDir: String?
    @Flag(help: "Keep the data files after the run.") var keepData = false

    func validate() throws {
        guard providers > 0, dealsPerProvider > 0, clients > 0 else {
            throw ValidationError("--providers, --deals-per-provider and --clients must be positive")
        }
        guard (0...1).contains(lossFraction) else { throw ValidationError("--loss-fraction must be between 0 and 1") }
        guard minFileSize > 0, minFileSize <= maxFileSize else { throw ValidationError("--min-file-size must be positive and at most --max-file-size") }
    }

    func options(_ common: SimulateCommand.Common) throws -> StorageSimulator.Options {
        var o = StorageSimulator.Options()
        o.rpc = common.client.rpc
        o.seed = common.seed
        o.blocks = common.blocks
        o.owners = common.owners
        o.waitForSettlement = !common.noSettlement
        o.funder = try common.funder()
        o.maker = try common.maker()
        o.providers = providers
        o.dealsPerProvider = dealsPerProvider
        o.clients = clients
        o.shares = [.partialLoss: partialLoss, .offline: offline, .wrongFile: wrongFile]
        o.lossFraction = lossFraction
        o.minFileSize = minFileSize
        o.maxFileSize = maxFileSize
        do { o.pricePerPeriod = try AmountFormat.parse(price) } catch { throw ValidationError("--price: \(error)") }
        o.dataDirectory = dataDir
        o.keepData = keepData || dataDir != nil
        return o
    }
}
