import CairnConsensus
import CairnCore
import CairnCrypto
import CairnMempool
import CairnP2P
import CairnRPC
import Foundation

/// The consensus and network JSON-RPC methods (Specs/rpc.md): validator sets, round state, peers.
struct ConsensusRPC: Sendable {
    let chain: NodeChain
    let driver: ConsensusDriver
    let network: P2PNetwork
    let syncer: BlockSyncer
    let mempool: Mempool

    func register(in registry: inout RPCRegistry) throws {
        try registry.register(RPCMethod(
            name: "consensus_validators",
            summary: "The validator set that votes at a height (default: the height being decided): address, voting power and proposer priority, and the round-0 proposer.",
            params: [RPCParamSpec(name: "height", required: false, schema: RPCSchemas.blockHeight,
                                  description: "A height from 1 to the latest height + 1.")],
            result: RPCResultSpec(name: "validators", schema: RPCSchemas.consensusValidators),
            errors: [RPCErrorSpec(.notFound, "no validator set is known for that height")],
            handler: { params in try await validators(params) }))
        try registry.register(RPCMethod(
            name: "consensus_state",
            summary: "Where consensus is: the height being decided, its round and step, the round's proposer, locked and valid blocks, and the votes counted per round.",
            result: RPCResultSpec(name: "state", schema: RPCSchemas.consensusState),
            handler: { _ in await state() }))
        try registry.register(RPCMethod(
            name: "net_peers",
            summary: "The connected peers: node id, addresses, direction, score and traffic.",
            result: RPCResultSpec(name: "peers", schema: RPCSchemas.netPeers),
            handler: { _ in peers() }))
        try registry.register(RPCMethod(
            name: "net_info",
            summary: "This node's network identity and listen address, peer counts, and block sync progress.",
            result: RPCResultSpec(name: "info", schema: RPCSchemas.netInfo),
            handler: { _ in await info() }))
    }

    func validators(_ params: RPCParams) async throws -> JSONValue {
        let next = await driver.height
        let height = try params.optionalUInt64("height", at: 0) ?? next
        guard height >= 1, height <= next else {
            throw RPCError.notFound("no validator set for height \(height); known heights are 1 to \(next)")
        }
        let schedule = try chain.validatorSchedule(height: height)
        let priorities = schedule.priorities
        return [
            "height": JSONForms.int(height),
            "total_power": JSONForms.int(priorities.totalPower),
            "proposer": .string(priorities.proposer(round: 0).checksummed),
            "validators": .array(priorities.entries.map { entry in
                [
                    "address": .string(entry.address.checksummed),
                    "power": JSONForms.int(entry.power),
                    "proposer_priority": .integer(entry.priority),
                ]
            }),
            "next_validators_hash": .string(schedule.next.hash.hex),
        ]
    }

    func state() async -> JSONValue {
        let s = await driver.status()
        func tally(_ t: VoteTally) -> JSONValue {
            [
                "count": .integer(Int64(t.count)),
                "power": JSONForms.int(t.power),
                "by_block": .array(t.byBlock.map { b in
                    ["block_id": b.blockID.map { .string($0.hex) } ?? .null, "count": .integer(Int64(b.count)),
                     "power": JSONForms.int(b.power)]
                }),
            ]
        }
        return [
            "height": JSONForms.int(s.height),
            "round": JSONForms.int(s.round),
            "step": .string("\(s.step)"),
            "proposer": .string(s.proposer.checksummed),
            "locked_round": s.lockedRound.map(JSONForms.int) ?? .null,
            "locked_block": s.lockedValue.map { .string($0.hex) } ?? .null,
            "valid_round": s.validRound.map(JSONForms.int) ?? .null,
            "valid_block": s.validValue.map { .string($0.hex) } ?? .null,
            "total_power": JSONForms.int(s.validators.totalPower),
            "votes": .array(s.votes.map { r in
                ["round": JSONForms.int(r.round), "prevotes": tally(r.prevotes), "precommits": tally(r.precommits)]
            }),
            "pending_evidence": .integer(Int64(s.pendingEvidence)),
            "latest_height": JSONForms.int(s.tip.height),
            "latest_block_id": .string(s.tip.blockID.hex),
        ]
    }

    func peers() -> JSONValue {
        .array(network.peers().map { p in
            [
                "node_id": .string(p.id.description),
                "remote_address": .string(p.remoteAddress),
                "listen_address": p.listenAddress.map { .string($0.description) } ?? .null,
                "direction": .string(p.isOutbound ? "outbound" : "inbound"),
                "persistent": .bool(p.isPersistent),
                "moniker": .string(p.moniker),
                "connected_since": .string(p.connectedSince.formatted(Date.ISO8601FormatStyle())),
                "score": .integer(Int64(p.score)),
                "bytes_sent": JSONForms.int(p.bytesSent),
                "bytes_received": JSONForms.int(p.bytesReceived),
                "messages_sent": JSONForms.int(p.messagesSent),
                "messages_received": JSONForms.int(p.messagesReceived),
            ]
        })
    }

    func info() async -> JSONValue {
        let peers = network.peers()
        let progress = await syncer.progress()
        let pool = await mempool.size
        return [
            "node_id": .string(network.nodeID.description),
            "listen_address": .string("\(network.config.listenHost):\(network.listenPort ?? network.config.listenPort)"),
            "chain_id": .string(chain.genesis.chainID),
            "peers": .integer(Int64(peers.count)),
            "inbound_peers": .integer(Int64(peers.filter { !$0.isOutbound }.count)),
            "outbound_peers": .integer(Int64(peers.filter(\.isOutbound).count)),
            "syncing": .bool(progress.syncing),
            "sync_height": JSONForms.int(progress.height),
            "sync_target_height": JSONForms.int(progress.target),
            "mempool_transactions": .integer(Int64(pool.transactions)),
            "mempool_bytes": .integer(Int64(pool.bytes)),
        ]
    }
}
