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
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            sink.lines.withLock { $0.append("\(level): \(message)") }
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
            #expect(sink.all.count == (cut == lastStart ? 0 : 1), "cut at \(cut): \(sink.all)")
            if cut > lastStart { #expect(sink.all[0].contains("dropped the last \(cut - lastStart) byte(s)")) }
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
        #expect(sink.all.count == 1 && sink.all[0].contains("checksum does not match"))
        #expect(sink.all[0].contains("dropped the last \(bytes.count - third) byte(s)"))
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
        #expect(sink.all.first?.contains("above the maximum") == true)
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
        #expect(sink.all.count == 1)
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
        #expect(sink.all.count == 1 && sink.all[0].contains("header checksum"))
        for short in [0, 5, 19] {
            try Self.store(Array(JournalFormat.header(height: 3).prefix(short)), path)
            #expect(try ConsensusJournal(path: path).replay().isEmpty)
            #expect(try Self.bytes(path) == JournalFormat.header(height: 0))
        }
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
