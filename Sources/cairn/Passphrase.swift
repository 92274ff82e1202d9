import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the keyring passphrase comes from: `--passphrase-file`, else `$CAIRN_PASSPHRASE`, else a
/// prompt on the terminal. Never a plain command-line argument, which other users can read in
/// the process list and which lands in shell history.
struct PassphraseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the keyring passphrase from the first line of this file.",
                               discussion: "Without it: $CAIRN_PASSPHRASE, else a prompt on the terminal."))
    var passphraseFile: String?

    /// Reads the passphrase. With `confirm` (a new keystore), a prompted passphrase is asked
    /// twice, because a typo would lock the key away for good.
    func read(for purpose: String, confirm: Bool) throws -> String {
        if let passphraseFile {
            guard let data = FileManager.default.contents(atPath: passphraseFile) else {
                throw UserError("cannot read the passphrase file \(passphraseFile)")
            }
            let text = String(decoding: data, as: UTF8.self)
            let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return try Self.nonEmpty(String(line.hasSuffix("\r") ? line.dropLast() : line), source: passphraseFile)
        }
        if let env = ProcessInfo.processInfo.environment["CAIRN_PASSPHRASE"] {
            return try Self.nonEmpty(env, source: "$CAIRN_PASSPHRASE")
        }
        let first = try Self.nonEmpty(try Terminal.readSecret(prompt: "Passphrase for \(purpose): "), source: "the prompt")
        if confirm {
            let second = try Terminal.readSecret(prompt: "Repeat the passphrase: ")
            guard first == second else { throw UserError("the two passphrases differ; nothing was written") }
        }
        return first
    }

    private static func nonEmpty(_ passphrase: String, source: String) throws -> String {
        guard !passphrase.isEmpty else {
            throw UserError("the passphrase from \(source) is empty; keys are only stored encrypted under a non-empty passphrase")
        }
        return passphrase
    }
}

/// Reading a secret from the controlling terminal with echo off. /dev/tty rather than standard
/// input, so `keys import` can take the private key on stdin and still prompt.
enum Terminal {
    static func readSecret(prompt: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw UserError("no terminal to ask for the passphrase: use --passphrase-file PATH or set CAIRN_PASSPHRASE")
        }
        defer { close(fd) }
        write(fd, prompt)
        var saved = termios()
        let isTerminal = tcgetattr(fd, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            EchoGuard.install(fd: fd, saved: saved)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if isTerminal {
                var restore = saved
                tcsetattr(fd, TCSAFLUSH, &restore)
                EchoGuard.remove()
                write(fd, "\n")
            }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
            guard bytes.count <= 4096 else { throw UserError("passphrase longer than 4096 bytes") }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func write(_ fd: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

/// Restores terminal echo if the user presses Ctrl-C (or the process is terminated) while a
/// passphrase prompt has it switched off; otherwise the shell would be left not echoing.
private enum EchoGuard {
    /// Written before the handlers are installed and only read by them afterwards; a signal
    /// handler cannot capture context, so the state has to be global.
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var saved = termios()
    static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    nonisolated(unsafe) static var previous: [__sighandler_t?] = []

    static func install(fd: Int32, saved: termios) {
        Self.fd = fd
        Self.saved = saved
        previous = signals.map { sig in
            signal(sig) { sig in
                var restore = EchoGuard.saved
                tcsetattr(EchoGuard.fd, TCSANOW, &restore)
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    static func remove() {
        for (sig, handler) in zip(signals, previous) { signal(sig, handler) }
    }
}
