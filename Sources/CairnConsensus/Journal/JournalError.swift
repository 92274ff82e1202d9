/// Why a journal operation failed.
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    case recordTooLarge(size: Int, max: Int)
    case storage(FileSystemError)

    public var description: String {
        switch self {
        case .recordTooLarge(let size, let max): "a consensus journal record of \(size) bytes is above the maximum of \(max)"
        case .storage(let error): "consensus journal: \(error)"
        }
    }
}
