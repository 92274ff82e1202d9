import ArgumentParser

@main
struct Cairn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Cairn: a proof-of-stake chain for decentralized physical infrastructure.",
        subcommands: [
            DevnetCommand.self, LocalnetCommand.self, InitCommand.self, StartCommand.self, KeysCommand.self,
            TxCommand.self, QueryCommand.self, DeviceCommand.self, MakerCommand.self, CoverageCommand.self, StorageCommand.self, EnergyCommand.self, BenchCommand.self,
            SimulateCommand.self,
        ])
}
