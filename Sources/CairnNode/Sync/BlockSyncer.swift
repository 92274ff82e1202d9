import CairnCore
import CairnCrypto
import CairnP2P
import Logging

/// Block sync (Specs/node-protocol.md §3): learns how far each peer's chain reaches, fetches the
/// committed blocks this node lacks from several peers at once, and hands them to the consensus
/// driver in height order, which checks each commit against the validator set of its height
/// before applying the block. Also serves this node's blocks to peers.
///
/// It runs all the time: a node that falls behind (it was down, partitioned, or missed a
/// height's precommits) fetches the gap by itself, and consensus continues from the new tip.
public actor BlockSyncer {
    public struct Settings: Sendable {
        /// Most heights requested ahead of the tip at once.
        public var window: Int = 32
        /// Most outstanding requests per peer.
        public var perPeer: Int = 8
        /// A request unanswered this long goes to another peer.
        public var requestTimeout: Duration = .seconds(5)
        public var statusInterval: Duration = .seconds(1)
        /// Behind by one height for this long counts as syncing (one height behind is normal for
        /// the moment between a peer's commit and ours).
        public var lagGrace: Duration = .seconds(3)
        public init() {}
    }

    /// What `node_status` reports.
    public struct Progress: Sendable {
        public let syncing: Bool
        public let height: UInt64
        public let target: UInt64
        public let peers: Int
    }

    let driver: ConsensusDriver
    let chain: NodeChain
    let messenger: any PeerMessenger
    let settings: Settings
    let logger: Logger
    let onProgress: @Sendable (Progress) -> Void

    private var peerHeights: [NodeID: UInt64] = [:]
    private var requested: [UInt64: (peer: NodeID, at: ContinuousClock.Instant)] = [:]
    private var received: [UInt64: (block: Block, commit: Commit, peer: NodeID)] = [:]
    private var behindSince: ContinuousClock.Instant?
    private var applying = false
    private var nextPeer = 0

    public init(driver: ConsensusDriver, chain: NodeChain, messenger: any PeerMessenger, settings: Settings = Settings(),
                logger: Logger, onProgress: @escaping @Sendable (Progress) -> Void = { _ in }) {
        self.driver = driver
        self.chain = chain
        self.messenger = messenger
        self.settings = settings
        self.logger = logger
        self.onProgress = onProgress
    }

    public func peerConnected(_ peer: NodeID) async {
        let tip = await driver.committedTip
        messenger.send(.syncStatus(base: 1, height: tip.height), to: peer)
    }

    public func peerDisconnected(_ peer: NodeID) {
        peerHeights[peer] = nil
        for (height, request) in requested where request.peer == peer { requested[height] = nil }
    }

    public func receive(_ message: NodeMessage, from peer: NodeID) async {
        switch message {
        case .syncStatus(let base, let height):
            guard base <= max(height, 1) else {
                messenger.report(peer, .invalidMessage("sync status with base \(base) above height \(height)"))
                return
            }
            peerHeights[peer] = height
            await fill()
        case .blockRequest(let height):
            serve(height, to: peer)
        case .blockResponse(let block, let commit):
            let height = block.header.height
            guard requested[height]?.peer == peer else { return }  // unsolicited or late: ignore
            requested[height] = nil
            guard commit.height == height, commit.blockID == block.id else {
                messenger.report(peer, .invalidMessage("block response whose commit is for another block"))
                return
            }
            received[height] = (block, commit, peer)
            await applyReady()
            await fill()
        case .noBlock(let height):
            guard requested[height]?.peer == peer else { return }
            requested[height] = nil
            if let known = peerHeights[peer], known >= height { peerHeights[peer] = height - 1 }
            await fill()
        default:
            return
        }
    }

    /// Announces this node's height, expires slow requests and requests more; runs until cancelled.
    public func run() async {
        var lastStatus = ContinuousClock.now - settings.statusInterval
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(200)) } catch { return }
            let now = ContinuousClock.now
            if now - lastStatus >= settings.statusInterval {
                lastStatus = now
                let tip = await driver.committedTip
                messenger.broadcast(.syncStatus(base: 1, height: tip.height), except: nil)
            }
            for (height, request) in requested where now - request.at >= settings.requestTimeout {
                logger.debug("block request timed out", metadata: ["height": "\(height)", "peer": "\(request.peer)"])
                requested[height] = nil
            }
            await applyReady()
            await fill()
        }
    }

    /// Heights above the tip that some peer has committed and nobody was asked for yet, spread
    /// over the peers that have them.
    private func fill() async {
        let tip = await driver.committedTip.height
        let target = peerHeights.values.max() ?? 0
        report(tip: tip, target: target)
        guard target > tip else { return }
        for height in requested.keys where height <= tip { requested[height] = nil }
        for height in received.keys where height <= tip { received[height] = nil }
        let last = min(target, tip + UInt64(settings.window))
        var height = tip + 1
        while height <= last {
            defer { height += 1 }
            guard requested[height] == nil, received[height] == nil else { continue }
            guard let peer = pickPeer(having: height) else { break }
            if messenger.send(.blockRequest(height: height), to: peer) {
                requested[height] = (peer, .now)
            }
        }
    }

    private func pickPeer(having height: UInt64) -> NodeID? {
        let load = Dictionary(grouping: requested.values, by: \.peer).mapValues(\.count)
        let eligible = peerHeights.filter { $0.value >= height && (load[$0.key] ?? 0) < settings.perPeer }
            .keys.sorted()
        guard !eligible.isEmpty else { return nil }
        nextPeer &+= 1
        return eligible[nextPeer % eligible.count]
    }

    /// Hands received blocks to the driver in height order; a block that fails is dropped and
    /// its sender scored down, and the height is requested again elsewhere.
    private func applyReady() async {
        guard !applying else { return }
        applying = true
        defer { applying = false }
        while true {
            let next = await driver.height
            guard let entry = received.removeValue(forKey: next) else { return }
            do {
                try await driver.applySynced(entry.block, commit: entry.commit)
            } catch {
                logger.warning("synced block rejected", metadata: [
                    "height": "\(next)", "peer": "\(entry.peer)", "reason": "\(error)",
                ])
                messenger.report(entry.peer, .invalidMessage("served an invalid block: \(error)"))
                peerHeights[entry.peer] = nil
                return
            }
        }
    }

    private func serve(_ height: UInt64, to peer: NodeID) {
        do {
            if height >= 1, let block = try chain.database.block(height: height),
               let commit = try chain.database.commit(height: height) {
                messenger.send(.blockResponse(block, commit), to: peer)
                return
            }
        } catch {
            logger.error("cannot read block \(height) to serve it: \(error)")
        }
        messenger.send(.noBlock(height: height), to: peer)
    }

    private func report(tip: UInt64, target: UInt64) {
        let now = ContinuousClock.now
        if target > tip {
            if behindSince == nil { behindSince = now }
        } else {
            behindSince = nil
        }
        let lagging = behindSince.map { now - $0 >= settings.lagGrace } ?? false
        let syncing = target >= tip + 2 || (target > tip && lagging)
        onProgress(Progress(syncing: syncing, height: tip, target: max(target, tip), peers: peerHeights.count))
    }

    public func progress() async -> Progress {
        let tip = await driver.committedTip.height
        let target = peerHeights.values.max() ?? 0
        let lagging = behindSince.map { ContinuousClock.now - $0 >= settings.lagGrace } ?? false
        return Progress(syncing: target >= tip + 2 || (target > tip && lagging), height: tip,
                        target: max(target, tip), peers: peerHeights.count)
    }
}
