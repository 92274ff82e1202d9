import CairnCore
import Foundation
import Testing

/// Runs `cairn ARGS`, feeding `input` to standard input, with `environment` added to this
/// process's environment; returns (exit status, stdout, stderr).
@discardableResult
func cairn(_ arguments: [String], input: String? = nil,
           environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: NodeProcess.binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// A suite that runs `cairn` as one wallet: every run gets the suite's environment (its
/// passphrase and a cheap keystore work factor).
protocol CLISuite {
    static var wallet: [String: String] { get }
}

extension CLISuite {
    /// `cairn ARGS` that must succeed: its standard output.
    func ok(_ arguments: [String], input: String? = nil) throws -> String {
        let run = try cairn(arguments, input: input, environment: Self.wallet)
        #expect(run.status == 0, "cairn \(arguments.joined(separator: " ")): \(run.err)")
        return run.out
    }

    func json(_ arguments: [String]) throws -> JSONValue { try JSONText.parse(try ok(arguments + ["--json"])) }

    /// `cairn ARGS` that must fail: its standard error.
    func refused(_ arguments: [String]) throws -> String {
        let run = try cairn(arguments, environment: Self.wallet)
        #expect(run.status != 0, "cairn \(arguments.joined(separator: " ")) should have failed: \(run.out)")
        return run.err
    }
}
