import CairnCore
import CairnCrypto
import CairnState
import Testing

/// Each rejection names the field it happened in, so a bad message from a peer or a damaged record
/// can be diagnosed from the error alone.
@Suite("Decoding errors")
struct DecodingErrorTests {
    private static let key = Arbitrary.keys[0]
    private static let tx = UnsignedTransaction(chainID: "cairn-test", nonce: 5, fee: 1_000,
                                                operation: .transfer(to: Address(unchecked: [UInt8](repeating: 0xaa, count: 20)),
                                                                     amount: 300)).signed(with: key)

    @Test func varintEdgeCases() throws {
        func u64(_ bytes: [UInt8]) -> Result<UInt64, CanonicalDecodingError> {
            var r = CanonicalReader(bytes)
            do throws(CanonicalDecodingError) {
                let v = try r.readVarint("v")
                try r.finish()
                return .success(v)
            } catch { return .failure(error) }
        }
        func u128(_ bytes: [UInt8]) -> Result<UInt128, CanonicalDecodingError> {
            var r = CanonicalReader(bytes)
            do throws(CanonicalDecodingError) {
                let v = try r.readVarint128("v")
                try r.finish()
                return .success(v)
            } catch { return .failure(error) }
        }
        #expect(try u64([0x00]).get() == 0)
        #expect(try u64([0x7f]).get() == 127)
        #expect(try u64([0x80, 0x01]).get() == 128)
        #expect(try u64([UInt8](repeating: 0xff, count: 9) + [0x01]).get() == .max)
        #expect(try u128([UInt8](repeating: 0xff, count: 18) + [0x03]).get() == .max)
        #expect(u64([0x80, 0x00]).failureKind == "non_minimal_varint")
        #expect(u64([0xff, 0x80, 0x00]).failureKind == "non_minimal_varint")
        #expect(u64([UInt8](repeating: 0xff, count: 9) + [0x02]).failureKind == "varint_overflow")
        #expect(u64([UInt8](repeating: 0xff, count: 10) + [0x01]).failureKind == "varint_overflow")
        #expect(u64([UInt8](repeating: 0x80, count: 10) + [0x01]).failureKind == "varint_overflow")
        #expect(u128([UInt8](repeating: 0xff, count: 18) + [0x04]).failureKind == "varint_overflow")
        #expect(u128([UInt8](repeating: 0xff, count: 19) + [0x01]).failureKind == "varint_overflow")
        #expect(u64([]).failureKind == "truncated")
        #expect(u64([0x80]).failureKind == "truncated")
        #expect(u64([0x01, 0x00]).failureKind == "trailing_bytes")
    }

    @Test func truncationNamesTheField() {
        let bytes = Self.tx.canonicalBytes
        // chain id (1 + 10) then nonce (1) then fee (2): cutting inside the fee.
        #expect(decodeResult(Transaction.self, Array(bytes[..<13])) == .failure(.truncated(field: "fee")))
        #expect(decodeResult(Transaction.self, Array(bytes.dropLast())) == .failure(.truncated(field: "signature")))
        var arbitrary = Arbitrary(seed: 1)
        let header = arbitrary.headerForTests()
        let hb = header.canonicalBytes
        var version = CanonicalWriter()
        version.write(varint: header.protocolVersion)
        let afterProposer = 33 + 32 + VRFProof.byteCount + version.bytes.count
        #expect(decodeResult(BlockHeader.self, Array(hb.dropLast(afterProposer + 1))) == .failure(.truncated(field: "header.proposer")))
        #expect(decodeResult(BlockHeader.self, Array(hb.dropLast(version.bytes.count + 1))) == .failure(.truncated(field: "header.seed_proof")))
        var badKey = hb
        badKey[hb.count - afterProposer] = 0x04
        #expect(decodeResult(BlockHeader.self, badKey)
                == .failure(.invalidValue(field: "header.proposer_key", reason: "not a compressed secp256k1 public key")))
        #expect(decodeResult(BlockHeader.self, Array(hb.dropLast(1))) == .failure(.truncated(field: "header.protocol_version")))
    }

    @Test func lengthsAboveTheLimitAreRejectedBeforeReading() {
        // A chain id of 49 bytes: above the 48 the format allows.
        var w = CanonicalWriter()
        w.write(string: String(repeating: "a", count: 49))
        #expect(decodeResult(UnsignedTransaction.self, w.bytes)
                == .failure(.lengthExceedsLimit(field: "chain id", length: 49, limit: 48)))
        // A commit that claims 10 001 signatures fails on the count, not after reading them.
        var c = CanonicalWriter()
        c.write(varint: UInt64(1)); c.write(varint: UInt64(0)); c.write(hash: .zero); c.write(varint: UInt64(10_001))
        #expect(decodeResult(Commit.self, c.bytes)
                == .failure(.lengthExceedsLimit(field: "commit.signatures", length: 10_001, limit: 10_000)))
        let big = [UInt8](repeating: 0, count: Transaction.maxEncodedBytes + 1)
        #expect(throws: CanonicalDecodingError.lengthExceedsLimit(field: "transaction", length: 16_385, limit: 16_384)) {
            try Transaction.decode(big)
        }
    }

    /// The core encoding carries any tag with its body; which tags exist is the runtime's rule
    /// (Specs/runtime.md §3): an unknown tag, or a body its module cannot read, is a rejected
    /// transaction with its own reason, not a decoding error.
    @Test func unknownOperationTag() throws {
        var bytes = Self.tx.unsigned.canonicalBytes
        let tagOffset = 1 + 10 + 1 + 2
        #expect(bytes[tagOffset] == 0x00)
        let rules = AdmissionRules(chainID: "cairn-test", consensus: ConsensusParameters())
        func rejection(_ bytes: [UInt8]) throws -> TransactionRejection? {
            let unsigned = try UnsignedTransaction(canonicalBytes: bytes)
            do { _ = try rules.cost(of: Transaction(unsigned: unsigned, signature: Self.tx.signature)); return nil } catch { return error }
        }
        // 0 is transfer, 1–7 the staking operations, 8–11 the devices ones, 12–15 storage's and 16–19
        // energy's: 20 is the first unknown tag.
        bytes[tagOffset] = 20
        #expect(try rejection(bytes) == .unknownOperation(tag: 20))
        #expect(try rejection(bytes)?.reason == "unknown_operation")
        bytes[tagOffset] = 99
        #expect(try rejection(bytes) == .unknownOperation(tag: 99))
        // A known staking tag reads the body as that operation (create_validator needs more bytes).
        bytes[tagOffset] = 0x01
        guard case .malformedOperation(1, _)? = try rejection(bytes) else {
            Issue.record("a create_validator body cut short is malformed")
            return
        }
    }

    @Test func invalidValues() {
        var w = CanonicalWriter()
        w.write(bytes: [0x63, 0xff])   // "c" then a byte that starts no UTF-8 sequence
        #expect(decodeResult(UnsignedTransaction.self, w.bytes).failure?.field == "chain id")
        #expect(decodeResult(UnsignedTransaction.self, w.bytes).failureKind == "invalid_value")

        var bytes = Self.tx.canonicalBytes
        bytes[bytes.count - 1] = 2   // recovery id must be 0 or 1
        #expect(decodeResult(Transaction.self, bytes).failure?.field == "signature")
        // High-S: replace s by n - s, the malleated twin of a valid signature.
        var sig = Self.tx.signature.bytes
        let n: [UInt8] = hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        var borrow = 0
        for i in (0..<32).reversed() {
            let d = Int(n[i]) - Int(sig[32 + i]) - borrow
            sig[32 + i] = UInt8((d + 256) % 256)
            borrow = d < 0 ? 1 : 0
        }
        let twin = Array(Self.tx.canonicalBytes.dropLast(65)) + sig
        #expect(decodeResult(Transaction.self, twin).failure?.field == "signature")

        var r = CanonicalReader([0x02])
        #expect(throws: CanonicalDecodingError.invalidValue(field: "flag", reason: "boolean byte must be 0 or 1, got 2")) {
            try r.readBool("flag")
        }
    }

    @Test func messagesSayWhatIsWrong() {
        #expect(CanonicalDecodingError.truncated(field: "fee").description == "input ends in the middle of fee")
        #expect(CanonicalDecodingError.lengthExceedsLimit(field: "chain id", length: 49, limit: 48).description
                == "chain id has length 49, above the limit of 48")
        #expect(CanonicalDecodingError.unknownTag(type: "operation", tag: 7).description == "unknown operation tag 7")
    }
}

extension Arbitrary {
    /// A header with a one-byte protocol version, so byte offsets from the end are known.
    mutating func headerForTests() -> BlockHeader {
        var h = header()
        h.protocolVersion = 1
        return h
    }
}

extension Result where Failure == CanonicalDecodingError {
    var failure: CanonicalDecodingError? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
