import CairnCore
import CairnCrypto

/// One meter reading (Specs/depin/energy.md §4): the meter's cumulative register at the end of a
/// slot, and the meter's own count of readings, so a replayed or reordered reading is told apart
/// from a new one.
public struct MeterReading: Sendable, Hashable, CanonicalCodable {
    public var slot: UInt64
    /// Cumulative Wh the meter has counted since it was made.
    public var energy: UInt64
    public var sequence: UInt64

    public init(slot: UInt64, energy: UInt64, sequence: UInt64) {
        self.slot = slot
        self.energy = energy
        self.sequence = sequence
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: slot)
        writer.write(varint: energy)
        writer.write(varint: sequence)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        slot = try reader.readVarint("reading.slot")
        energy = try reader.readVarint("reading.energy")
        sequence = try reader.readVarint("reading.sequence")
    }
}

/// What a meter signs: its id and a run of its readings. One signature covers the whole run, so
/// an hour of 5-minute readings costs one key recovery instead of twelve.
public struct ReadingBatch: Sendable, Hashable, CanonicalCodable {
    public static let domain = "cairn/energy/readings/v1"

    public var meter: Address
    public var readings: [MeterReading]

    public init(meter: Address, readings: [MeterReading]) {
        self.meter = meter
        self.readings = readings
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(address: meter)
        writer.write(list: readings)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        meter = try reader.readAddress("batch.meter")
        readings = try reader.readList("batch.readings", limit: Int(EnergyParameters.readingsCap))
    }

    /// SHA-256(encode_string(domain) ‖ encode_string(chain_id) ‖ encode(batch)): the chain id keeps
    /// a batch from counting on another chain.
    public func digest(chainID: String) -> Hash32 {
        var writer = CanonicalWriter(capacity: 64 + readings.count * 16)
        writer.write(string: Self.domain)
        writer.write(string: chainID)
        encode(to: &writer)
        return Hash32.sha256(writer.bytes)
    }
}

/// A batch with the meter's device signature over its digest.
public struct SignedBatch: Sendable, Hashable, CanonicalCodable {
    public var batch: ReadingBatch
    public var signature: RecoverableSignature

    public init(batch: ReadingBatch, signature: RecoverableSignature) {
        self.batch = batch
        self.signature = signature
    }

    public func encode(to writer: inout CanonicalWriter) {
        batch.encode(to: &writer)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        batch = try ReadingBatch(from: &reader)
        signature = try reader.read(RecoverableSignature.self)
    }

    /// The address the signature recovers from the batch's digest, nil when it recovers none.
    public func signer(chainID: String) -> Address? {
        try? signature.recoverAddress(digest: batch.digest(chainID: chainID))
    }
}

extension ReadingBatch {
    /// The batch signed by the meter's device key (firmware, gateways' test tools, the CLI).
    public func signed(with deviceKey: PrivateKey, chainID: String) -> SignedBatch {
        SignedBatch(batch: self, signature: deviceKey.sign(digest: digest(chainID: chainID)))
    }
}
