import Foundation
import Testing

/// scripts/install-deps.sh, devnet.sh and test.sh run against stand-ins for the system tools
/// placed first on PATH: each stand-in appends what it was asked to a log, so the tests see
/// exactly which commands ran, as whom and with which environment.
@Suite("Set-up scripts")
struct InstallScriptTests {
    static let packages = "libsecp256k1-dev libleveldb-dev"

    /// A directory of stand-ins, the only entry on PATH (besides the real tools linked into it).
    struct Sandbox {
        let dir = temporaryDirectory("scripts")
        var bin: String { dir + "/bin" }
        var logPath: String { dir + "/commands.log" }

        init(links tools: [String] = ["bash", "grep", "dirname"]) throws {
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            for tool in tools { try FileManager.default.createSymbolicLink(atPath: bin + "/" + tool, withDestinationPath: try Self.real(tool)) }
        }

        /// `tool`'s absolute path on the test process's PATH.
        static func real(_ tool: String) throws -> String {
            let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            guard let dir = dirs.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }) else {
                throw TestFailure("\(tool) is not on PATH")
            }
            return "\(dir)/\(tool)"
        }

        /// A shell script stand-in; `LOG` in `body` is the log file.
        func standIn(_ name: String, _ body: String) throws {
            let path = bin + "/" + name
            try ("#!/bin/sh\nLOG='\(logPath)'\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }

        /// dpkg-query answering for every package: installed or not.
        func dpkgQuery(installed: Bool) throws {
            try standIn("dpkg-query", installed ? "printf 'install ok installed'" : "exit 1")
        }

        /// apt-get recording its arguments and the DEBIAN_FRONTEND it sees; `id -u` answering `uid`;
        /// sudo recording itself and running the rest like the real one: the environment reset
        /// unless -E.
        func aptGetIdAndSudo(uid: Int, sudo: Bool) throws {
            try standIn("apt-get", #"echo "apt-get $* DEBIAN_FRONTEND=${DEBIAN_FRONTEND-unset}" >> "$LOG""#)
            try standIn("id", "if [ \"$1\" = -u ]; then echo \(uid); else exec '\(try Self.real("id"))' \"$@\"; fi")
            if sudo {
                try standIn("sudo", """
                    echo "sudo $*" >> "$LOG"
                    if [ "$1" = -E ]; then shift; exec "$@"; fi
                    exec '\(try Self.real("env"))' -i PATH="$PATH" "$@"
                    """)
            }
        }

        /// Runs `script` from `directory` with only the sandbox on PATH.
        func run(_ script: String, _ arguments: [String] = [], in directory: String? = nil) throws -> (status: Int32, output: String) {
            try runToEnd(NodeProcess.repoRoot + "/scripts/" + script, arguments, in: directory ?? dir,
                         environment: ["PATH": bin, "HOME": dir])
        }

        var commands: [String] {
            guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").map(String.init)
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// Runs install-deps.sh as `uid` with every package installed or none, sudo on PATH or not.
    static func install(uid: Int, installed: Bool = false, sudo: Bool = true) throws -> (status: Int32, output: String, commands: [String]) {
        let box = try Sandbox()
        defer { box.remove() }
        try box.dpkgQuery(installed: installed)
        try box.aptGetIdAndSudo(uid: uid, sudo: sudo)
        let result = try box.run("install-deps.sh")
        return (result.status, result.output, box.commands)
    }

    /// As root apt-get runs directly, as a user through `sudo -E`; either way apt-get sees
    /// DEBIAN_FRONTEND=noninteractive.
    @Test(arguments: [
        (0, ["apt-get update -qq DEBIAN_FRONTEND=noninteractive",
             "apt-get install -y -qq \(InstallScriptTests.packages) DEBIAN_FRONTEND=noninteractive"]),
        (1000, ["sudo -E apt-get update -qq",
                "apt-get update -qq DEBIAN_FRONTEND=noninteractive",
                "sudo -E apt-get install -y -qq \(InstallScriptTests.packages)",
                "apt-get install -y -qq \(InstallScriptTests.packages) DEBIAN_FRONTEND=noninteractive"]),
    ])
    func installsTheMissingPackages(uid: Int, expected: [String]) throws {
        let result = try Self.install(uid: uid)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.commands == expected)
    }

    @Test func installedPackagesRunNothing() throws {
        for uid in [0, 1000] {
            let result = try Self.install(uid: uid, installed: true)
            #expect(result.status == 0 && result.output.isEmpty && result.commands.isEmpty, "uid \(uid): \(result)")
        }
    }

    @Test func userWithoutSudoGetsAClearError() throws {
        let result = try Self.install(uid: 1000, sudo: false)
        #expect(result.status == 1)
        #expect(result.output.contains("error: \(Self.packages) must be installed, and sudo is not available to install them as "))
        #expect(result.output.contains("Run as root: apt-get update && apt-get install -y \(Self.packages)"))
        #expect(result.commands.isEmpty)
    }

    /// devnet.sh and test.sh work wherever they are started from: they build the repository they
    /// are in, and devnet.sh runs `cairn devnet` in the caller's directory (its relative paths are
    /// the caller's).
    @Test func scriptsRunFromAnyDirectory() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let elsewhere = box.dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try box.dpkgQuery(installed: true)
        try box.standIn("swift", """
            echo "swift $* (in $(pwd))" >> "$LOG"
            case "$*" in *--show-bin-path*) echo '\(box.bin)';; esac
            """)
        try box.standIn("cairn", #"echo "cairn $* (in $(pwd))" >> "$LOG""#)
        let root = NodeProcess.repoRoot

        let devnet = try box.run("devnet.sh", ["--home", "data"], in: elsewhere)
        #expect(devnet.status == 0, "\(devnet.output)")
        #expect(box.commands == [
            "swift build -c release --product cairn --package-path \(root) (in \(elsewhere))",
            "swift build -c release --package-path \(root) --show-bin-path (in \(elsewhere))",
            "cairn devnet --home data (in \(elsewhere))",
        ])

        try FileManager.default.removeItem(atPath: box.logPath)
        let tests = try box.run("test.sh", ["--filter", "Nothing"], in: elsewhere)
        #expect(tests.status == 0, "\(tests.output)")
        #expect(box.commands == [
            "swift build --build-tests (in \(root))",
            "swift test --skip-build --filter Nothing (in \(root))",
        ])
    }
}
