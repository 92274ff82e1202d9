/// Ethereum's Keccak-256: Keccak-f[1600] sponge, rate 136 bytes, capacity 512 bits, with the
/// ORIGINAL Keccak padding (first pad byte 0x01). This is not FIPS-202 SHA3-256, which pads with
/// 0x06 and gives different digests; addresses and EIP-55 checksums are defined with Keccak.
/// Written by hand because swift-crypto has SHA3 but no Keccak.
public enum Keccak256 {
    /// Bytes absorbed per permutation (1600 - 2 * 256 bits).
    static let rate = 136

    /// Keccak-256 of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// Keccak-256 of `bytes` as a `Hash32`.
    public static func hash32(_ bytes: some Sequence<UInt8>) -> Hash32 {
        Hash32(unchecked: hash(bytes))
    }

    /// Keccak-256 of raw memory; the state is a stack allocation and the only heap allocation
    /// is the returned digest.
    public static func hash(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            hash(input, into: UnsafeMutableRawBufferPointer(out))
            count = 32
        }
    }

    /// Writes the 32-byte Keccak-256 of `input` to the start of `output` (which must hold 32 bytes).
    public static func hash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        hash(input, into: output, padding: 0x01)
    }

    /// `padding` is the first pad byte: 0x01 for Keccak, 0x06 for FIPS-202 SHA3-256 (used only by
    /// the tests, to check the sponge against an independent SHA3 implementation).
    static func hash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, padding: UInt8) {
        precondition(output.count >= 32, "Keccak256 output buffer needs 32 bytes")
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25) { state in
            let s = state.baseAddress!
            s.initialize(repeating: 0, count: 25)
            var offset = 0
            let count = input.count
            // Full blocks straight from the input.
            while count - offset >= rate {
                for lane in 0..<17 {
                    s[lane] ^= UInt64(littleEndian: input.loadUnaligned(fromByteOffset: offset + lane * 8, as: UInt64.self))
                }
                permute(s)
                offset += rate
            }
            // Last (possibly empty) partial block, padded with 0x01 ... 0x80.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rate) { block in
                let remaining = count - offset
                block.initialize(repeating: 0)
                if remaining > 0 {
                    UnsafeMutableRawBufferPointer(block).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: input[offset..<count]))
                }
                block[remaining] ^= padding
                block[rate - 1] ^= 0x80
                let raw = UnsafeRawBufferPointer(block)
                for lane in 0..<17 {
                    s[lane] ^= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self))
                }
            }
            permute(s)
            for lane in 0..<4 {
                output.storeBytes(of: s[lane].littleEndian, toByteOffset: lane * 8, as: UInt64.self)
            }
        }
    }

    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    @inline(__always)
    private static func rotl(_ v: UInt64, _ n: UInt64) -> UInt64 { (v &<< n) | (v &>> (64 &- n)) }

    /// Keccak-f[1600] on 25 little-endian lanes; lane (x, y) is at index x + 5y. The state lives in
    /// locals for the 24 rounds so the permutation touches memory only on entry and exit.
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        var a0 = s[0]
        var a1 = s[1]
        var a2 = s[2]
        var a3 = s[3]
        var a4 = s[4]
        var a5 = s[5]
        var a6 = s[6]
        var a7 = s[7]
        var a8 = s[8]
        var a9 = s[9]
        var a10 = s[10]
        var a11 = s[11]
        var a12 = s[12]
        var a13 = s[13]
        var a14 = s[14]
        var a15 = s[15]
        var a16 = s[16]
        var a17 = s[17]
        var a18 = s[18]
        var a19 = s[19]
        var a20 = s[20]
        var a21 = s[21]
        var a22 = s[22]
        var a23 = s[23]
        var a24 = s[24]
        for rc in roundConstants {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotl(c1, 1)
            let d1 = c0 ^ rotl(c2, 1)
            let d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1)
            let d4 = c3 ^ rotl(c0, 1)
            let b0 = a0 ^ d0
            let b10 = rotl(a1 ^ d1, 1)
            let b20 = rotl(a2 ^ d2, 62)
            let b5 = rotl(a3 ^ d3, 28)
            let b15 = rotl(a4 ^ d4, 27)
            let b16 = rotl(a5 ^ d0, 36)
            let b1 = rotl(a6 ^ d1, 44)
            let b11 = rotl(a7 ^ d2, 6)
            let b21 = rotl(a8 ^ d3, 55)
            let b6 = rotl(a9 ^ d4, 20)
            let b7 = rotl(a10 ^ d0, 3)
            let b17 = rotl(a11 ^ d1, 10)
            let b2 = rotl(a12 ^ d2, 43)
            let b12 = rotl(a13 ^ d3, 25)
            let b22 = rotl(a14 ^ d4, 39)
            let b23 = rotl(a15 ^ d0, 41)
            let b8 = rotl(a16 ^ d1, 45)
            let b18 = rotl(a17 ^ d2, 15)
            let b3 = rotl(a18 ^ d3, 21)
            let b13 = rotl(a19 ^ d4, 8)
            let b14 = rotl(a20 ^ d0, 18)
            let b24 = rotl(a21 ^ d1, 2)
            let b9 = rotl(a22 ^ d2, 61)
            let b19 = rotl(a23 ^ d3, 56)
            let b4 = rotl(a24 ^ d4, 14)
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a0 ^= rc
        }
        s[0] = a0
        s[1] = a1
        s[2] = a2
        s[3] = a3
        s[4] = a4
        s[5] = a5
        s[6] = a6
        s[7] = a7
        s[8] = a8
        s[9] = a9
        s[10] = a10
        s[11] = a11
        s[12] = a12
        s[13] = a13
        s[14] = a14
        s[15] = a15
        s[16] = a16
        s[17] = a17
        s[18] = a18
        s[19] = a19
        s[20] = a20
        s[21] = a21
        s[22] = a22
        s[23] = a23
        s[24] = a24
    }
}
