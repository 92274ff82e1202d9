/// Why a localnet could not be generated, started, stopped or read. The message names the file,
/// node or flag to look at.
public struct LocalnetError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
