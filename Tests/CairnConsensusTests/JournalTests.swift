@testable import CairnConsensus
import Foundation
import Logging
import Synchronization
import Testing

/// The consensus journal: round trips, recovery from torn and damaged tails, height resets.
@Suite struct JournalTests {
    /// Collects warnings so a test can check that recovery says what it dropped.
    final class Captured: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }
    struct CapturingHandler: LogHandler {
        let sink: Captured
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.lines.withLock { $0.append("\(event.level): \(event.message)") }
        }
    }

    static func logger(_ sink: Captured) -> Logger { Logger(label: "test") { _ in CapturingHandler(sink: sink) } }

    static func path() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(ConsensusJournal.fileName).path
    }
    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    static func store(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// The exact warnings of Specs/validator-signing.md §5, one per recovery.
    static func cutWarning(_ path: String, dropped: Int, problem: String, kept: Int, height: UInt64 = 0) -> String {
        "warning: consensus journal \(path): dropped the last \(dropped) byte(s) because \(problem); kept the \(kept) intact record(s) before them (height \(height)); a crash during a write leaves this"
    }
    static func discardWarning(_ path: String, size: Int, problem: String) -> String {
        "warning: consensus journal \(path): discarded the whole file (\(size) byte(s)) because \(problem); without an intact header none of its records can be trusted, so an empty journal (height 0) replaces it"
    }
    static func missingWarning(_ path: String) -> String {
        "warning: consensus journal \(path): the file is missing although this node has committed blocks (deleted or lost?); created an empty journal (height 0), so what the node journaled for the current height is forgotten"
    }

    static let records: [[UInt8]] = [Array("height-start".utf8), [], [UInt8](repeating: 0xAB, count: 1_000), Array("vote".utf8)]

    @Test func crc32cCheckValue() {
        #expect(CRC32C.checksum(of: Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(of: [UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        // Chaining equals one pass.
        #expect(CRC32C.update(CRC32C.checksum(of: Array("1234".utf8)), Array("56789".utf8)) == 0xE306_9283)
    }

    @Test func roundTripAndReopen() throws {
        let path = try Self.path()
        let sink = Captured()
        let journal = try ConsensusJournal(path: path, logger: Self.logger(sink))
        #expect(journal.height == 0)
        #expect(try journal.replay().isEmpty)
        for (i, r) in Self.records.enumerated() { try journal.append(r, sync: i % 2 == 0) }
        #expect(try journal.replay() == Self.records)
        let reopened = try ConsensusJournal(path: path, logger: Self.logger(sink))
        #expect(try reopened.replay() == Self.records)
        #expect(sink.all.isEmpty)
        #expect(try Self.bytes(path).count == 20 + Self.records.reduce(0) { $0 + 8 + $1.count })
    }

    @Test func tornTailAtEveryOffsetIsCutAndAppendsContinue() throws {
        let path = try Self.path()
        let journal = try ConsensusJournal(path: path)
        for r in Self.records { try journal.append(r, sync: true) }
        let full = try Self.bytes(path)
        let lastStart = full.count - 8 - Self.records.last!.count
        for cut in lastStart..<full.count {
            try Self.store(Array(full[0..<cut]), path)
            let sink = Captured()
            let j = try ConsensusJournal(path: path, logger: Self.logger(sink))
            #expect(try j.replay() == Array(Self.records.dropLast()), "cut at \(cut)")
            #expect(try Self.bytes(path).count == lastStart)
            let left = cut - lastStart
            let problem = left < 8 ? "the last record's frame is cut short (\(left) of 8 bytes)"
                                   : "the last record is cut short (\(left - 8) of 4 bytes)"
            #expect(sink.all == (left == 0 ? [] : [Self.cutWarning(path, dropped: left, problem: problem, kept: 3)]),
                    "cut at \(cut)")
            try j.append(Array("after".utf8), sync: false)
            #expect(try ConsensusJournal(path: path).replay() == Array(Self.records.dropLast()) + [Array("after".utf8)])
        }
    }

    @Test func flippedBitCutsFromThatRecordOn() throws {
        let path = try Self.path()
        let journal = try ConsensusJournal(path: path)
        for r in Self.records { try journal.append(r, sync: false) }
        var bytes = try Self.bytes(path)
        // Record 2 (the 1000-byte one) starts after the header, record 0 (12 bytes) and record 1 (empty).
        let third = 20 + (8 + 12) + 8
        bytes[third + 8 + 500] ^= 0x10
        try Self.store(bytes, path)
        let sink = Captured()
        #expect(try ConsensusJournal(path: path, logger: Self.logger(sink)).replay() == Array(Self.records.prefix(2)))
        #expect(sink.all == [Self.cutWarning(path, dropped: bytes.count - third, problem: "a record's checksum does not match", kept: 2)])
    }

    @Test func lengthAboveMaximumIsDamage() throws {
        let path = try Self.path()
        let journal = try ConsensusJournal(path: path, maxRecordSize: 2_000)
        for r in Self.records { try journal.append(r, sync: false) }
        #expect(throws: JournalError.recordTooLarge(size: 2_001, max: 2_000)) {
            try journal.append([UInt8](repeating: 0, count: 2_001), sync: false)
        }
        var bytes = try Self.bytes(path)
        let last = bytes.count - 8 - 4
        bytes.replaceSubrange(last..<(last + 4), with: [0, 0, 0x0F, 0xFF])  // 4095 > 2000
        try Self.store(bytes, path)
        let sink = Captured()
        #expect(try ConsensusJournal(path: path, maxRecordSize: 2_000, logger: Self.logger(sink)).replay() == Array(Self.records.dropLast()))
        #expect(sink.all == [Self.cutWarning(path, dropped: 12, problem: "a record claims 4095 bytes, above the maximum of 2000", kept: 3)])
    }

    @Test func damageFoundAtReplayIsCutToo() throws {
        let path = try Self.path()
        let sink = Captured()
        let journal = try ConsensusJournal(path: path, logger: Self.logger(sink))
        try journal.append([1, 2, 3], sync: true)
        // Something wrote garbage after the last record behind the journal's back.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0, 0, 0, 5, 9, 9]))
        try handle.close()
        #expect(try journal.replay() == [[1, 2, 3]])
        #expect(sink.all == [Self.cutWarning(path, dropped: 6, problem: "the last record's frame is cut short (6 of 8 bytes)", kept: 1)])
        try journal.append([4], sync: true)
        #expect(try journal.replay() == [[1, 2, 3], [4]])
    }

    @Test func beginHeightDropsOldRecords() throws {
        let path = try Self.path()
        let journal = try ConsensusJournal(path: path)
        for r in Self.records { try journal.append(r, sync: false) }
        try journal.beginHeight(42)
        #expect(journal.height == 42)
        #expect(try journal.replay().isEmpty)
        try journal.append([7], sync: true)
        let reopened = try ConsensusJournal(path: path)
        #expect(reopened.height == 42)
        #expect(try reopened.replay() == [[7]])
        #expect(try Self.bytes(path) == JournalFormat.header(height: 42) + JournalFormat.frame([7]))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func aRecordWrittenInPartsIsTheRecordOfTheirConcatenation() throws {
        let path = try Self.path()
        let journal = try ConsensusJournal(path: path)
        let parts: [[UInt8]] = [[1, 2], [], Array(repeating: 9, count: 70_000), [3]]
        try journal.append(parts: parts, sync: true)
        try journal.append([4, 5], sync: false)
        #expect(try Self.bytes(path) == JournalFormat.header(height: 0) + JournalFormat.frame(parts.flatMap { $0 })
            + JournalFormat.frame([4, 5]))
        #expect(try ConsensusJournal(path: path).replay() == [parts.flatMap { $0 }, [4, 5]])
        let small = try ConsensusJournal(path: try Self.path(), maxRecordSize: 4)
        #expect(throws: JournalError.recordTooLarge(size: 5, max: 4)) { try small.append(parts: [[1, 2], [3, 4, 5]], sync: false) }
    }

    @Test func damagedHeaderStartsAnEmptyJournal() throws {
        let path = try Self.path()
        let journal = try ConsensusJournal(path: path)
        try journal.beginHeight(9)
        try journal.append([1], sync: true)
        var bytes = try Self.bytes(path)
        bytes[10] ^= 1
        try Self.store(bytes, path)
        let sink = Captured()
        let reopened = try ConsensusJournal(path: path, logger: Self.logger(sink))
        #expect(reopened.height == 0)
        #expect(try reopened.replay().isEmpty)
        #expect(sink.all == [Self.discardWarning(path, size: bytes.count, problem: "the header checksum does not match")])
        for short in [0, 5, 19] {
            try Self.store(Array(JournalFormat.header(height: 3).prefix(short)), path)
            let shortSink = Captured()
            #expect(try ConsensusJournal(path: path, logger: Self.logger(shortSink)).replay().isEmpty)
            #expect(try Self.bytes(path) == JournalFormat.header(height: 0))
            #expect(shortSink.all == [Self.discardWarning(path, size: short, problem: "the header is cut short (\(short) of 20 bytes)")])
        }
        // Not a journal at all.
        try Self.store(Array("not a journal, longer than a header".utf8), path)
        let foreign = Captured()
        #expect(try ConsensusJournal(path: path, logger: Self.logger(foreign)).replay().isEmpty)
        #expect(foreign.all == [Self.discardWarning(path, size: 35, problem: "the file does not start with \"CAIRNJNL\"")])
    }

    @Test func damagedHeaderFoundAtReplayDiscardsTheFile() throws {
        let path = try Self.path()
        let sink = Captured()
        let journal = try ConsensusJournal(path: path, logger: Self.logger(sink))
        try journal.beginHeight(4)
        try journal.append([1], sync: true)
        // Overwritten in place behind the journal's back (the open descriptor sees it).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data("XX".utf8))
        try handle.close()
        #expect(try journal.replay().isEmpty)
        #expect(journal.height == 0)
        #expect(sink.all == [Self.discardWarning(path, size: 29, problem: "the file does not start with \"CAIRNJNL\"")])
    }

    @Test func missingFileWarnsOnlyWhereOneWasExpected() throws {
        let path = try Self.path()
        // A new node: created without a word.
        let sink = Captured()
        let journal = try ConsensusJournal(path: path, logger: Self.logger(sink), expectExisting: false)
        try journal.beginHeight(7)
        try journal.append([1], sync: true)
        #expect(sink.all.isEmpty)
        // Reopened where it is expected and present: nothing to say either.
        #expect(try ConsensusJournal(path: path, logger: Self.logger(sink), expectExisting: true).replay() == [[1]])
        #expect(sink.all.isEmpty)
        // Deleted while the node was down: recreated empty, with one warning.
        try FileManager.default.removeItem(atPath: path)
        let recreated = try ConsensusJournal(path: path, logger: Self.logger(sink), expectExisting: true)
        #expect(recreated.height == 0)
        #expect(try recreated.replay().isEmpty)
        #expect(try Self.bytes(path) == JournalFormat.header(height: 0))
        #expect(sink.all == [Self.missingWarning(path)])
    }

    @Test func frameLayout() {
        // length 3 big-endian, CRC-32C over the length bytes and the payload, the payload.
        let frame = JournalFormat.frame([0x61, 0x62, 0x63])
        #expect(Array(frame[0..<4]) == [0, 0, 0, 3])
        #expect(JournalFormat.readUInt32(frame, 4) == CRC32C.checksum(of: [0, 0, 0, 3, 0x61, 0x62, 0x63]))
        #expect(Array(frame[8...]) == [0x61, 0x62, 0x63])
        #expect(Array(JournalFormat.header(height: 258)[0..<16]) == Array("CAIRNJNL".utf8) + [0, 0, 0, 0, 0, 0, 1, 2])
    }
}
