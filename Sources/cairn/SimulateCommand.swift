import ArgumentParser
import CairnCore
import CairnCrypto
import CairnNode
import CairnTools
import Foundation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Drive simulated devices against a running node.",
        subcommands: [Coverage.self])

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

        @OptionGroup var client: ClientOptions
        @Option(help: "Hotspots in the fleet, cheaters and the cell farm included.") var hotspots = 2_000
        @Option(help: "Blocks whose challenges the fleet answers.") var blocks = 300
        @Option(help: "Seed of the fleet's keys, places and radio noise.") var seed: UInt64 = 1
        @Option(help: "Owner accounts the devices are spread over.") var owners = 8
        @Option(help: "Private key (0x-hex) of the funded account paying the owners (default: the devnet's first account).")
        var funderKey: String?
        @Option(help: "The maker's private key, 0x-hex (default: the devnet maker's).") var makerKey: String?
        @Option(help: "The maker's key file (as `cairn device new-key` writes), instead of --maker-key.") var makerKeyFile: String?
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
        @Flag(help: "Do not wait for the next epoch settlement (rewards then cover only epochs already settled).")
        var noSettlement = false

        func validate() throws {
            guard hotspots > 0, blocks > 0, owners > 0, farm >= 0 else {
                throw ValidationError("--hotspots, --blocks and --owners must be positive, --farm not negative")
            }
            guard makerKey == nil || makerKeyFile == nil else { throw ValidationError("give at most one of --maker-key and --maker-key-file") }
            _ = try place()
        }

        func place() throws -> (Double, Double) {
            let parts = centre.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let lat = parts[0], let lon = parts[1], abs(lat) <= 85, abs(lon) <= 180 else {
                throw ValidationError("--centre must be LAT,LON in decimal degrees within ±85°, ±180°, not '\(centre)'")
            }
            return (lat, lon)
        }

        func key(_ flag: String, _ hex: String) throws -> PrivateKey {
            do { return try PrivateKey(hex: hex) } catch { throw ValidationError("\(flag) must be a 32-byte private key in 0x-hex: \(error)") }
        }

        func options() throws -> CoverageSimulator.Options {
            var o = CoverageSimulator.Options()
            o.rpc = client.rpc
            o.blocks = blocks
            o.waitForSettlement = !noSettlement
            o.fleet.hotspots = hotspots
            o.fleet.seed = seed
            o.fleet.owners = owners
            o.fleet.farmSize = farm
            (o.fleet.centreLatitude, o.fleet.centreLongitude) = try place()
            o.fleet.shares = [.spoofer: spoofers, .fabricator: fabricators, .colluder: colluders, .inflated: inflated, .replayer: replayers,
                              .selfWitness: selfWitnesses, .late: late, .wrongFrequency: wrongFrequency, .unknownMaker: unknownMaker]
            if let funderKey { o.funder = try key("--funder-key", funderKey) }
            if let makerKey { o.maker = try key("--maker-key", makerKey) }
            if let makerKeyFile {
                do { o.maker = try KeyFile.read(makerKeyFile) } catch { throw ValidationError("--maker-key-file: \(error)") }
            }
            return o
        }

        func run() async throws {
            let json = client.json
            let simulator = CoverageSimulator(options: try options())
            let report: SimulationReport
            do {
                report = try await simulator.run { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
            } catch let error as SimulationError {
                throw UserError(error.description)
            }
            if json { print(JSONText.string(report.json)) } else { for line in report.lines { print(line) } }
        }
    }
}
