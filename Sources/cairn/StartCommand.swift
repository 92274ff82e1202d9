import ArgumentParser
import CairnNode

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run the node in the foreground (Ctrl-C or SIGTERM stops it cleanly).")

    @OptionGroup var home: HomeOption
    @OptionGroup var overrides: NodeOverrides

    func run() async throws {
        try await runNode(home: home.nodeHome, overrides: overrides)
    }
}
