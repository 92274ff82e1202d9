#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// The consensus write-ahead journal of the current height (Specs/validator-signing.md §5): the
/// node appends what it received, signed and timed out, and after a crash replays it to rebuild
/// the round state it had, instead of starting the height over and voting differently.
///
/// A class around a `Mutex` (like `ValidatorSigner`): appends are short blocking writes that must
/// not interleave. A torn or damaged tail (a crash mid-write) is cut off at the last intact record,
/// a damaged header replaces the whole file by an empty journal, and a file missing where one was
/// expected is recreated empty; each with one warning. None of them stops the node or needs an
/// operator.
public final class ConsensusJournal: Sendable {
    /// Large enough for a proposal with its block; larger records are refused when appended and
    /// treated as damage when read.
    public static let defaultMaxRecordSize = 16 << 20
    /// The conventional file name inside the node's data directory.
    public static let fileName = "consensus.journal"

    public let path: String
    public let maxRecordSize: Int
    private let logger: Logger

    private struct Open: ~Copyable {
        var fd: Int32
        /// Bytes of intact content; the next record is written here.
        var size: Int
        var height: UInt64
        deinit { close(fd) }
    }
    private let file: Mutex<Open>

    /// Opens `path`, creating an empty journal (height 0) if it does not exist, and cuts off a
    /// damaged tail. `expectExisting` says the file should be there (the node has committed
    /// blocks, so it opened a journal before): then a missing file is reported with a warning; for
    /// a new node it is created silently.
    public init(path: String, maxRecordSize: Int = ConsensusJournal.defaultMaxRecordSize,
                logger: Logger = Logger(label: "cairn.consensus.journal"),
                expectExisting: Bool = false) throws(JournalError) {
        precondition(maxRecordSize >= 0 && maxRecordSize <= Int(UInt32.max))
        self.path = path
        self.maxRecordSize = maxRecordSize
        self.logger = logger
        let (fd, scan) = try Self.openAndRecover(path: path, maxRecordSize: maxRecordSize, logger: logger,
                                                 expectExisting: expectExisting)
        file = Mutex(Open(fd: fd, size: scan.intactLength, height: scan.height ?? 0))
    }

    /// The height of the last `beginHeight`, 0 if none.
    public var height: UInt64 { file.withLock { $0.height } }

    /// Appends one record. With `sync`, it is on disk when this returns (use it for the node's
    /// own signed messages); without, a process crash keeps it but a power loss may not.
    public func append(_ record: [UInt8], sync: Bool) throws(JournalError) { try append(parts: [record], sync: sync) }

    /// Appends one record made of `parts` back to back, written part by part: a proposal's
    /// block can be megabytes, and joining it to its frame would copy it once more.
    public func append(parts: [[UInt8]], sync: Bool) throws(JournalError) {
        let size = parts.reduce(0) { $0 + $1.count }
        guard size <= maxRecordSize else { throw .recordTooLarge(size: size, max: maxRecordSize) }
        let pieces = [JournalFormat.frameHeader(parts)] + parts
        try file.withLock { (open: inout Open) throws(JournalError) in
            do throws(FileSystemError) {
                var offset = open.size
                for piece in pieces {
                    try Self.write(piece, to: open.fd, at: offset, path: path)
                    offset += piece.count
                }
                if sync, fdatasync(open.fd) != 0 { throw FileSystemError("fdatasync", path) }
            } catch {
                // Do not leave half a record for the next append to follow: cut back to the last
                // intact one (if even that fails, the next open cuts it).
                _ = ftruncate(open.fd, off_t(open.size))
                throw .storage(error)
            }
            open.size += pieces.reduce(0) { $0 + $1.count }
        }
    }

    /// Every intact record since the last `beginHeight`, in order. A damaged tail found now is
    /// cut off, as on open.
    public func replay() throws(JournalError) -> [[UInt8]] {
        try file.withLock { (open: inout Open) throws(JournalError) -> [[UInt8]] in
            let bytes: [UInt8]
            do throws(FileSystemError) {
                bytes = try Self.read(open.fd, path: path)
            } catch { throw .storage(error) }
            let scan = JournalFormat.scan(bytes, maxRecordSize: maxRecordSize)
            if let problem = scan.problem {
                guard scan.intactLength > 0 else {
                    // The header itself is damaged: nothing can be trusted; start an empty journal.
                    let fresh = try Self.createFresh(path: path, height: 0)
                    Self.warnDiscarded(logger, path: path, size: bytes.count, problem: problem)
                    open = Open(fd: fresh, size: JournalFormat.headerSize, height: 0)
                    return []
                }
                try Self.truncate(open.fd, to: scan.intactLength, path: path)
                Self.warnCut(logger, path: path, scan: scan, dropped: bytes.count - scan.intactLength, problem: problem)
            }
            open.size = scan.intactLength
            return scan.records
        }
    }

    /// Durably replaces the journal by an empty one for height `h`: the records of the previous
    /// height are no longer needed once its block is committed.
    public func beginHeight(_ h: UInt64) throws(JournalError) {
        try file.withLock { (open: inout Open) throws(JournalError) in
            let fresh = try Self.createFresh(path: path, height: h)
            open = Open(fd: fresh, size: JournalFormat.headerSize, height: h)
        }
    }

    // MARK: - File handling

    private static func openAndRecover(path: String, maxRecordSize: Int, logger: Logger,
                                       expectExisting: Bool) throws(JournalError) -> (Int32, JournalFormat.Scan) {
        let empty = JournalFormat.Scan(height: 0, records: [], intactLength: JournalFormat.headerSize)
        let fd = open(path, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            guard errno == ENOENT else { throw .storage(FileSystemError("open", path)) }
            let fresh = try createFresh(path: path, height: 0)
            if expectExisting {
                logger.warning("consensus journal \(path): the file is missing although this node has committed blocks (deleted or lost?); created an empty journal (height 0), so what the node journaled for the current height is forgotten")
            }
            return (fresh, empty)
        }
        let bytes: [UInt8]
        do throws(FileSystemError) { bytes = try read(fd, path: path) } catch {
            close(fd)
            throw .storage(error)
        }
        let scan = JournalFormat.scan(bytes, maxRecordSize: maxRecordSize)
        guard let problem = scan.problem else { return (fd, scan) }
        guard scan.intactLength > 0 else {
            close(fd)
            let fresh = try createFresh(path: path, height: 0)
            warnDiscarded(logger, path: path, size: bytes.count, problem: problem)
            return (fresh, empty)
        }
        do { try truncate(fd, to: scan.intactLength, path: path) } catch {
            close(fd)
            throw error
        }
        warnCut(logger, path: path, scan: scan, dropped: bytes.count - scan.intactLength, problem: problem)
        return (fd, scan)
    }

    /// A damaged tail was cut off after the last intact record.
    private static func warnCut(_ logger: Logger, path: String, scan: JournalFormat.Scan, dropped: Int, problem: String) {
        logger.warning("consensus journal \(path): dropped the last \(dropped) byte(s) because \(problem); kept the \(scan.records.count) intact record(s) before them (height \(scan.height ?? 0)); a crash during a write leaves this")
    }

    /// The header is damaged: the whole file was replaced by an empty journal.
    private static func warnDiscarded(_ logger: Logger, path: String, size: Int, problem: String) {
        logger.warning("consensus journal \(path): discarded the whole file (\(size) byte(s)) because \(problem); without an intact header none of its records can be trusted, so an empty journal (height 0) replaces it")
    }

    private static func createFresh(path: String, height: UInt64) throws(JournalError) -> Int32 {
        do throws(FileSystemError) {
            return try DurableFile.replace(path, with: JournalFormat.header(height: height), keepOpen: true)!
        } catch { throw .storage(error) }
    }

    private static func truncate(_ fd: Int32, to length: Int, path: String) throws(JournalError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw .storage(FileSystemError("truncate", path)) }
        guard fsync(fd) == 0 else { throw .storage(FileSystemError("fsync", path)) }
    }

    private static func write(_ bytes: [UInt8], to fd: Int32, at offset: Int, path: String) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("write", path)
            }
            done += n
        }
    }

    private static func read(_ fd: Int32, path: String) throws(FileSystemError) -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(out.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
