import CairnCore
import CairnCrypto
import CairnState
import CairnStorage
import Foundation

/// A module for runtime tests only: its one operation (tag 900) carries an end-block effect,
/// which the module returns from the end block of the block that carried it. It stands in for
/// governance, the effects' only producer in a real chain.
struct EffectModule: ChainModule {
    static let name = "effects"
    static let namespaces: [UInt8] = [0x70]
    static let operationTags: [UInt64] = [900]
    static let pending = StateKey(namespace: 0x70, key: [])

    enum Request: Sendable, Hashable {
        case change(owner: String, encoded: [UInt8])
        case upgrade(UpgradePlan)
    }

    static func operation(_ request: Request) -> CairnCore.Operation {
        Operation(tag: 900) { w in
            switch request {
            case .change(let owner, let encoded):
                w.write(varint: UInt64(0))
                w.write(string: owner)
                w.write(bytes: encoded)
            case .upgrade(let plan):
                w.write(varint: UInt64(1))
                w.write(plan)
            }
        }
    }

    static func decode(_ operation: CairnCore.Operation) throws(CanonicalDecodingError) -> Request {
        var r = operation.reader
        let request: Request
        switch try r.readVarint("kind") {
        case 0: request = .change(owner: try r.readString("owner", limit: 64), encoded: try r.readBytes("encoded", limit: 4096))
        case 1: request = .upgrade(try r.read(UpgradePlan.self))
        case let kind: throw .unknownTag(type: "effect request", tag: kind)
        }
        try r.finish()
        return request
    }

    static func json(_ operation: Request) -> JSONValue { ["type": "effect"] }
    static var operationSchemas: [JSONValue] { [["type": "object"]] }
    static func spend(_ operation: Request) -> Amount { 0 }

    func apply(_ operation: Request, sender: Address, _ block: BlockContext, _ parameters: BankParameters,
               _ state: inout StateOverlay) throws {
        state.set(Self.pending, RawRecord(bytes: Self.operation(operation).canonicalBytes))
    }

    func endBlock(_ block: BlockContext, _ parameters: BankParameters, _ state: inout StateOverlay) throws -> [EndBlockEffect] {
        guard let raw = try state.get(RawRecord.self, Self.pending) else { return [] }
        state.delete(Self.pending)
        switch try Self.decode(try CairnCore.Operation(canonicalBytes: raw.bytes)) {
        case .change(let owner, let encoded): return [.parameterChange(module: owner, encoded: encoded)]
        case .upgrade(let plan): return [.scheduleUpgrade(plan)]
        }
    }
}

/// A rule only protocol version 2 has: every block from the upgrade on counts itself in the
/// module's namespace, so state under version 2 differs from what version 1 would compute.
struct BlockCounterModule: ChainModule {
    static let name = "counter"
    static let namespaces: [UInt8] = [0x71]
    static let operationTags: [UInt64] = []
    static let key = StateKey(namespace: 0x71, key: [])

    static func decode(_ operation: CairnCore.Operation) throws(CanonicalDecodingError) -> Never {
        throw .unknownTag(type: "counter operation", tag: operation.tag)
    }
    static func json(_ operation: Never) -> JSONValue { switch operation {} }
    static var operationSchemas: [JSONValue] { [] }
    static func spend(_ operation: Never) -> Amount { switch operation {} }
    func apply(_ operation: Never, sender: Address, _ block: BlockContext, _ parameters: BankParameters,
               _ state: inout StateOverlay) throws { switch operation {} }

    func beginBlock(_ block: BlockContext, _ parameters: BankParameters, _ state: inout StateOverlay) throws {
        let count = try state.get(UInt64.self, Self.key) ?? 0
        state.set(Self.key, count + 1)
    }
}

/// Bytes stored as they are.
struct RawRecord: CanonicalCodable {
    let bytes: [UInt8]
    init(bytes: [UInt8]) { self.bytes = bytes }
    func encode(to writer: inout CanonicalWriter) { writer.write(bytes: bytes) }
    init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) { bytes = try reader.readBytes("raw", limit: 1 << 16) }
}

/// A chain on a real database driven by a given runtime: each block built by `BlockBuilder`,
/// checked by `BlockVerifier` (with `verifier`'s runtime, which may differ) and committed.
final class RuntimeChain {
    let directory: String
    let database: ChainDatabase
    let genesis: Genesis
    let builder: BlockBuilder
    let proposer = TestKeys.proposer

    init(runtime: Runtime, genesis: Genesis) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-runtime-\(UUID().uuidString)").path
        database = try ChainDatabase(path: directory)
        self.genesis = genesis
        let (changes, tree) = try StateCommitment.genesis(genesis, runtime: runtime)
        try database.initialize(genesisHash: genesis.hash, stateChanges: changes, treeUpdate: tree, firstValidatorSchedule: [])
        builder = BlockBuilder(executor: BlockExecutor(chainID: genesis.chainID, runtime: runtime))
    }

    deinit {
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func validators(at tip: ChainTip) -> BlockValidators {
        BlockValidators(current: genesis.validators, next: genesis.validators, last: tip.height == 0 ? nil : genesis.validators)
    }

    /// Builds the next block of `candidates` (signed off by the one validator) and commits it.
    @discardableResult
    func commitNext(_ candidates: [VerifiedTransaction] = [], attestations: [VerifiedAttestation] = []) throws -> BuiltBlock {
        let built = try buildNext(candidates, attestations: attestations)
        try commit(built)
        return built
    }

    /// Commits a built block, signed off by the one validator.
    func commit(_ built: BuiltBlock) throws {
        let block = built.block
        let payload = VoteSigningPayload(chainID: chainID, type: .precommit, height: block.header.height, round: 0, blockID: block.id)
        let commit = Commit(height: block.header.height, round: 0, blockID: block.id,
                            signatures: [CommitSignature(validator: proposer.address, signature: proposer.sign(digest: payload.signingHash))])
        try database.commit(built.executed.write(commit: commit, nextValidatorSchedule: []))
    }

    /// The next block of `candidates`, not committed.
    func buildNext(_ candidates: [VerifiedTransaction] = [], attestations: [VerifiedAttestation] = []) throws -> BuiltBlock {
        let tip = try database.tip()!
        let lastCommit = tip.height == 0 ? nil : try database.commit(height: tip.height)
        return try builder.build(parent: tip, time: genesis.genesisTime + tip.height + 1, sealer: proposer,
                                 lastCommit: lastCommit, evidence: [], validators: validators(at: tip), candidates: candidates,
                                 attestations: attestations, database: database)
    }

    /// `block` checked by a verifier running `runtime` against this chain's tip.
    func verify(_ block: Block, runtime: Runtime) throws -> ExecutedBlock {
        let tip = try database.tip()!
        let parentTime = tip.height == 0 ? genesis.genesisTime : try database.block(height: tip.height)!.header.time
        return try BlockVerifier(executor: BlockExecutor(chainID: genesis.chainID, runtime: runtime))
            .verify(block, parent: tip, parentTime: parentTime, validators: validators(at: tip), database: database)
    }

    func consensusParameters() throws -> ConsensusParameters {
        try ConsensusParameters(canonicalBytes: database.entry(RuntimeNamespace.parametersKey("consensus"))!)
    }
}

func effect(_ request: EffectModule.Request, from key: PrivateKey, nonce: UInt64, fee: Amount = 10) -> VerifiedTransaction {
    try! VerifiedTransaction(UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee,
                                                 operation: EffectModule.operation(request)).signed(with: key))
}
