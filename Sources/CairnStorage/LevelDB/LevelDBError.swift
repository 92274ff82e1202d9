/// A failure reported by LevelDB or by the ``LevelDB`` wrapper.
///
/// LevelDB's C API reports every failure as a free-form message (the text of its internal
/// `Status`). The wrapper classifies those messages so that callers can react to the cases that
/// need different handling (another process holds the data directory, the database is missing,
/// the files are damaged) without parsing strings themselves.
public enum LevelDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another process, or another open ``LevelDB`` handle in this process, holds the lock file of
    /// the data directory at `path`. LevelDB allows one opener per directory.
    case locked(path: String)
    /// No database exists at `path` and ``LevelDB/Options/createIfMissing`` was `false` (or the
    /// directory could not be reached at all).
    case notFound(path: String)
    /// The on-disk files are damaged or inconsistent (LevelDB `Corruption` status, or a file that
    /// LevelDB's own metadata says must exist is missing). The message is LevelDB's.
    case corruption(String)
    /// The operating system failed a file operation (LevelDB `IO error` status). The message is
    /// LevelDB's and usually names the file and the errno text.
    case io(String)
    /// LevelDB rejected an argument or option, or the wrapper did (for example a negative option
    /// value, or a snapshot that belongs to another database).
    case invalidArgument(String)
    /// The handle was closed with ``LevelDB/close()``; nothing can be read or written through it.
    case closed

    /// Classifies a message produced by LevelDB's `Status::ToString()`.
    ///
    /// - Parameters:
    ///   - message: the text LevelDB wrote into `errptr`, e.g.
    ///     `"IO error: lock /x/LOCK: already held by process"`.
    ///   - path: the database directory the failing call was about; reported for `.locked` and
    ///     `.notFound` so the user sees the directory they configured rather than LevelDB's
    ///     internal file name.
    public init(leveldbMessage message: String, path: String) {
        // Lock failures: LevelDB 1.23 reports "IO error: lock <dir>/LOCK: already held by process"
        // when this process already holds the lock, and "IO error: lock <dir>/LOCK: <strerror>"
        // (EAGAIN/EACCES from fcntl) when another process does.
        if message.hasPrefix("IO error: lock ") && message.contains("LOCK:") {
            self = .locked(path: path)
        } else if message.contains("already held by process") {
            self = .locked(path: path)
        } else if message.contains("(create_if_missing is false)") {
            self = .notFound(path: path)
        } else if message.hasPrefix("NotFound: ") && message.contains("/LOCK:") {
            // The directory itself (or a parent) is missing, so LevelDB could not create its
            // lock file.
            self = .notFound(path: path)
        } else if let rest = Self.strip("Corruption: ", from: message) {
            self = .corruption(rest)
        } else if message.hasPrefix("NotFound: ") {
            // The C API turns a missing key into a NULL result, never into an error, so a
            // NotFound status means a file LevelDB needs is gone: the directory is damaged.
            self = .corruption(message)
        } else if let rest = Self.strip("Invalid argument: ", from: message) {
            self = .invalidArgument(rest)
        } else if let rest = Self.strip("Not implemented: ", from: message) {
            self = .invalidArgument("not implemented: " + rest)
        } else if let rest = Self.strip("IO error: ", from: message) {
            self = .io(rest)
        } else {
            self = .io(message)
        }
    }

    private static func strip(_ prefix: String, from message: String) -> String? {
        guard message.hasPrefix(prefix) else { return nil }
        return String(message.dropFirst(prefix.count))
    }

    public var description: String {
        switch self {
        case .locked(let path):
            return "The data directory \(path) is already in use by another process (or by another open "
                + "database handle in this process): LevelDB could not take the lock file \(path)/LOCK. "
                + "Stop the other cairn process or choose another --home."
        case .notFound(let path):
            return "No database exists at \(path) (the directory is missing or empty, and creating a "
                + "database was not allowed: createIfMissing is false). Check the path, or initialise "
                + "the data directory first."
        case .corruption(let message):
            return "The database files are corrupted: \(message). Restore the data directory from a "
                + "backup or delete it and resynchronise."
        case .io(let message):
            return "LevelDB I/O error: \(message)"
        case .invalidArgument(let message):
            return "Invalid LevelDB argument: \(message)"
        case .closed:
            return "The database has been closed; no further reads or writes are possible through this handle."
        }
    }
}
