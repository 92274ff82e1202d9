import Testing
import CairnCrypto

@Suite struct SignatureTests {
    static let keyHex = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let halfOrder = "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0"
    static let order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

    /// web3.js documents `accounts.sign("Some data", key)` with this key: an EIP-191 digest
    /// signed with RFC 6979, which libsecp256k1 must reproduce bit for bit.
    @Test func knownSignatureVector() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        let message = Array("\u{19}Ethereum Signed Message:\n9Some data".utf8)
        let digest = Keccak256.hash32(message)
        #expect(digest.hex == "0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655")
        let signature = key.sign(digest: digest)
        #expect(Hex.encode(signature.bytes) ==
            "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
            + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a029" + "01")
        #expect(try signature.recoverAddress(digest: digest) == key.address)
    }

    @Test func signThenRecover() throws {
        for i in 0..<20 {
            let key = PrivateKey.generate()
            let digest = Hash32.sha256(Array("message \(i)".utf8))
            let signature = key.sign(digest: digest)
            #expect(try signature.recoverAddress(digest: digest) == key.address)
            #expect(try signature.recoverPublicKey(digest: digest) == key.publicKey)
            // What a verifier receives: the bytes, parsed and checked again.
            let parsed = try RecoverableSignature(bytes: signature.bytes)
            #expect(parsed == signature)
            #expect(signature.v <= 1)
        }
    }

    @Test func tamperedDigestDoesNotRecoverSigner() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        let digest = Hash32.sha256([1, 2, 3])
        let signature = key.sign(digest: digest)
        var tampered = digest.bytes
        tampered[0] ^= 1
        let other = try? signature.recoverAddress(digest: Hash32(unchecked: tampered))
        #expect(other != key.address)
    }

    @Test func signingIsDeterministic() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        let digest = Hash32.sha256([9, 9, 9])
        #expect(key.sign(digest: digest) == key.sign(digest: digest))
        #expect(key.sign(digest: digest) != key.sign(digest: Hash32.sha256([9, 9])))
    }

    @Test func highSIsRejected() throws {
        let key = try PrivateKey(hex: Self.keyHex)
        let signature = key.sign(digest: Hash32.sha256([4, 5, 6]))
        // The malleated twin (r, n - s, v ^ 1) is a valid ECDSA signature but not low-S.
        var twin = Array(signature.bytes[0..<32]) + subtract(Hex.decodeOrEmpty(Self.order), Array(signature.s))
        twin.append(signature.v ^ 1)
        #expect(throws: CryptoError.highS) { try RecoverableSignature(bytes: twin) }
    }

    @Test func sBoundaryIsHalfOrder() throws {
        let r = [UInt8](repeating: 0, count: 31) + [1]
        let half = Hex.decodeOrEmpty(Self.halfOrder)
        #expect(throws: Never.self) { try RecoverableSignature(bytes: r + half + [0]) }
        var above = half
        above[31] += 1
        #expect(throws: CryptoError.highS) { try RecoverableSignature(bytes: r + above + [0]) }
    }

    @Test func malformedSignaturesAreRejected() throws {
        let one = [UInt8](repeating: 0, count: 31) + [1]
        let zero = [UInt8](repeating: 0, count: 32)
        let n = Hex.decodeOrEmpty(Self.order)
        #expect(throws: CryptoError.signatureWrongLength(64)) { try RecoverableSignature(bytes: one + one) }
        #expect(throws: CryptoError.signatureWrongLength(66)) { try RecoverableSignature(bytes: one + one + [0, 0]) }
        #expect(throws: CryptoError.signatureWrongLength(0)) { try RecoverableSignature(bytes: []) }
        #expect(throws: CryptoError.recoveryIDOutOfRange(2)) { try RecoverableSignature(bytes: one + one + [2]) }
        #expect(throws: CryptoError.recoveryIDOutOfRange(27)) { try RecoverableSignature(bytes: one + one + [27]) }
        #expect(throws: CryptoError.signatureScalarOutOfRange) { try RecoverableSignature(bytes: zero + one + [0]) }
        #expect(throws: CryptoError.signatureScalarOutOfRange) { try RecoverableSignature(bytes: one + zero + [0]) }
        #expect(throws: CryptoError.signatureScalarOutOfRange) { try RecoverableSignature(bytes: n + one + [0]) }
        #expect(throws: CryptoError.signatureScalarOutOfRange) { try RecoverableSignature(bytes: one + n + [0]) }
    }

    /// A well-formed signature whose r is not the x-coordinate of any curve point.
    @Test func unrecoverableSignatureThrows() throws {
        // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is a non-residue mod p).
        let r = [UInt8](repeating: 0, count: 31) + [5]
        let s = [UInt8](repeating: 0, count: 31) + [1]
        let signature = try RecoverableSignature(bytes: r + s + [0])
        #expect(throws: CryptoError.signatureDoesNotRecover) {
            try signature.recoverAddress(digest: Hash32.sha256([1]))
        }
    }

    /// Big-endian a - b for 32-byte values with a ≥ b.
    private func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var d = Int(a[i]) - Int(b[i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            out[i] = UInt8(d)
        }
        return out
    }
}

extension Hex {
    static func decodeOrEmpty(_ s: String) -> [UInt8] { (try? decode(s)) ?? [] }
}

/// The shared libsecp256k1 context is used from many threads at once by block validation.
@Suite struct ConcurrencyTests {
    @Test func concurrentSignAndRecover() async throws {
        let results = await withTaskGroup(of: Bool.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var ok = true
                    for i in 0..<25 {
                        let key = PrivateKey.generate()
                        let digest = Hash32.sha256([UInt8(t), UInt8(i)])
                        let recovered = try? key.sign(digest: digest).recoverAddress(digest: digest)
                        ok = ok && recovered == key.address
                    }
                    return ok
                }
            }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }

    @Test func hexForms() throws {
        let key = try PrivateKey(hex: SignatureTests.keyHex)
        let signature = key.sign(digest: Hash32.sha256([1]))
        #expect(try RecoverableSignature(hex: signature.hex) == signature)
        #expect(try PublicKey(bytes: Hex.decode(key.publicKey.hex)) == key.publicKey)
    }
}
