/// The journal file's bytes (Specs/validator-signing.md §5): a header naming the height, then
/// framed records. Pure functions, so the recovery rules are tested without a file system.
enum JournalFormat {
    static let magic: [UInt8] = Array("CAIRNJNL".utf8)
    static let headerSize = 20
    static let frameSize = 8

    static func header(height: UInt64) -> [UInt8] {
        let body = magic + bigEndian(height)
        return body + bigEndian(CRC32C.checksum(of: body))
    }

    static func frame(_ payload: [UInt8]) -> [UInt8] { frameHeader([payload]) + payload }

    /// The length and checksum that precede a record made of `parts` back to back.
    static func frameHeader(_ parts: [[UInt8]]) -> [UInt8] {
        let length = bigEndian(UInt32(parts.reduce(0) { $0 + $1.count }))
        return length + bigEndian(parts.reduce(CRC32C.checksum(of: length)) { CRC32C.update($0, $1) })
    }

    /// What a scan found: the height, the intact records, how many bytes they span from the start
    /// of the file, and why the scan stopped early (nil when the whole file is intact).
    struct Scan: Equatable {
        var height: UInt64?
        var records: [[UInt8]]
        var intactLength: Int
        var problem: String?
    }

    static func scan(_ bytes: [UInt8], maxRecordSize: Int) -> Scan {
        guard bytes.count >= headerSize else {
            return Scan(height: nil, records: [], intactLength: 0,
                        problem: "the header is cut short (\(bytes.count) of \(headerSize) bytes)")
        }
        guard Array(bytes[0..<8]) == magic else {
            return Scan(height: nil, records: [], intactLength: 0, problem: "the file does not start with \"CAIRNJNL\"")
        }
        guard readUInt32(bytes, 16) == CRC32C.checksum(of: bytes[0..<16]) else {
            return Scan(height: nil, records: [], intactLength: 0, problem: "the header checksum does not match")
        }
        var scan = Scan(height: readUInt64(bytes, 8), records: [], intactLength: headerSize, problem: nil)
        var offset = headerSize
        while offset < bytes.count {
            guard bytes.count - offset >= frameSize else {
                scan.problem = "the last record's frame is cut short (\(bytes.count - offset) of \(frameSize) bytes)"
                return scan
            }
            let length = Int(readUInt32(bytes, offset))
            guard length <= maxRecordSize else {
                scan.problem = "a record claims \(length) bytes, above the maximum of \(maxRecordSize)"
                return scan
            }
            let start = offset + frameSize
            guard bytes.count - start >= length else {
                scan.problem = "the last record is cut short (\(bytes.count - start) of \(length) bytes)"
                return scan
            }
            let payload = bytes[start..<(start + length)]
            guard readUInt32(bytes, offset + 4) == CRC32C.update(CRC32C.checksum(of: bytes[offset..<(offset + 4)]), payload) else {
                scan.problem = "a record's checksum does not match"
                return scan
            }
            scan.records.append(Array(payload))
            offset = start + length
            scan.intactLength = offset
        }
        return scan
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    static func bigEndian(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) } }
    static func readUInt32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 8 | UInt32(b[at + $1]) } }
    static func readUInt64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 << 8 | UInt64(b[at + $1]) } }
}
