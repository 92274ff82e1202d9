import Crypto

/// One direction of an encrypted connection: ChaCha20-Poly1305 with the 96-bit nonce
/// `00 00 00 00 ‖ counter (u64 big endian)`, the counter starting at 0 and rising by one per
/// frame, so a nonce is never reused under a key. A counter that would reach 2^64 − 1 ends the
/// connection instead.
struct FrameCipher {
    static let tagSize = 16
    private let key: SymmetricKey
    private(set) var counter: UInt64 = 0

    init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    static func nonce(_ counter: UInt64) -> [UInt8] {
        [0, 0, 0, 0] + withUnsafeBytes(of: counter.bigEndian, Array.init)
    }

    private mutating func nextNonce() throws(FrameError) -> ChaChaPoly.Nonce {
        guard counter < UInt64.max else { throw .nonceExhausted }
        defer { counter += 1 }
        // A 12-byte nonce is always accepted.
        return try! ChaChaPoly.Nonce(data: Self.nonce(counter))
    }

    /// Ciphertext ‖ 16-byte tag.
    mutating func seal(_ plaintext: [UInt8]) throws(FrameError) -> [UInt8] {
        let nonce = try nextNonce()
        guard let box = try? ChaChaPoly.seal(plaintext, using: key, nonce: nonce) else { throw .sealFailed }
        return Array(box.ciphertext) + Array(box.tag)
    }

    mutating func open(_ sealed: [UInt8]) throws(FrameError) -> [UInt8] {
        guard sealed.count >= Self.tagSize else { throw .tooShort(sealed.count) }
        let nonce = try nextNonce()
        let split = sealed.count - Self.tagSize
        guard let box = try? ChaChaPoly.SealedBox(nonce: nonce, ciphertext: sealed[..<split], tag: sealed[split...]),
              let plain = try? ChaChaPoly.open(box, using: key) else { throw .authenticationFailed }
        return Array(plain)
    }
}

/// Why a connection's byte stream is unacceptable; each ends the connection.
enum FrameError: Error, Equatable, CustomStringConvertible {
    case tooLarge(length: UInt32, limit: Int)
    case tooShort(Int)
    case authenticationFailed
    case nonceExhausted
    case sealFailed
    case emptyMessage

    var description: String {
        switch self {
        case .tooLarge(let length, let limit): "frame of \(length) bytes is above the limit of \(limit)"
        case .tooShort(let n): "frame of \(n) bytes is shorter than the 16-byte tag"
        case .authenticationFailed: "frame failed authentication (tampered or out of order)"
        case .nonceExhausted: "the frame counter is exhausted"
        case .sealFailed: "encryption failed"
        case .emptyMessage: "frame carries no channel byte"
        }
    }
}
