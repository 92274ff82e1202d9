import CairnCore
import CairnTestSupport
import CairnCrypto


/// Builders of random but valid values. Integers are drawn with a random bit width so that every
/// varint length (1 to 10 bytes, or 19 for 128 bits) shows up, not only the longest.
struct Arbitrary {
    var rng: SeededGenerator
    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    static let keys: [PrivateKey] = (1...4).map { i in
        try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [UInt8(i)])
    }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }

    mutating func u64() -> UInt64 {
        let bits = Int.random(in: 0...64, using: &rng)
        return bits == 0 ? 0 : rng.next() >> (64 - bits)
    }

    mutating func u128() -> UInt128 {
        let bits = Int.random(in: 0...128, using: &rng)
        let raw = UInt128(rng.next()) << 64 | UInt128(rng.next())
        return bits == 0 ? 0 : raw >> (128 - bits)
    }

    mutating func address() -> Address { Address(unchecked: bytes(20)) }
    mutating func hash() -> Hash32 { Hash32(unchecked: bytes(32)) }

    mutating func chainID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-")
        let n = Int.random(in: 1...ChainID.maxLength, using: &rng)
        var s = String((0..<n).map { _ in alphabet.randomElement(using: &rng)! })
        if s.first == "-" || s.last == "-" { s = "c" + s.dropFirst().dropLast() + "c" }
        return String(s.prefix(ChainID.maxLength))
    }

    mutating func key() -> PrivateKey { Self.keys.randomElement(using: &rng)! }

    mutating func signature() -> RecoverableSignature { key().sign(digest: hash()) }

    mutating func unsigned() -> UnsignedTransaction {
        UnsignedTransaction(chainID: chainID(), nonce: u64(), fee: u128(),
                            operation: .transfer(to: address(), amount: u128()))
    }

    mutating func transaction() -> Transaction { unsigned().signed(with: key()) }

    mutating func header() -> BlockHeader {
        BlockHeader(chainID: chainID(), height: u64(), time: u64(), previousBlockID: hash(),
                    transactionsRoot: hash(), attestationsRoot: hash(), stateRoot: hash(),
                    validatorsHash: hash(), nextValidatorsHash: hash(), lastCommitHash: hash(), evidenceRoot: hash(),
                    proposer: address(), seal: key().seal(previousSeed: hash(), height: u64()), protocolVersion: u64())
    }

    mutating func block() -> Block {
        let n = Int.random(in: 0...3, using: &rng)
        return Block(header: header(), transactions: (0..<n).map { _ in transaction() })
    }

    mutating func commit() -> Commit {
        let n = Int.random(in: 0...3, using: &rng)
        let sigs = (0..<n).map { _ in CommitSignature(validator: address(), signature: signature()) }
        return Commit(height: u64(), round: u64(), blockID: hash(),
                      signatures: sigs.sorted { $0.validator < $1.validator })
    }

    mutating func account() -> Account { Account(balance: u128(), nonce: u64()) }
}

/// The kind of a decoding error, without its details: what vectors and tests compare.
extension CanonicalDecodingError {
    var kind: String {
        switch self {
        case .truncated: "truncated"
        case .trailingBytes: "trailing_bytes"
        case .nonMinimalVarint: "non_minimal_varint"
        case .varintOverflow: "varint_overflow"
        case .lengthExceedsLimit: "length_exceeds_limit"
        case .unknownTag: "unknown_tag"
        case .invalidValue: "invalid_value"
        }
    }

    var field: String? {
        switch self {
        case .truncated(let f), .nonMinimalVarint(let f), .varintOverflow(let f),
             .lengthExceedsLimit(let f, _, _), .invalidValue(let f, _): f
        case .unknownTag(let t, _): t
        case .trailingBytes: nil
        }
    }
}

/// Decodes `bytes` as a `T`, returning the error instead of throwing it.
func decodeResult<T: CanonicalDecodable>(_ type: T.Type, _ bytes: [UInt8]) -> Result<T, CanonicalDecodingError> {
    do throws(CanonicalDecodingError) { return .success(try T(canonicalBytes: bytes)) } catch { return .failure(error) }
}

func hex(_ s: String) -> [UInt8] { try! Hex.decode(s) }
