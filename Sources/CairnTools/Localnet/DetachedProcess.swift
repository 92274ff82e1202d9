#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Starting and signalling node processes that outlive the `cairn` command that started them.
public enum DetachedProcess {
    /// glibc's POSIX_SPAWN_SETSID (spawn.h, behind _GNU_SOURCE, so not imported into Swift).
    private static let spawnSetsid: Int32 = 0x80

    /// Starts `executable` with `arguments` in a new session (so a Ctrl-C or hang-up of the
    /// terminal does not reach it), stdin from /dev/null and stdout+stderr appended to `logPath`.
    /// Returns its pid.
    public static func spawn(executable: String, arguments: [String], logPath: String) throws(LocalnetError) -> pid_t {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw LocalnetError("cannot run \(executable): not an executable file")
        }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Whatever this process blocks or ignores must not carry over: the node relies on
        // SIGTERM and SIGINT to shut down cleanly.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(spawnSetsid | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var environment = ProcessInfo.processInfo.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        environment.append(nil)
        defer { for p in environment { free(p) } }

        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environment)
        guard status == 0 else {
            throw LocalnetError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Whether `pid` is a live (not zombie) process whose command line contains `marker` — the
    /// marker (a node's home path) guards against a recycled pid naming someone else's process.
    public static func isRunning(_ pid: pid_t, marker: String) -> Bool {
        guard pid > 0 else { return false }
        reap(pid)
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            // The field after "(comm)" is the state; Z and X mean it has exited.
            let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
            if state == "Z" || state == "X" { return false }
        }
        if let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") {
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.contains(marker)
        }
        return true  // no /proc (not Linux): trust kill(0)
    }

    /// Sends `signal`; false if there is no such process.
    @discardableResult
    public static func signal(_ pid: pid_t, _ signal: Int32) -> Bool {
        kill(pid, signal) == 0
    }

    /// Collects the exit status of `pid` if it is our child and has exited, so it does not linger
    /// as a zombie (which `kill(pid, 0)` would still report as present). Harmless otherwise.
    static func reap(_ pid: pid_t) {
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }

    /// The absolute path of the running executable, for re-launching ourselves.
    public static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let argument0 = CommandLine.arguments[0]
        if argument0.hasPrefix("/") { return argument0 }
        return URL(fileURLWithPath: argument0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }
}
