import CairnCore
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Opening connections and the connection handlers' callbacks.
extension P2PNetwork: ConnectionDelegate {
    /// Open connections beyond which new inbound sockets are closed before the handshake.
    var connectionCap: Int { config.maxInboundPeers + config.maxOutboundPeers + persistentIDs.count + config.seeds.count + 16 }

    /// Installs the decoder and handler on a new channel (inbound when `dialled` is nil).
    func initialize(_ channel: any Channel, dialled: PeerAddress?) -> EventLoopFuture<Void> {
        let now = ContinuousClock.now
        let ip = channel.remoteAddress?.ipAddress
        let registered = core.withLock { state -> (PeerConnection, NodeInfo)? in
            guard state.running, let info = state.localInfo else { return nil }
            if dialled == nil {
                if let ip, config.banIPAddresses, state.scores.isBanned(.ip(ip), now: now) { return nil }
                if state.connections.count >= connectionCap { return nil }
            }
            let connection = PeerConnection(serial: state.nextSerial, channel: channel, dialled: dialled,
                                            sendQueueLimit: config.sendQueueLimit,
                                            sendQueueBytes: config.sendQueueBytes, maxFrameBytes: config.maxFrameBytes)
            state.nextSerial += 1
            state.connections[connection.serial] = connection
            return (connection, info)
        }
        guard let (connection, info) = registered else {
            logger.debug("refused a connection", metadata: ["remote": "\(ip ?? "?")"])
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        let serial = connection.serial
        channel.closeFuture.whenComplete { [self] _ in
            core.withLock { state in
                state.connections[serial] = nil
                state.closeReasons[serial] = nil
                state.established.remove(serial)
            }
        }
        let settings = ConnectionSettings(
            identity: identity, localInfo: info, maxFrameBytes: config.maxFrameBytes,
            handshakeTimeout: TimeAmount(config.handshakeTimeout), pingInterval: TimeAmount(config.pingInterval),
            idleTimeout: TimeAmount(config.idleTimeout), maxMessagesPerSecond: config.maxMessagesPerSecond,
            maxBytesPerSecond: config.maxBytesPerSecond)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: config.maxFrameBytes)))
            try channel.pipeline.syncOperations.addHandler(ConnectionHandler(settings: settings, connection: connection, delegate: self))
        }
    }

    /// Dials `address` unless it is us, connected, being dialled or banned.
    func connect(_ address: PeerAddress) {
        let now = ContinuousClock.now
        let go = core.withLock { state -> Bool in
            guard state.running, address.id != identity.nodeID, state.peers[address.id] == nil,
                  !state.dialling.contains(address.id), !state.scores.isBanned(.node(address.id), now: now),
                  !(config.banIPAddresses && state.scores.isBanned(.ip(address.host), now: now)) else { return false }
            state.dialling.insert(address.id)
            return true
        }
        guard go else { return }
        logger.debug("dialling", metadata: ["peer": "\(address)"])
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(config.dialTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in initialize(channel, dialled: address) }
        bootstrap.connect(host: address.host, port: address.port).whenFailure { [self] error in
            dialFailed(address, reason: "\(error)")
        }
    }

    func dialFailed(_ address: PeerAddress, reason: String) {
        let now = ContinuousClock.now
        core.withLock { state in
            state.dialling.remove(address.id)
            state.book.recordFailure(address.id, now: now, base: config.redialBaseDelay, max: config.redialMaxDelay)
        }
        logger.info("dial failed", metadata: ["peer": "\(address)", "reason": "\(reason)"])
    }

    // MARK: ConnectionDelegate

    func authenticated(_ connection: PeerConnection, peer: NodeID) -> String? {
        let now = ContinuousClock.now
        return core.withLock { state in
            if peer == identity.nodeID {
                state.book.remove(peer)
                return HandshakeError.selfConnection.description
            }
            if state.scores.isBanned(.node(peer), now: now) { return "peer \(peer) is banned" }
            return nil
        }
    }

    func admit(_ connection: PeerConnection, info: NodeInfo) -> Admission {
        let now = ContinuousClock.now
        let id = info.nodeID
        let persistent = persistentIDs.contains(id)
        var replaced: PeerConnection?
        var askForAddresses = false
        let admission = core.withLock { state -> Admission in
            if connection.isOutbound { state.dialling.remove(id) }
            guard state.running else { return .rejected(reason: "shutting down", politely: true) }
            if let existing = state.peers[id] {
                // Keep the connection dialled by the lower node id (both sides agree on that);
                // of two dialled by the same side, the newer one.
                let existingDialler = existing.connection.isOutbound ? identity.nodeID : id
                let newDialler = connection.isOutbound ? identity.nodeID : id
                guard newDialler <= existingDialler else {
                    return .rejected(reason: "already connected to \(id)", politely: false)
                }
                state.peers[id] = nil
                state.closeReasons[existing.connection.serial] = "replaced by a newer connection"
                continuation.yield(.disconnected(id, reason: "replaced by a newer connection"))
                replaced = existing.connection
            }
            if !connection.isOutbound && !persistent {
                let inbound = state.peers.values.count { !$0.connection.isOutbound && !$0.info.isPersistent }
                if inbound >= config.maxInboundPeers {
                    return .rejected(reason: "too many inbound peers (limit \(config.maxInboundPeers))", politely: true)
                }
            }
            let isSeed = connection.isOutbound && state.seeds[id] != nil && !persistent
            let record = PeerRecord(
                connection: connection,
                info: PeerInfo(id: id, remoteAddress: connection.remoteAddress, isOutbound: connection.isOutbound,
                               isPersistent: persistent, listenAddress: listenAddress(connection, info),
                               nodeInfo: info, connectedSince: Date(), score: state.scores.score(.node(id), now: now)),
                isSeed: isSeed, since: now)
            state.peers[id] = record
            state.established.insert(connection.serial)
            if connection.isOutbound { state.book.markConnected(id) }
            if config.pexEnabled && (isSeed || outboundCount(state) < config.maxOutboundPeers) {
                state.peers[id]!.pexRequestedAt = now
                state.peers[id]!.lastPexSent = now
                askForAddresses = true
            }
            continuation.yield(.connected(record.info))
            return .accepted
        }
        replaced?.close()
        switch admission {
        case .accepted:
            logger.info("peer connected", metadata: [
                "peer": "\(id)", "remote": "\(connection.remoteAddress)",
                "direction": "\(connection.isOutbound ? "outbound" : "inbound")", "moniker": "\(info.moniker)"])
            if askForAddresses {
                // After the handler has marked the connection established (it is on this loop).
                connection.channel.eventLoop.execute {
                    _ = connection.trySend(channel: 0, payload: ControlMessage.pexRequest.canonicalBytes)
                }
            }
        case .rejected(let reason, _):
            logger.info("peer refused", metadata: ["peer": "\(id)", "reason": "\(reason)"])
        }
        return admission
    }

    func received(_ connection: PeerConnection, peer: NodeID, channel: UInt8, payload: [UInt8]) {
        let pause = core.withLock { state -> Bool in
            guard state.peers[peer]?.connection.serial == connection.serial else { return false }
            state.peers[peer]!.info.messagesReceived += 1
            state.peers[peer]!.info.bytesReceived += UInt64(payload.count + 1)
            continuation.yield(.message(from: peer, channel: channel, payload: payload))
            state.undelivered[peer, default: 0] += 1
            guard state.undelivered[peer]! >= config.inboundQueueLimit, !state.peers[peer]!.readingPaused else { return false }
            state.peers[peer]!.readingPaused = true
            return true
        }
        if pause {
            logger.debug("pausing reads: the node is behind on this peer's messages", metadata: ["peer": "\(peer)"])
            connection.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    func misbehaved(_ connection: PeerConnection, peer: NodeID?, _ misbehaviour: Misbehaviour) {
        penalize(peer: peer, ip: connection.remoteIP, misbehaviour)
    }

    func closed(_ connection: PeerConnection, peer: NodeID?, reason handlerReason: String, refusedByPeer: Bool) {
        let now = ContinuousClock.now
        let (reason, wasPeer) = core.withLock { state -> (String, Bool) in
            let serial = connection.serial
            state.connections[serial] = nil
            let reason = state.closeReasons.removeValue(forKey: serial) ?? handlerReason
            let wasEstablished = state.established.remove(serial) != nil
            if let dialled = connection.dialled, !wasEstablished {
                state.dialling.remove(dialled.id)
                state.book.recordFailure(dialled.id, now: now, base: config.redialBaseDelay, max: config.redialMaxDelay)
            }
            guard let peer, state.peers[peer]?.connection.serial == serial else { return (reason, false) }
            state.peers[peer] = nil
            if refusedByPeer {
                // It does not want us now (e.g. it is full): back off as after a failed dial.
                state.book.recordFailure(peer, now: now, base: config.redialBaseDelay, max: config.redialMaxDelay)
            } else {
                // A connection that worked: redial after the base delay, not in a tight loop.
                state.book.recordSuccess(peer)
                state.book.postpone(peer, until: now + config.redialBaseDelay)
            }
            continuation.yield(.disconnected(peer, reason: reason))
            return (reason, true)
        }
        if wasPeer {
            logger.info("peer disconnected", metadata: ["peer": "\(peer!)", "reason": "\(reason)"])
        } else {
            logger.info("connection closed during the handshake", metadata: [
                "remote": "\(connection.remoteAddress)", "peer": "\(connection.dialled?.id.description ?? peer?.description ?? "?")",
                "reason": "\(reason)"])
        }
    }

    /// Where others can dial a peer: what we dialled, or its advertised host (else the IP it
    /// connected from) with its advertised port. Nil if it does not listen or the host is invalid.
    func listenAddress(_ connection: PeerConnection, _ info: NodeInfo) -> PeerAddress? {
        if let dialled = connection.dialled { return dialled }
        guard info.listenPort > 0, let host = info.externalHost.isEmpty ? connection.remoteIP : info.externalHost else {
            return nil
        }
        return try? PeerAddress(PeerAddress(id: info.nodeID, host: host, port: info.listenPort).description)
    }

    func outboundCount(_ state: State) -> Int {
        state.peers.values.count { $0.connection.isOutbound && !$0.info.isPersistent && !$0.isSeed }
    }
}
