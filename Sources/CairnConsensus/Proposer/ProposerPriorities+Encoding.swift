import CairnCore
import CairnCrypto

/// The stored form (Specs/proposer-selection.md §5): the node persists the priorities with each
/// height so that a restarted node picks the same proposers as the rest of the network.
extension ProposerPriorities: CanonicalCodable {
    /// More validators than any Cairn network plans for; bounds the decoder's allocation.
    public static let maxValidators = 10_000

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: UInt64(entries.count))
        for e in entries {
            writer.write(address: e.address)
            writer.write(varint: e.power)
            writer.write(varint: Self.zigzag(e.priority))
        }
        writer.write(address: roundZeroProposer)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let count = try reader.readLength("proposer_priorities.validators", limit: Self.maxValidators)
        guard count > 0 else {
            throw .invalidValue(field: "proposer_priorities.validators", reason: "empty validator set")
        }
        var entries = [Entry]()
        entries.reserveCapacity(count)
        var total: UInt64 = 0
        for _ in 0..<count {
            let address = try reader.readAddress("proposer_priorities.address")
            let power = try reader.readVarint("proposer_priorities.power")
            let priority = Self.unzigzag(try reader.readVarint("proposer_priorities.priority"))
            if let last = entries.last, !(last.address < address) {
                throw .invalidValue(field: "proposer_priorities.address", reason: "not strictly sorted at \(address)")
            }
            guard power > 0 else {
                throw .invalidValue(field: "proposer_priorities.power", reason: "zero power for \(address)")
            }
            let (sum, overflow) = total.addingReportingOverflow(power)
            guard !overflow, sum <= Self.maxTotalPower else {
                throw .invalidValue(field: "proposer_priorities.power", reason: "total power above \(Self.maxTotalPower)")
            }
            total = sum
            entries.append(Entry(address: address, power: power, priority: priority))
        }
        let proposer = try reader.readAddress("proposer_priorities.proposer")
        guard entries.contains(where: { $0.address == proposer }) else {
            throw .invalidValue(field: "proposer_priorities.proposer", reason: "\(proposer) is not in the validator set")
        }
        self.init(checkedEntries: entries, proposer: proposer)
    }

    /// ZigZag: 0, −1, 1, −2, … → 0, 1, 2, 3, …, so small magnitudes stay short as varints.
    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    static func unzigzag(_ u: UInt64) -> Int64 { Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1) }
}
