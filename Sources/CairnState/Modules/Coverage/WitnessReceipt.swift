import CairnCore
import CairnCrypto

/// A witness's report of hearing a beacon (Specs/depin/coverage.md §5). Signed by the witness's
/// device key over `digest`, which names the chain and the challenge, so a receipt cannot be
/// replayed for another beacon or on another chain.
public struct WitnessReceipt: Sendable, Hashable, CanonicalCodable {
    public static let domain = "cairn/coverage/receipt/v1"

    /// The witness's device id.
    public var witness: Address
    /// dBm × 10.
    public var rssi: Int32
    /// dB × 10.
    public var snr: Int32
    /// Hz, as the witness's radio measured it.
    public var frequency: UInt64
    /// Milliseconds since the Unix epoch, by the witness's clock.
    public var time: UInt64
    /// SHA-256 of the payload the witness heard.
    public var packetHash: Hash32

    public init(witness: Address, rssi: Int32, snr: Int32, frequency: UInt64, time: UInt64, packetHash: Hash32) {
        self.witness = witness
        self.rssi = rssi
        self.snr = snr
        self.frequency = frequency
        self.time = time
        self.packetHash = packetHash
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: witness)
        writer.write(int32: rssi)
        writer.write(int32: snr)
        writer.write(varint: frequency)
        writer.write(varint: time)
        writer.write(hash: packetHash)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        witness = try reader.readAddress("receipt.witness")
        rssi = try reader.readInt32("receipt.rssi")
        snr = try reader.readInt32("receipt.snr")
        frequency = try reader.readVarint("receipt.frequency")
        time = try reader.readVarint("receipt.time")
        packetHash = try reader.readHash("receipt.packet_hash")
    }

    /// SHA-256(encode_string(domain) ‖ encode_string(chain_id) ‖ beacon id ‖ encode(receipt)):
    /// what the witness's device key signs.
    public func digest(chainID: String, beaconID: Hash32) -> Hash32 {
        var writer = CanonicalWriter()
        writer.write(string: Self.domain)
        writer.write(string: chainID)
        writer.write(hash: beaconID)
        encode(to: &writer)
        return Hash32.sha256(writer.bytes)
    }
}
