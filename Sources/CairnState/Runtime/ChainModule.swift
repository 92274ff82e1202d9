import CairnCore
import CairnCrypto

/// A state module of the runtime (Specs/runtime.md §2): what it owns, its parameters, its
/// operations and its hooks. The runtime calls the hooks in module order; a module touches only
/// its own namespaces, and moves tokens only through the ledger (`StateOverlay.credit`, `debit`,
/// `mint`, `burn`). Adding a module is a new folder with a conforming type, its Specs page and
/// one line in `Runtime.standard`.
public protocol ChainModule: Sendable {
    associatedtype Parameters: ModuleParameters
    associatedtype ModuleOperation: Sendable
    associatedtype ModuleAttestation: Sendable = Never

    /// Lower-case name, unique in the runtime: parameter records, events, module accounts and
    /// reason codes are keyed by it.
    static var name: String { get }
    /// State namespaces whose entries only this module writes.
    static var namespaces: [UInt8] { get }
    /// Operation tags this module decodes and applies.
    static var operationTags: [UInt64] { get }
    /// Emission pools this module receives: each is a module account named by the string.
    static var emissionPools: [String] { get }
    /// Attestation tags this module decodes and applies (Specs/runtime.md §12).
    static var attestationTags: [UInt64] { get }

    /// Decodes an operation with one of `operationTags`; a body that is not this module's
    /// canonical encoding throws, and the transaction is invalid.
    static func decode(_ operation: Operation) throws(CanonicalDecodingError) -> ModuleOperation
    /// The operation's JSON form (a `type` word and its fields), as RPC shows transactions.
    static func json(_ operation: ModuleOperation) -> JSONValue
    /// A JSON Schema of each operation's JSON form, for the RPC document.
    static var operationSchemas: [JSONValue] { get }
    /// Base units the operation takes from the sender besides the fee (checked with the fee
    /// against the sender's balance and deducted before `apply`).
    static func spend(_ operation: ModuleOperation) -> Amount

    /// Decodes an attestation with one of `attestationTags`; a body that is not canonical throws.
    static func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> ModuleAttestation
    /// The device signatures inside an attestation, each with the digest it signs. The runtime
    /// recovers them once per node and passes the addresses to `applyAttestation`.
    static func signatures(of attestation: ModuleAttestation, chainID: String) -> [AttestationSignature]
    /// Reads the module's section of the genesis file's `state` object into the canonical
    /// encoding its `genesis` hook decodes (`Genesis.moduleStates`). The default refuses any.
    static func genesisState(json: JSONValue) throws(ParameterProblem) -> [UInt8]
    /// Writes the module's genesis state. Its parameters record is written by the runtime.
    func genesis(_ genesis: Genesis, _ parameters: Parameters, _ state: inout StateOverlay) throws
    /// Before the block's transactions. A thrown `BlockRuleViolation` makes the block invalid.
    func beginBlock(_ block: BlockContext, _ parameters: Parameters, _ state: inout StateOverlay) throws
    /// Whether `operation` of `sender` can apply on committed state: the mempool's stateful
    /// admission. Throws the module's rejection. Writes are discarded.
    func check(_ operation: ModuleOperation, sender: Address, _ block: BlockContext, _ parameters: Parameters,
               _ state: inout StateOverlay) throws
    /// Applies the operation (the sender's nonce, fee and `spend` are already handled). A thrown
    /// rejection undoes the whole transaction.
    func apply(_ operation: ModuleOperation, sender: Address, _ block: BlockContext, _ parameters: Parameters,
               _ state: inout StateOverlay) throws
    /// Applies an attestation of the block (after its transactions): `signers[i]` is what
    /// signature i of `signatures(of:)` recovers. A thrown rejection makes the attestation
    /// invalid: a builder leaves it out, a verifier rejects the block.
    func applyAttestation(_ attestation: ModuleAttestation, signers: [Address?], _ block: BlockContext,
                          _ parameters: Parameters, _ state: inout StateOverlay) throws
    /// Whether the attestation would apply on committed state: the attestation pool's admission.
    /// It must refuse exactly what `applyAttestation` would; writes are discarded.
    func checkAttestation(_ attestation: ModuleAttestation, signers: [Address?], _ block: BlockContext,
                          _ parameters: Parameters, _ state: inout StateOverlay) throws
    /// After the block's transactions; returns the effects the runtime applies.
    func endBlock(_ block: BlockContext, _ parameters: Parameters, _ state: inout StateOverlay) throws -> [EndBlockEffect]
    /// Read-only queries, served over RPC as `<name>_<query>` methods.
    func queries() -> [ModuleQuery]
    /// Which of `candidates` (misbehaviour evidence a proposer holds, oldest first) a block at
    /// `block.height` may carry, which can never be carried (with why), and how long and how
    /// much of it is worth keeping. Reads committed state only.
    func selectEvidence(_ candidates: [DuplicateVoteEvidence], _ block: BlockContext, _ parameters: Parameters,
                        _ state: inout StateOverlay) throws -> EvidenceSelection
}

/// A module's verdict on pending evidence (see `ChainModule.selectEvidence`).
public struct EvidenceSelection: Sendable, Equatable {
    /// What the block may carry, in order.
    public var chosen: [DuplicateVoteEvidence]
    /// What no later block can carry either, with the reason.
    public var refused: [Refusal]
    /// Evidence older than this many blocks is never admissible.
    public var maxAge: UInt64
    /// Most pending pieces worth holding.
    public var maxPending: Int

    public struct Refusal: Sendable, Equatable {
        public let evidence: DuplicateVoteEvidence
        public let reason: String

        public init(_ evidence: DuplicateVoteEvidence, _ reason: String) {
            self.evidence = evidence
            self.reason = reason
        }
    }

    public init(chosen: [DuplicateVoteEvidence], refused: [Refusal] = [], maxAge: UInt64 = .max, maxPending: Int = .max) {
        self.chosen = chosen
        self.refused = refused
        self.maxAge = maxAge
        self.maxPending = maxPending
    }
}

extension ChainModule {
    public static var emissionPools: [String] { [] }
    public static var attestationTags: [UInt64] { [] }
    public static func genesisState(json: JSONValue) throws(ParameterProblem) -> [UInt8] {
        throw ParameterProblem(field: "", "\(name) has no genesis state beyond its parameters")
    }
    public func genesis(_ genesis: Genesis, _ parameters: Parameters, _ state: inout StateOverlay) throws {}
    public func beginBlock(_ block: BlockContext, _ parameters: Parameters, _ state: inout StateOverlay) throws {}
    /// By default the check is the apply itself, on a scratch overlay the runtime throws away.
    public func check(_ operation: ModuleOperation, sender: Address, _ block: BlockContext, _ parameters: Parameters,
                      _ state: inout StateOverlay) throws {
        try apply(operation, sender: sender, block, parameters, &state)
    }
    public func endBlock(_ block: BlockContext, _ parameters: Parameters,
                         _ state: inout StateOverlay) throws -> [EndBlockEffect] { [] }
    /// By default the check is the apply itself, on a scratch overlay the runtime throws away.
    public func checkAttestation(_ attestation: ModuleAttestation, signers: [Address?], _ block: BlockContext,
                                 _ parameters: Parameters, _ state: inout StateOverlay) throws {
        try applyAttestation(attestation, signers: signers, block, parameters, &state)
    }
    public func queries() -> [ModuleQuery] { [] }
    public func selectEvidence(_ candidates: [DuplicateVoteEvidence], _ block: BlockContext, _ parameters: Parameters,
                               _ state: inout StateOverlay) throws -> EvidenceSelection {
        EvidenceSelection(chosen: candidates)
    }
}

/// A module's parameters record (Specs/runtime.md §4).
public protocol ModuleParameters: CanonicalCodable, Sendable, Hashable {
    /// The values a genesis file that leaves the module's section out gets.
    static var defaults: Self { get }
    /// The first rule these values break, naming the field; nil when they can run a chain.
    var problem: ParameterProblem? { get }
    /// The JSON form: every field by its Specs name.
    var json: JSONValue { get }
    /// A JSON Schema of the JSON form.
    static var jsonSchema: JSONValue { get }
    /// Reads the JSON form; a field left out keeps its value in `base`.
    init(json: JSONValue, base: Self) throws(ParameterProblem)
}

/// Why a parameter value cannot be used: the field (Specs name) and the rule.
public struct ParameterProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`, or the message alone for a problem with the whole record.
    public var description: String { field.isEmpty ? message : "\(field): \(message)" }

    /// The same problem with the field named under `prefix` (`params.staking.max_validators`).
    public func under(_ prefix: String) -> ParameterProblem {
        ParameterProblem(field: prefix.isEmpty ? field : field.isEmpty ? prefix : "\(prefix).\(field)", message)
    }
}

/// A module's reason a transaction cannot apply. `reason` is stable: it is the RPC `data.reason`.
public protocol ModuleRejection: Error, Sendable, CustomStringConvertible {
    var reason: String { get }
}

/// A block's begin-block or end-block rule that the block breaks (its evidence, say): the block
/// is invalid. Distinct from every other error a hook throws, which is a local fault.
public struct BlockRuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public let module: String
    public let reason: String
    public let message: String

    public init(module: String, reason: String, message: String) {
        self.module = module
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(module): \(message)" }
}

/// What an end-block hook asks the runtime to do once every module's end block has run.
public enum EndBlockEffect: Sendable, Hashable {
    /// The validator set that takes effect two heights later.
    case validatorSet(ValidatorSet)
    /// New parameters for a module (or for "consensus" / "emission"), in that record's encoding.
    /// The owner validates them; a rejected change changes nothing and is reported as an event.
    case parameterChange(module: String, encoded: [UInt8])
    /// Schedules (or replaces) the pending protocol upgrade.
    case scheduleUpgrade(UpgradePlan)
    /// Drops the pending protocol upgrade, if any.
    case cancelUpgrade
}

/// A module that carries no attestations: it owns no tag, so none of these is ever called.
extension ChainModule where ModuleAttestation == Never {
    public static func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> Never {
        throw .invalidValue(field: "attestation.tag", reason: "\(name) carries no attestations")
    }
    public static func signatures(of attestation: Never, chainID: String) -> [AttestationSignature] {}
    public func applyAttestation(_ attestation: Never, signers: [Address?], _ block: BlockContext,
                                 _ parameters: Parameters, _ state: inout StateOverlay) throws {}
}
