#if canImport(Glibc)
import Glibc
#endif
import CairnNode
import Dispatch
import Foundation

/// While `cairn bench network` runs, a Ctrl-C (SIGINT) or SIGTERM must not leave the node
/// processes behind: they run in their own sessions, so the terminal's signal does not reach them.
/// The handler sends them SIGTERM, removes the directory unless it is kept, and exits.
final class InterruptCleanup: Sendable {
    // DispatchSource is thread-safe and is only resumed and cancelled here; it is not Sendable
    // in the Swift overlay, hence the nonisolated(unsafe) stored constants.
    private nonisolated(unsafe) let sources: [DispatchSourceSignal]

    init(localnet: Localnet, keep: Bool) {
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if let pids = try? LocalnetRunner.readPids(localnet) {
                    for entry in pids.nodes {
                        guard let node = localnet.nodes.first(where: { $0.name == entry.name }),
                              DetachedProcess.isRunning(entry.pid, marker: localnet.home(node).root) else { continue }
                        DetachedProcess.signal(entry.pid, SIGTERM)
                    }
                }
                if keep {
                    print("\ninterrupted; nodes sent SIGTERM; kept \(localnet.directory)")
                } else {
                    usleep(500_000)  // let the nodes close their databases before the files go
                    try? FileManager.default.removeItem(atPath: localnet.directory)
                    print("\ninterrupted; nodes sent SIGTERM; removed \(localnet.directory)")
                }
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Restores the default signal behaviour.
    func cancel() {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }
}
