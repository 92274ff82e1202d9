import Crypto
import _CryptoExtras
import Foundation

/// BIP-39 mnemonics with the English word list: entropy of 128–256 bits plus a SHA-256
/// checksum, written as 11-bit word indices, and stretched into a 64-byte seed for BIP-32.
public enum Mnemonic {
    public static let allowedWordCounts = [12, 15, 18, 21, 24]

    /// A fresh mnemonic from the system CSPRNG.
    public static func generate(wordCount: Int = 24) throws(CryptoError) -> [String] {
        guard allowedWordCounts.contains(wordCount) else { throw .invalidMnemonicLength(wordCount) }
        var rng = SystemRandomNumberGenerator()
        let entropy = (0..<(wordCount / 3 * 4)).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return try words(entropy: entropy)
    }

    /// Encodes 16, 20, 24, 28 or 32 bytes of entropy: ENT bits followed by the first ENT/32 bits
    /// of SHA-256(entropy), cut into 11-bit big-endian indices into the word list.
    public static func words(entropy: [UInt8]) throws(CryptoError) -> [String] {
        guard [16, 20, 24, 28, 32].contains(entropy.count) else { throw .invalidEntropyLength(entropy.count) }
        let bits = entropy + [Array(SHA256.hash(data: entropy))[0]]
        let wordCount = entropy.count * 8 * 33 / 32 / 11
        return (0..<wordCount).map { bip39EnglishWords[readBits(bits, at: $0 * 11, count: 11)] }
    }

    /// Checks length, word-list membership and checksum; returns the entropy.
    @discardableResult
    public static func entropy(words: [String]) throws(CryptoError) -> [UInt8] {
        guard allowedWordCounts.contains(words.count) else { throw .invalidMnemonicLength(words.count) }
        var bits = [UInt8](repeating: 0, count: (words.count * 11 + 7) / 8)
        for (position, word) in words.enumerated() {
            guard let index = wordIndex(word) else { throw .invalidMnemonicWord(word, position: position) }
            for b in 0..<11 where index & (1 << (10 - b)) != 0 {
                let bit = position * 11 + b
                bits[bit / 8] |= 0x80 >> UInt8(bit % 8)
            }
        }
        let checksumBits = words.count / 3
        let entropy = Array(bits[0..<(checksumBits * 4)])
        let expected = Array(SHA256.hash(data: entropy))[0] >> UInt8(8 - checksumBits)
        let actual = UInt8(readBits(bits, at: checksumBits * 32, count: checksumBits))
        guard expected == actual else { throw .invalidMnemonicChecksum }
        return entropy
    }

    public static func validate(_ words: [String]) throws(CryptoError) {
        try entropy(words: words)
    }

    /// PBKDF2-HMAC-SHA512, 2,048 rounds, 64 bytes; password = the words joined by single spaces,
    /// salt = "mnemonic" + passphrase, both NFKD-normalised. The words are validated first so a
    /// typo cannot silently produce a different wallet.
    public static func seed(words: [String], passphrase: String = "") throws -> [UInt8] {
        try validate(words)
        let password = words.joined(separator: " ").decomposedStringWithCompatibilityMapping
        let salt = "mnemonic" + passphrase.decomposedStringWithCompatibilityMapping
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: Array(salt.utf8), using: .sha512,
            outputByteCount: 64, unsafeUncheckedRounds: 2048)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Binary search: the list is sorted, so no lookup table is needed.
    static func wordIndex(_ word: String) -> Int? {
        var low = 0, high = bip39EnglishWords.count
        while low < high {
            let mid = (low + high) / 2
            let candidate = bip39EnglishWords[mid]
            if candidate == word { return mid }
            if candidate < word { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// `count` bits starting at bit `offset` (most significant bit first) as an integer.
    private static func readBits(_ bytes: [UInt8], at offset: Int, count: Int) -> Int {
        var value = 0
        for bit in offset..<(offset + count) {
            value = value << 1 | Int(bytes[bit / 8] >> UInt8(7 - bit % 8) & 1)
        }
        return value
    }
}
