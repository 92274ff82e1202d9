import CairnCore
import CairnCrypto

/// The last committed block (height 0 = genesis state only, with the genesis hash as its id).
public struct ChainTip: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    public var blockID: Hash32
    public var stateRoot: Hash32
    /// The block's VRF seed (the genesis seed at height 0): the next block's VRF input.
    public var seed: Hash32

    public init(height: UInt64, blockID: Hash32, stateRoot: Hash32, seed: Hash32) {
        self.height = height
        self.blockID = blockID
        self.stateRoot = stateRoot
        self.seed = seed
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: height)
        writer.write(hash: blockID)
        writer.write(hash: stateRoot)
        writer.write(hash: seed)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        height = try reader.readVarint("tip.height")
        blockID = try reader.readHash("tip.block_id")
        stateRoot = try reader.readHash("tip.state_root")
        seed = try reader.readHash("tip.seed")
    }
}
