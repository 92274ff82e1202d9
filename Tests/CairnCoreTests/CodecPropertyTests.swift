import CairnCore
import CairnTestSupport
import CairnCrypto
import CairnState
import PropertyBased
import Testing

/// The encoding is canonical: every value has one encoding, and every other byte string is either
/// rejected or is the (different) encoding of a different value.
@Suite("Codec properties")
struct CodecPropertyTests {
    /// Round trip, then damage the encoding every way a wire can: appended byte, every truncation,
    /// and single-byte changes. A damaged encoding that still decodes must re-encode to exactly the
    /// damaged bytes (so it is a different value, not a second spelling of the same one).
    static func checkCanonical<T: CanonicalCodable & Equatable>(_ value: T, seed: UInt64) {
        let bytes = value.canonicalBytes
        guard case .success(let decoded) = decodeResult(T.self, bytes) else {
            Issue.record("\(T.self) does not decode its own encoding \(Hex.encode(bytes))")
            return
        }
        #expect(decoded == value)
        #expect(decoded.canonicalBytes == bytes)

        var rng = SeededGenerator(seed: seed)
        let extra = UInt8.random(in: 0...255, using: &rng)
        #expect(decodeResult(T.self, bytes + [extra]).failureKind == "trailing_bytes")

        for length in 0..<bytes.count {
            #expect(decodeResult(T.self, Array(bytes[..<length])).failureKind == "truncated",
                    "prefix of \(length) of \(bytes.count) bytes of \(T.self)")
        }

        for _ in 0..<24 {
            var mutated = bytes
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            mutated[i] ^= UInt8.random(in: 1...255, using: &rng)
            if case .success(let other) = decodeResult(T.self, mutated) {
                #expect(other.canonicalBytes == mutated, "byte \(i) of \(T.self) changed, second spelling accepted")
                #expect(other != value)
            }
        }
    }

    @Test func transactions() async {
        await propertyCheck(count: 60, input: Gen.uint64()) { seed in
            var a = Arbitrary(seed: seed)
            Self.checkCanonical(a.transaction(), seed: seed)
            Self.checkCanonical(a.unsigned(), seed: seed &+ 1)
        }
    }

    @Test func headersAndBlocks() async {
        await propertyCheck(count: 40, input: Gen.uint64()) { seed in
            var a = Arbitrary(seed: seed)
            Self.checkCanonical(a.header(), seed: seed)
            Self.checkCanonical(a.block(), seed: seed &+ 1)
        }
    }

    @Test func commits() async {
        await propertyCheck(count: 40, input: Gen.uint64()) { seed in
            var a = Arbitrary(seed: seed)
            Self.checkCanonical(a.commit(), seed: seed)
        }
    }

    @Test func accountsAndSmallRecords() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var a = Arbitrary(seed: seed)
            Self.checkCanonical(a.account(), seed: seed)
            Self.checkCanonical(TransactionLocation(height: a.u64(), index: a.u64(), result: .init(feePaid: a.u128())),
                                seed: seed &+ 1)
            Self.checkCanonical(ConsensusParameters(maxBlockTransactions: a.u64(), maxBlockBytes: a.u64(),
                                                    minTransactionFee: a.u128(), mempoolExpiryBlocks: a.u64()), seed: seed &+ 2)
            Self.checkCanonical(Event(module: "bank", kind: "transfer", [Event.Attribute("amount", String(a.u128()))]),
                                seed: seed &+ 3)
        }
    }

    @Test func varintsRoundTripAtEveryWidth() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed throws in
            var a = Arbitrary(seed: seed)
            let (x, y) = (a.u64(), a.u128())
            var w = CanonicalWriter()
            w.write(varint: x)
            w.write(varint: y)
            var r = CanonicalReader(w.bytes)
            #expect(try r.readVarint("x") == x)
            #expect(try r.readVarint128("y") == y)
            #expect(r.remaining == 0)
            // Writing a UInt64 as a UInt128 varint gives the same bytes: one integer, one encoding.
            var w64 = CanonicalWriter(), w128 = CanonicalWriter()
            w64.write(varint: x)
            w128.write(varint: UInt128(x))
            #expect(w64.bytes == w128.bytes)
        }
    }

    /// The sizes and the id an attestation and a block compute without encoding are those of
    /// their encodings, across every varint width of the tag and the body length.
    @Test func attestationIDsAndSizesAreThoseOfTheEncoding() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var a = Arbitrary(seed: seed)
            let x = a.u64()
            #expect(CanonicalWriter.varintSize(x) == { var w = CanonicalWriter(); w.write(varint: x); return w.bytes.count }())
            let tag = [0, 1, 127, 128, 16_383, 16_384, x, .max][Int(seed % 8)]
            let length = [0, 1, 127, 128, 300, 16_383, 16_384][Int((seed / 8) % 7)]
            let attestation = Attestation(tag: tag, body: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed % 251)) })
            let bytes = attestation.canonicalBytes
            #expect(attestation.encodedSize == bytes.count)
            #expect(attestation.id == Hash32.sha256(bytes))
            let block = Block(header: a.header(), transactions: [], attestations: [attestation, attestation])
            #expect(block.canonicalBytes == { var w = CanonicalWriter(); block.encode(to: &w); return w.bytes }())
        }
    }

    /// Every non-minimal spelling of a value (its encoding padded with 0x80 groups and a final 0x00)
    /// is rejected, in both widths.
    @Test func nonMinimalVarintsAreRejected() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var a = Arbitrary(seed: seed)
            let x = a.u64() >> 8
            var w = CanonicalWriter()
            w.write(varint: x)
            var padded = w.bytes
            padded[padded.count - 1] |= 0x80
            padded.append(0x00)
            var r = CanonicalReader(padded)
            #expect(throws: CanonicalDecodingError.nonMinimalVarint(field: "n")) { try r.readVarint("n") }
            var r128 = CanonicalReader(padded)
            #expect(throws: CanonicalDecodingError.nonMinimalVarint(field: "n")) { try r128.readVarint128("n") }
        }
    }
}

extension Result where Failure == CanonicalDecodingError {
    /// The error kind of a failed decode, or nil when it succeeded.
    var failureKind: String? {
        if case .failure(let e) = self { return e.kind }
        return nil
    }
}
