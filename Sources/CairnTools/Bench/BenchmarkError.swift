/// Why a benchmark could not run or finish; the message says what failed.
public struct BenchmarkError: Swift.Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
}
