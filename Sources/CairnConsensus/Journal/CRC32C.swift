/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF),
/// the checksum of the journal's records. Castagnoli rather than the zlib CRC-32 for its better
/// error detection on the short records a journal holds (and it is what LevelDB's log uses).
enum CRC32C {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// Feeds `bytes` into a running CRC; start with `checksum(of:)` or chain from a previous state.
    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var c = ~crc
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }

    static func checksum(of bytes: some Sequence<UInt8>) -> UInt32 { update(0, bytes) }
}
