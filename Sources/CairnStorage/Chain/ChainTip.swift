import CairnCore
import CairnCrypto

/// The last committed block (height 0 = genesis state only, with the genesis hash as its id).
public struct ChainTip: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    public var blockID: Hash32
    public var stateRoot: Hash32

    public init(height: UInt64, blockID: Hash32, stateRoot: Hash32) {
        self.height = height
        self.blockID = blockID
        self.stateRoot = stateRoot
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: height)
        writer.write(hash: blockID)
        writer.write(hash: stateRoot)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        height = try reader.readVarint("tip.height")
        blockID = try reader.readHash("tip.block_id")
        stateRoot = try reader.readHash("tip.state_root")
    }
}
