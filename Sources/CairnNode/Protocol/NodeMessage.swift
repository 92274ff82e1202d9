import CairnCore
import CairnCrypto

/// The node's messages on the peer-to-peer channels (Specs/node-protocol.md). Each channel's
/// payload is one message: a varint tag, then its fields in the canonical encoding.
public enum NodeMessage: Sendable, Hashable {
    // Channel 1, consensus.
    /// A signed proposal with the block it names.
    case proposal(SignedProposal, Block)
    case vote(SignedVote)

    // Channel 2, mempool.
    /// Encoded transactions, each at most `Transaction.maxEncodedBytes`.
    case transactions([[UInt8]])
    /// Encoded attestations, each at most `Attestation.maxEncodedBytes`.
    case attestations([[UInt8]])

    // Channel 3, block sync.
    /// The sender's committed range: it can serve blocks `base...height`.
    case syncStatus(base: UInt64, height: UInt64)
    case blockRequest(height: UInt64)
    /// A committed block with the commit that finalised it.
    case blockResponse(Block, Commit)
    /// The sender does not have the requested height.
    case noBlock(height: UInt64)

    public enum Channel: UInt8, Sendable, CaseIterable {
        case consensus = 1
        case mempool = 2
        case blockSync = 3
    }

    public static let maxTransactionsPerMessage = 1_000
    /// 256 attestations of the largest size fill half of the default 8 MiB frame.
    public static let maxAttestationsPerMessage = 256

    public var channel: Channel {
        switch self {
        case .proposal, .vote: .consensus
        case .transactions, .attestations: .mempool
        case .syncStatus, .blockRequest, .blockResponse, .noBlock: .blockSync
        }
    }

    private var tag: UInt64 {
        switch self {
        case .proposal: 0
        case .vote: 1
        case .transactions: 0
        case .attestations: 1
        case .syncStatus: 0
        case .blockRequest: 1
        case .blockResponse: 2
        case .noBlock: 3
        }
    }

    public var payload: [UInt8] {
        var writer = CanonicalWriter()
        writer.write(varint: tag)
        switch self {
        case .proposal(let proposal, let block):
            writer.write(proposal)
            writer.write(block)
        case .vote(let vote):
            writer.write(vote)
        case .transactions(let items), .attestations(let items):
            writer.write(varint: UInt64(items.count))
            for item in items { writer.write(bytes: item) }
        case .syncStatus(let base, let height):
            writer.write(varint: base)
            writer.write(varint: height)
        case .blockRequest(let height), .noBlock(let height):
            writer.write(varint: height)
        case .blockResponse(let block, let commit):
            writer.write(block)
            writer.write(commit)
        }
        return writer.bytes
    }

    /// Decodes one message received on `channel`; throws on an unknown channel or tag,
    /// malformed fields, or trailing bytes.
    public init(channel rawChannel: UInt8, payload: [UInt8]) throws(CanonicalDecodingError) {
        guard let channel = Channel(rawValue: rawChannel) else {
            throw .unknownTag(type: "channel", tag: UInt64(rawChannel))
        }
        var reader = CanonicalReader(payload)
        let tag = try reader.readVarint("message tag")
        switch (channel, tag) {
        case (.consensus, 0):
            self = .proposal(try reader.read(SignedProposal.self), try reader.read(Block.self))
        case (.consensus, 1):
            self = .vote(try reader.read(SignedVote.self))
        case (.mempool, 0):
            let count = try reader.readLength("transactions", limit: Self.maxTransactionsPerMessage)
            var txs: [[UInt8]] = []
            txs.reserveCapacity(count)
            for _ in 0..<count { txs.append(try reader.readBytes("transaction", limit: Transaction.maxEncodedBytes)) }
            self = .transactions(txs)
        case (.mempool, 1):
            let count = try reader.readLength("attestations", limit: Self.maxAttestationsPerMessage)
            var items: [[UInt8]] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try reader.readBytes("attestation", limit: Attestation.maxEncodedBytes)) }
            self = .attestations(items)
        case (.blockSync, 0):
            self = .syncStatus(base: try reader.readVarint("sync.base"), height: try reader.readVarint("sync.height"))
        case (.blockSync, 1):
            self = .blockRequest(height: try reader.readVarint("sync.request_height"))
        case (.blockSync, 2):
            self = .blockResponse(try reader.read(Block.self), try reader.read(Commit.self))
        case (.blockSync, 3):
            self = .noBlock(height: try reader.readVarint("sync.no_block_height"))
        default:
            throw .unknownTag(type: "message on channel \(rawChannel)", tag: tag)
        }
        try reader.finish()
    }
}
