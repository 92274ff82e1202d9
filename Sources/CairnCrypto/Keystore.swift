import Crypto
import Foundation
import _CryptoExtras

/// Ethereum's "Web3 Secret Storage" keystore, version 3: a private key encrypted under a
/// passphrase, in the JSON form geth, MetaMask and most wallets write and read. Used so keys at
/// rest are useless without the passphrase, and so users can bring keystores they already have.
///
/// A keystore file is untrusted input: every field is checked, and KDF parameters are bounded so a
/// crafted file cannot make Cairn allocate gigabytes or spin for hours before the MAC check.
public enum Keystore {
    /// geth's "standard" scrypt cost (about 256 MiB and a second or so per derivation).
    public static let defaultScryptN = 262_144

    /// Largest scrypt N accepted (2^20, the highest any common wallet writes).
    public static let maxScryptN = 1 << 20
    /// Upper bound on scrypt memory, 128·N·r·p bytes as swift-crypto reserves it.
    public static let maxScryptMemory = 1 << 30
    /// Upper bound on scrypt work N·r·p (8× geth's standard 2^21).
    public static let maxScryptWork = 1 << 24
    /// Upper bound on PBKDF2 iterations (64× geth's 262,144).
    public static let maxPBKDF2Iterations = 1 << 24
    /// No real keystore comes near this; refusing larger input up front bounds parsing work.
    public static let maxFileSize = 64 * 1024

    /// Encrypts `key` with scrypt(N, r, p, dklen 32, random 32-byte salt) and AES-128-CTR
    /// (random 16-byte IV); returns the compact JSON with sorted keys.
    public static func encrypt(_ key: PrivateKey, passphrase: String, scryptN: Int = defaultScryptN,
                               scryptR: Int = 8, scryptP: Int = 1) throws(KeystoreError) -> [UInt8] {
        let salt = randomBytes(32)
        let iv = randomBytes(16)
        let params = KDFParams(dklen: 32, n: scryptN, r: scryptR, p: scryptP, salt: Hex.encode(salt))
        try checkScrypt(n: scryptN, r: scryptR, p: scryptP)
        let derived = try scrypt(passphrase, salt: salt, n: scryptN, r: scryptR, p: scryptP, dklen: 32)
        let ciphertext = try aes128ctr(key.bytes, key: Array(derived[0..<16]), iv: iv)
        let mac = Keccak256.hash(derived[16..<32] + ciphertext)
        let file = File(
            version: 3, id: UUID().uuidString.lowercased(), address: Hex.encode(key.address.bytes),
            crypto: CryptoSection(cipher: "aes-128-ctr", cipherparams: CipherParams(iv: Hex.encode(iv)),
                                  ciphertext: Hex.encode(ciphertext), kdf: "scrypt", kdfparams: params,
                                  mac: Hex.encode(mac)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return Array(try encoder.encode(file)) } catch {
            throw .cryptoFailure("cannot encode the keystore JSON: \(error)")
        }
    }

    /// Decrypts a v3 keystore (KDF scrypt or PBKDF2-HMAC-SHA256, cipher AES-128-CTR). The MAC is
    /// checked, in constant time, before anything is decrypted; a mismatch means the passphrase
    /// is wrong (or the file was altered, which cannot be told apart).
    public static func decrypt(_ json: [UInt8], passphrase: String) throws(KeystoreError) -> PrivateKey {
        let file = try parse(json)
        guard let crypto = file.crypto ?? file.Crypto else { throw .missingField("crypto") }
        guard let cipher = crypto.cipher else { throw .missingField("crypto.cipher") }
        guard cipher == "aes-128-ctr" else { throw .unsupportedCipher(cipher) }
        guard let ivHex = crypto.cipherparams?.iv else { throw .missingField("crypto.cipherparams.iv") }
        let iv = try hex(ivHex, field: "crypto.cipherparams.iv", count: 16)
        guard let ctHex = crypto.ciphertext else { throw .missingField("crypto.ciphertext") }
        let ciphertext = try hex(ctHex, field: "crypto.ciphertext", count: 32)
        guard let macHex = crypto.mac else { throw .missingField("crypto.mac") }
        let mac = try hex(macHex, field: "crypto.mac", count: 32)
        guard let kdf = crypto.kdf else { throw .missingField("crypto.kdf") }
        guard let params = crypto.kdfparams else { throw .missingField("crypto.kdfparams") }
        let stored: Address? = try storedAddress(file)

        let derived = try deriveKey(kdf: kdf, params: params, passphrase: passphrase)
        let key = try open(derivedKey: derived, ciphertext: ciphertext, iv: iv, mac: mac)
        if let stored, stored != key.address {
            throw .addressMismatch(stored: stored.checksummed, actual: key.address.checksummed)
        }
        return key
    }

    /// The part after the KDF: MAC = Keccak-256(DK[16..<32] ‖ ciphertext), compared in constant
    /// time, then AES-128-CTR under DK[0..<16]. Separate so the definition's intermediate derived
    /// keys can be tested on their own.
    static func open(derivedKey derived: [UInt8], ciphertext: [UInt8], iv: [UInt8],
                     mac: [UInt8]) throws(KeystoreError) -> PrivateKey {
        precondition(derived.count >= 32 && mac.count == 32, "callers check the lengths")
        let expected = Keccak256.hash(derived[16..<32] + ciphertext)
        var diff: UInt8 = 0
        for i in 0..<32 { diff |= expected[i] ^ mac[i] }
        guard diff == 0 else { throw .wrongPassphrase }
        let plaintext = try aes128ctr(ciphertext, key: Array(derived[0..<16]), iv: iv)
        do { return try PrivateKey(bytes: plaintext) } catch { throw .invalidKey(error) }
    }

    /// The address a keystore claims to hold, read without the passphrase (nil if the file has
    /// no `address` field). Only `decrypt` proves the claim.
    public static func address(in json: [UInt8]) throws(KeystoreError) -> Address? {
        try storedAddress(try parse(json))
    }

    // MARK: - Parsing

    private static func parse(_ json: [UInt8]) throws(KeystoreError) -> File {
        guard json.count <= maxFileSize else { throw .tooLarge(json.count) }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: Data(json)) } catch {
            throw .malformed(describe(error))
        }
        guard let version = file.version else { throw .missingField("version") }
        guard version == 3 else { throw .unsupportedVersion(version) }
        return file
    }

    private static func storedAddress(_ file: File) throws(KeystoreError) -> Address? {
        guard let text = file.address else { return nil }
        return Address(unchecked: try hex(text, field: "address", count: 20))
    }

    private static func hex(_ text: String, field: String, count: Int) throws(KeystoreError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw .invalidHex(field: field, error) }
        guard bytes.count == count else { throw .wrongLength(field: field, expected: count, actual: bytes.count) }
        return bytes
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not valid JSON" : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    // MARK: - Key derivation

    private static func deriveKey(kdf: String, params: KDFParams, passphrase: String) throws(KeystoreError) -> [UInt8] {
        guard let dklen = params.dklen else { throw .missingField("crypto.kdfparams.dklen") }
        guard (32...64).contains(dklen) else {
            throw .invalidKDFParameter("dklen must be 32 to 64 bytes, got \(dklen)")
        }
        guard let saltHex = params.salt else { throw .missingField("crypto.kdfparams.salt") }
        let salt: [UInt8]
        do { salt = try Hex.decode(saltHex) } catch { throw .invalidHex(field: "crypto.kdfparams.salt", error) }
        guard (1...1024).contains(salt.count) else {
            throw .invalidKDFParameter("salt must be 1 to 1024 bytes, got \(salt.count)")
        }
        switch kdf {
        case "scrypt":
            guard let n = params.n else { throw .missingField("crypto.kdfparams.n") }
            guard let r = params.r else { throw .missingField("crypto.kdfparams.r") }
            guard let p = params.p else { throw .missingField("crypto.kdfparams.p") }
            try checkScrypt(n: n, r: r, p: p)
            return try scrypt(passphrase, salt: salt, n: n, r: r, p: p, dklen: dklen)
        case "pbkdf2":
            guard let prf = params.prf else { throw .missingField("crypto.kdfparams.prf") }
            guard prf == "hmac-sha256" else { throw .unsupportedPRF(prf) }
            guard let c = params.c else { throw .missingField("crypto.kdfparams.c") }
            guard (1...maxPBKDF2Iterations).contains(c) else {
                throw .invalidKDFParameter("pbkdf2 c must be 1 to \(maxPBKDF2Iterations), got \(c)")
            }
            do {
                let key = try KDF.Insecure.PBKDF2.deriveKey(
                    from: Array(passphrase.utf8), salt: salt, using: .sha256,
                    outputByteCount: dklen, unsafeUncheckedRounds: c)
                return key.withUnsafeBytes { Array($0) }
            } catch {
                throw .cryptoFailure("PBKDF2 failed: \(error)")
            }
        default:
            throw .unsupportedKDF(kdf)
        }
    }

    private static func checkScrypt(n: Int, r: Int, p: Int) throws(KeystoreError) {
        guard n >= 2, n <= maxScryptN, n & (n - 1) == 0 else {
            throw .invalidKDFParameter("scrypt n must be a power of two from 2 to \(maxScryptN), got \(n)")
        }
        // r ≤ 16 also keeps swift-crypto's memory allowance (128·N·r·p plus one page) above what
        // BoringSSL needs (128·r·(N + p + 1)) when p = 1.
        guard (1...16).contains(r) else { throw .invalidKDFParameter("scrypt r must be 1 to 16, got \(r)") }
        guard (1...64).contains(p) else { throw .invalidKDFParameter("scrypt p must be 1 to 64, got \(p)") }
        guard 128 * n * r * p <= maxScryptMemory else {
            throw .invalidKDFParameter("scrypt n·r·p = \(n)·\(r)·\(p) needs more than \(maxScryptMemory >> 20) MiB")
        }
        // RFC 7914 §2 requires N < 2^(128·r/8); BoringSSL enforces it, so say so plainly.
        // (The definition's own scrypt example, N = 2^18 with r = 1, falls foul of this.)
        guard 16 * r > 63 || n < 1 << (16 * r) else {
            throw .invalidKDFParameter("scrypt n must be below 2^(16·r) = \(1 << (16 * r)) for r = \(r) (RFC 7914), got \(n)")
        }
        guard n * r * p <= maxScryptWork else {
            throw .invalidKDFParameter("scrypt work n·r·p = \(n * r * p) exceeds \(maxScryptWork)")
        }
    }

    static func scrypt(_ passphrase: String, salt: [UInt8], n: Int, r: Int, p: Int,
                               dklen: Int) throws(KeystoreError) -> [UInt8] {
        do {
            let key = try KDF.Scrypt.deriveKey(from: Array(passphrase.utf8), salt: salt, outputByteCount: dklen,
                                               rounds: n, blockSize: r, parallelism: p)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .cryptoFailure("scrypt failed: \(error)")
        }
    }

    /// AES-128 in CTR mode with the 16-byte IV as the initial 128-bit big-endian counter, as the
    /// definition (and geth) use it. Encryption and decryption are the same operation.
    private static func aes128ctr(_ input: [UInt8], key: [UInt8], iv: [UInt8]) throws(KeystoreError) -> [UInt8] {
        do {
            let nonce = try AES._CTR.Nonce(nonceBytes: iv)
            return Array(try AES._CTR.encrypt(input, using: SymmetricKey(data: key), nonce: nonce))
        } catch {
            throw .cryptoFailure("AES-128-CTR failed: \(error)")
        }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }

    // MARK: - JSON shape (every field optional, so a missing one gets a precise error)

    private struct File: Codable {
        var version: Int?
        var id: String?
        var address: String?
        var crypto: CryptoSection?
        /// Some wallets (MyEtherWallet, old Mist) write "Crypto"; geth reads both.
        var Crypto: CryptoSection?
    }

    private struct CryptoSection: Codable {
        var cipher: String?
        var cipherparams: CipherParams?
        var ciphertext: String?
        var kdf: String?
        var kdfparams: KDFParams?
        var mac: String?
    }

    private struct CipherParams: Codable {
        var iv: String?
    }

    private struct KDFParams: Codable {
        var dklen: Int?
        var n: Int?
        var r: Int?
        var p: Int?
        var c: Int?
        var prf: String?
        var salt: String?
    }
}

/// Why a keystore could not be written or opened.
public enum KeystoreError: Error, Equatable, CustomStringConvertible {
    case tooLarge(Int)
    case malformed(String)
    case missingField(String)
    case unsupportedVersion(Int)
    case unsupportedCipher(String)
    case unsupportedKDF(String)
    case unsupportedPRF(String)
    case invalidHex(field: String, Hex.Error)
    case wrongLength(field: String, expected: Int, actual: Int)
    case invalidKDFParameter(String)
    /// The MAC does not match: the passphrase is wrong or the file was altered.
    case wrongPassphrase
    case addressMismatch(stored: String, actual: String)
    case invalidKey(CryptoError)
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .tooLarge(let n): "keystore is \(n) bytes; a keystore file is at most \(Keystore.maxFileSize)"
        case .malformed(let why): "not a keystore JSON file: \(why)"
        case .missingField(let f): "keystore has no '\(f)' field"
        case .unsupportedVersion(let v): "keystore version \(v) is not supported (only version 3)"
        case .unsupportedCipher(let c): "keystore cipher '\(c)' is not supported (only aes-128-ctr)"
        case .unsupportedKDF(let k): "keystore kdf '\(k)' is not supported (only scrypt and pbkdf2)"
        case .unsupportedPRF(let p): "keystore pbkdf2 prf '\(p)' is not supported (only hmac-sha256)"
        case .invalidHex(let f, let e): "keystore field '\(f)': \(e)"
        case .wrongLength(let f, let expected, let actual):
            "keystore field '\(f)' must be \(expected) bytes, got \(actual)"
        case .invalidKDFParameter(let why): "keystore kdf parameters rejected: \(why)"
        case .wrongPassphrase: "wrong passphrase (the keystore MAC does not match)"
        case .addressMismatch(let stored, let actual):
            "keystore claims address \(stored) but its key belongs to \(actual)"
        case .invalidKey(let e): "keystore decrypts to an invalid private key: \(e)"
        case .cryptoFailure(let why): why
        }
    }
}
