import CairnCore
import CairnCrypto
@testable import CairnMempool
import Testing

/// The pool's bookkeeping on its own: the verify and check steps are stand-ins that accept
/// everything, so what is asserted is the order, the removal and the byte count.
@Suite("Attestation pool")
struct AttestationPoolTests {
    static func pool(maxBytes: Int = 1 << 20) -> AttestationPool {
        AttestationPool(limits: AttestationPoolLimits(maxAttestations: 100, maxBytes: maxBytes),
                        verify: { attestation in
                            VerifiedAttestation(attestation, signers: [])
                        },
                        check: { _ in })
    }

    static func encoded(_ i: Int, size: Int = 10) -> [UInt8] {
        Attestation(tag: 0, body: [UInt8(i)] + Array(repeating: 0, count: size - 1)).canonicalBytes
    }

    @Test func removingKeepsTheOthersInArrivalOrderAndFreesTheirBytes() async throws {
        let pool = Self.pool()
        var ids: [Hash32] = []
        for i in 0..<8 { ids.append(try await pool.submit(encoded: Self.encoded(i))) }
        await pool.remove([ids[5], ids[1], ids[1], Hash32.sha256([0xFF]), ids[6]])
        #expect(await pool.count == 5)
        let left = await pool.reap(maxAttestations: 100, maxBytes: 1 << 20).map(\.id)
        #expect(left == [ids[0], ids[2], ids[3], ids[4], ids[7]])

        // Freed bytes are admitted again: a pool with room for exactly eight refuses a ninth,
        // then, with three removed, takes exactly three more.
        let size = Self.encoded(0).count
        let tight = Self.pool(maxBytes: 8 * size)
        var tightIDs: [Hash32] = []
        for i in 0..<8 { tightIDs.append(try await tight.submit(encoded: Self.encoded(i))) }
        await #expect(throws: AttestationPoolError.fullBytes(limit: 8 * size)) { _ = try await tight.submit(encoded: Self.encoded(8)) }
        await tight.remove(Array(tightIDs[2..<5]))
        for i in 8..<11 { _ = try await tight.submit(encoded: Self.encoded(i)) }
        await #expect(throws: AttestationPoolError.fullBytes(limit: 8 * size)) { _ = try await tight.submit(encoded: Self.encoded(11)) }
    }
}
