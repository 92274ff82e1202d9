#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system call that failed, with the path and the OS's reason.
public struct FileSystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String

    init(_ operation: String, _ path: String, errno code: Int32 = errno) {
        self.path = path
        self.operation = operation
        self.reason = String(cString: strerror(code))
    }

    public var description: String { "\(operation) \(path) failed: \(reason)" }
}

/// The POSIX steps that make a write survive a crash or power loss: data is on disk when fsync
/// returns, a rename of a synced file over another is atomic, and the rename itself is durable
/// once the directory is synced. Foundation's writes do not fsync, hence Glibc.
enum DurableFile {
    /// Replaces `path` with `bytes` atomically: write `path.tmp` (mode `mode`), fsync it, rename it
    /// over `path`, fsync the directory. A crash leaves either the old or the new content.
    /// Returns the open descriptor of the new file when `keepOpen` (for appending), else nil.
    @discardableResult
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600,
                        keepOpen: Bool = false) throws(FileSystemError) -> Int32? {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileSystemError("create", temporary) }
        do throws(FileSystemError) {
            // The umask may have removed bits; a key-related file must not be readable by others
            // whatever the umask, so set the mode explicitly.
            guard fchmod(fd, mode) == 0 else { throw FileSystemError("chmod", temporary) }
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw FileSystemError("fsync", temporary) }
            guard rename(temporary, path) == 0 else { throw FileSystemError("rename to \(path)", temporary) }
            try syncDirectory(of: path)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        if keepOpen { return fd }
        close(fd)
        return nil
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileSystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("write", path)
            }
            offset += n
        }
    }

    /// The whole file, or nil if it does not exist.
    static func contents(of path: String) throws(FileSystemError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileSystemError("open", path)
        }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Makes a rename or a file creation in the directory durable.
    static func syncDirectory(of path: String) throws(FileSystemError) {
        let dir = directory(of: path)
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError("open directory", dir) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileSystemError("fsync directory", dir) }
    }
}
