import CairnCore
import Logging
import NIOCore

/// Filling outbound slots, redialling persistent peers, PEX, scoring and bans.
extension P2PNetwork {
    /// One round of peer management; runs every `maintenanceInterval`.
    func maintain() {
        let now = ContinuousClock.now
        var toDial: [PeerAddress] = []
        var askForAddresses: [PeerConnection] = []
        var toClose: [PeerConnection] = []
        core.withLock { state in
            guard state.running else { return }
            state.scores.prune(now: now)
            let ownID = identity.nodeID
            let peers = state.peers
            let dialling = state.dialling
            let scores = state.scores
            let due = state.book.due(now: now) { id in
                id == ownID || peers[id] != nil || dialling.contains(id) || scores.isBanned(.node(id), now: now)
            }
            toDial += due.filter(\.persistent).map(\.address)
            let pendingOutbound = dialling.count { !persistentIDs.contains($0) && state.seeds[$0] == nil }
            var free = config.maxOutboundPeers - outboundCount(state) - pendingOutbound
            for entry in due where !entry.persistent && free > 0 {
                toDial.append(entry.address)
                free -= 1
            }
            guard config.pexEnabled else { return }
            for id in peers.keys.sorted() {
                let record = peers[id]!
                // Seeds have had their chance to answer; unanswered requests expire.
                if record.isSeed && now - record.since >= config.pexRequestInterval {
                    state.closeReasons[record.connection.serial] = "seed connection done"
                    toClose.append(record.connection)
                    continue
                }
                if let asked = record.pexRequestedAt, now - asked >= config.pexRequestInterval {
                    state.peers[id]!.pexRequestedAt = nil
                }
                if free > 0, state.peers[id]!.pexRequestedAt == nil,
                   record.lastPexSent.map({ now - $0 >= config.pexRequestInterval }) ?? true {
                    state.peers[id]!.pexRequestedAt = now
                    state.peers[id]!.lastPexSent = now
                    askForAddresses.append(record.connection)
                }
            }
            // Nobody to ask and nothing to dial: go back to the seeds (with backoff).
            if free > 0 && due.allSatisfy(\.persistent) && outboundCount(state) == 0 {
                for id in state.seeds.keys.sorted() where state.seeds[id]!.nextAttempt <= now && peers[id] == nil {
                    state.seeds[id]!.attempts += 1
                    let exponent = min(state.seeds[id]!.attempts - 1, 20)
                    state.seeds[id]!.nextAttempt = now + min(config.redialBaseDelay * (1 << exponent), config.redialMaxDelay)
                    toDial.append(state.seeds[id]!.address)
                }
            }
        }
        for connection in toClose { connection.close() }
        for connection in askForAddresses {
            _ = connection.trySend(channel: 0, payload: ControlMessage.pexRequest.canonicalBytes)
        }
        for address in toDial { connect(address) }
    }

    /// PEX requests and replies (channel 0).
    func receivedControl(_ connection: PeerConnection, peer: NodeID, _ message: ControlMessage) {
        let now = ContinuousClock.now
        switch message {
        case .pexRequest:
            enum Outcome { case ignore, tooOften, reply([PeerAddress]) }
            let outcome = core.withLock { state -> Outcome in
                guard let record = state.peers[peer], record.connection.serial == connection.serial else { return .ignore }
                if let last = record.lastPexReceived, now - last < config.pexRequestInterval / 2 { return .tooOften }
                state.peers[peer]!.lastPexReceived = now
                guard config.pexEnabled else { return .reply([]) }
                var addresses = state.peers.values.compactMap { $0.info.id == peer ? nil : $0.info.listenAddress }
                    .shuffled().prefix(config.pexMaxAddresses)
                let known = Set(addresses.map(\.id))
                addresses += state.book.shareable(limit: config.pexMaxAddresses, excluding: peer)
                    .filter { !known.contains($0.id) }
                return .reply(Array(addresses.prefix(min(config.pexMaxAddresses, ControlMessage.maxAddresses))))
            }
            switch outcome {
            case .ignore: break
            case .tooOften:
                // Ignored, not punished: intervals are configurable and a peer's may differ from
                // ours; a peer that spams requests hits the flood limit.
                logger.debug("ignoring a PEX request that came too soon", metadata: ["peer": "\(peer)"])
            case .reply(let addresses):
                _ = connection.trySend(channel: 0, payload: ControlMessage.pexAddresses(addresses.map(\.description)).canonicalBytes)
            }
        case .pexAddresses(let texts):
            var problem: Misbehaviour?
            var closeSeed = false
            let added = core.withLock { state -> Int in
                guard let record = state.peers[peer], record.connection.serial == connection.serial else { return 0 }
                guard record.pexRequestedAt != nil else {
                    problem = .invalidMessage("PEX addresses nobody asked for")
                    return 0
                }
                state.peers[peer]!.pexRequestedAt = nil
                // Up to 64 is valid on the wire (the decoder enforces it); we take our share.
                var added = 0
                for text in texts.prefix(config.pexMaxAddresses) {
                    guard let address = try? PeerAddress(text) else {
                        problem = .invalidMessage("PEX address '\(text.prefix(80))' is malformed")
                        continue
                    }
                    if address.id == identity.nodeID || address.id == peer { continue }
                    if state.book.add(address, source: peer, now: now) { added += 1 }
                }
                if record.isSeed {
                    state.closeReasons[connection.serial] = "seed delivered its addresses"
                    closeSeed = true
                }
                return added
            }
            if let problem { penalize(peer: peer, ip: connection.remoteIP, problem) }
            if added > 0 { logger.debug("learned addresses through PEX", metadata: ["from": "\(peer)", "count": "\(added)"]) }
            if closeSeed { connection.close() }
            if added > 0 { maintain() }
        case .ping, .pong, .goodbye:
            break
        }
    }

    /// Lowers the score of `peer` (or, before the handshake named it, of `ip`); at the threshold
    /// bans it (and its IP if so configured) and closes its connections.
    func penalize(peer: NodeID?, ip: String?, _ misbehaviour: Misbehaviour) {
        let now = ContinuousClock.now
        let banIPs = config.banIPAddresses
        let closing = core.withLock { state -> [PeerConnection] in
            let banned: Bool
            if let peer {
                banned = state.scores.penalize(.node(peer), by: misbehaviour.penalty, now: now)
                if banned, banIPs, let ip { state.scores.ban(.ip(ip), now: now) }
            } else if let ip {
                banned = state.scores.penalize(.ip(ip), by: misbehaviour.penalty, now: now)
            } else {
                banned = false
            }
            guard banned else { return [] }
            let victims = state.connections.values.filter { connection in
                (peer != nil && state.peers[peer!]?.connection.serial == connection.serial)
                    || (banIPs && ip != nil && connection.remoteIP == ip)
            }
            for victim in victims { state.closeReasons[victim.serial] = "banned: \(misbehaviour)" }
            return victims
        }
        let who = peer.map { "\($0)" } ?? ip ?? "?"
        if closing.isEmpty {
            logger.notice("peer misbehaved", metadata: ["peer": "\(who)", "what": "\(misbehaviour)"])
        } else {
            logger.warning("peer banned", metadata: ["peer": "\(who)", "ip": "\(ip ?? "?")", "what": "\(misbehaviour)"])
        }
        for connection in closing { connection.close() }
    }
}
