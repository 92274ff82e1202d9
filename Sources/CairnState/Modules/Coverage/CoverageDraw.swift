import CairnCore
import CairnCrypto

/// Uniform integers from the block seed (Specs/depin/coverage.md §3.1). Every draw hashes its
/// own domain string, so no two purposes ever share a value of the seed.
enum CoverageDraw {
    /// SHA-256(encode_string(domain) ‖ parts…): the digest every derivation here starts from.
    static func digest(_ domain: String, _ parts: [UInt8]...) -> Hash32 {
        var writer = CanonicalWriter()
        writer.write(string: domain)
        for part in parts { writer.write(fixed: part) }
        return Hash32.sha256(writer.bytes)
    }

    /// The first 8 bytes of a digest as a big-endian integer.
    static func word(_ hash: Hash32) -> UInt64 {
        hash.bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A word below `bound` (> 0), or nil when it falls in the incomplete last block of 2^64:
    /// rejecting that block (fewer than `bound` values) keeps every accepted result exactly
    /// equally likely, where a bare `mod` would favour the small ones.
    static func below(_ bound: UInt64, _ word: UInt64) -> UInt64? {
        let zone = (UInt64.max / bound) * bound
        return word < zone ? word % bound : nil
    }

    /// The first accepted draw of SHA-256(domain ‖ parts ‖ u64_be(attempt)), attempt = 0, 1, …
    /// An attempt is rejected with probability below bound / 2^64.
    static func uniform(below bound: UInt64, _ domain: String, _ parts: [UInt8]) -> UInt64 {
        var attempt: UInt64 = 0
        while true {
            if let value = below(bound, word(digest(domain, parts, attempt.bigEndianBytes))) { return value }
            attempt += 1
        }
    }
}
