import CairnCore
import CairnCrypto

/// What a challenged hotspot transmits (Specs/depin/coverage.md §4). Everything derives from the
/// challenge block's seed, unknown until that block exists, so no beacon can be recorded or
/// relayed ahead of time, and from the challengee, so two challengees never share a payload.
public struct Beacon: Sendable, Hashable {
    public static let idDomain = "cairn/coverage/beacon-id/v1"
    public static let payloadDomain = "cairn/coverage/beacon-payload/v1"
    public static let channelDomain = "cairn/coverage/beacon-channel/v1"

    /// Names the challenge (height, challengee) in receipts, signatures and selection.
    public let id: Hash32
    /// The 32 bytes the challengee transmits.
    public let payload: [UInt8]
    /// SHA-256 of the payload: what witnesses report.
    public let packetHash: Hash32
    /// Index into the channel plan.
    public let channel: UInt64
    /// The channel's centre, Hz.
    public let frequency: UInt64

    /// SHA-256(encode_string(idDomain) ‖ u64_be(height) ‖ challengee): one id per challenge,
    /// independent of the seed, so a receipt's signature names the challenge, not a random value.
    public static func id(height: UInt64, challengee: Address) -> Hash32 {
        CoverageDraw.digest(idDomain, height.bigEndianBytes, challengee.bytes)
    }

    public static func derive(seed: Hash32, height: UInt64, challengee: Address, plan: ChannelPlan) -> Beacon {
        let payload = CoverageDraw.digest(payloadDomain, seed.bytes, height.bigEndianBytes, challengee.bytes).bytes
        let channel = CoverageDraw.uniform(below: max(plan.count, 1), channelDomain,
                                           seed.bytes + height.bigEndianBytes + challengee.bytes)
        return Beacon(id: id(height: height, challengee: challengee), payload: payload, packetHash: Hash32.sha256(payload),
                      channel: channel, frequency: plan.frequency(of: channel))
    }
}
