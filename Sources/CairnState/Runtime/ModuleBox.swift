import CairnCore
import CairnCrypto

/// A module behind the runtime's seam: the typed hooks of one `ChainModule`, called with values
/// only the same module produced (its decoded parameters and operations), so the casts hold.
struct ModuleBox<M: ChainModule>: RegisteredModule {
    let module: M

    var name: String { M.name }
    var namespaces: [UInt8] { M.namespaces }
    var operationTags: [UInt64] { M.operationTags }
    var emissionPools: [String] { M.emissionPools }
    var operationSchemas: [JSONValue] { M.operationSchemas }
    var attestationTags: [UInt64] { M.attestationTags }
    var parameters: ParameterSchema { ParameterSchema(owner: M.name, M.Parameters.self) }

    func decode(_ operation: Operation) throws(CanonicalDecodingError) -> any Sendable {
        try M.decode(operation)
    }

    func spend(_ operation: any Sendable) -> Amount { M.spend(operation as! M.ModuleOperation) }
    func genesisState(json: JSONValue) throws(ParameterProblem) -> [UInt8] { try M.genesisState(json: json) }

    func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> any Sendable {
        try M.decodeAttestation(attestation)
    }

    func attestationSignatures(_ attestation: any Sendable, chainID: String) -> [AttestationSignature] {
        M.signatures(of: attestation as! M.ModuleAttestation, chainID: chainID)
    }

    func owns(_ attestation: any Sendable) -> Bool { attestation is M.ModuleAttestation }

    func applyAttestation(_ attestation: any Sendable, signers: [Address?], _ block: BlockContext, _ parameters: any Sendable,
                          _ state: inout StateOverlay) throws {
        try module.applyAttestation(attestation as! M.ModuleAttestation, signers: signers, block, parameters as! M.Parameters, &state)
    }
    func checkAttestation(_ attestation: any Sendable, signers: [Address?], _ block: BlockContext, _ parameters: any Sendable,
                          _ state: inout StateOverlay) throws {
        try module.checkAttestation(attestation as! M.ModuleAttestation, signers: signers, block, parameters as! M.Parameters, &state)
    }
    func json(_ operation: any Sendable) -> JSONValue { M.json(operation as! M.ModuleOperation) }

    func genesis(_ genesis: Genesis, _ parameters: any Sendable, _ state: inout StateOverlay) throws {
        try module.genesis(genesis, parameters as! M.Parameters, &state)
    }

    func beginBlock(_ block: BlockContext, _ parameters: any Sendable, _ state: inout StateOverlay) throws {
        try module.beginBlock(block, parameters as! M.Parameters, &state)
    }

    func check(_ operation: any Sendable, sender: Address, _ block: BlockContext, _ parameters: any Sendable,
               _ state: inout StateOverlay) throws {
        try module.check(operation as! M.ModuleOperation, sender: sender, block, parameters as! M.Parameters, &state)
    }

    func apply(_ operation: any Sendable, sender: Address, _ block: BlockContext, _ parameters: any Sendable,
               _ state: inout StateOverlay) throws {
        try module.apply(operation as! M.ModuleOperation, sender: sender, block, parameters as! M.Parameters, &state)
    }

    func endBlock(_ block: BlockContext, _ parameters: any Sendable, _ state: inout StateOverlay) throws -> [EndBlockEffect] {
        try module.endBlock(block, parameters as! M.Parameters, &state)
    }

    func queries() -> [ModuleQuery] { module.queries() }

    func selectEvidence(_ candidates: [DuplicateVoteEvidence], _ block: BlockContext, _ parameters: any Sendable,
                        _ state: inout StateOverlay) throws -> EvidenceSelection {
        try module.selectEvidence(candidates, block, parameters as! M.Parameters, &state)
    }
}

/// What the runtime holds of each module.
protocol RegisteredModule: Sendable {
    var name: String { get }
    var namespaces: [UInt8] { get }
    var operationTags: [UInt64] { get }
    var emissionPools: [String] { get }
    var operationSchemas: [JSONValue] { get }
    var attestationTags: [UInt64] { get }
    var parameters: ParameterSchema { get }
    func decode(_ operation: Operation) throws(CanonicalDecodingError) -> any Sendable
    func spend(_ operation: any Sendable) -> Amount
    func genesisState(json: JSONValue) throws(ParameterProblem) -> [UInt8]
    func decodeAttestation(_ attestation: Attestation) throws(CanonicalDecodingError) -> any Sendable
    /// Whether `attestation` is this module's decoded attestation type.
    func owns(_ attestation: any Sendable) -> Bool
    func attestationSignatures(_ attestation: any Sendable, chainID: String) -> [AttestationSignature]
    func applyAttestation(_ attestation: any Sendable, signers: [Address?], _ block: BlockContext, _ parameters: any Sendable,
                          _ state: inout StateOverlay) throws
    func checkAttestation(_ attestation: any Sendable, signers: [Address?], _ block: BlockContext, _ parameters: any Sendable,
                          _ state: inout StateOverlay) throws
    func json(_ operation: any Sendable) -> JSONValue
    func genesis(_ genesis: Genesis, _ parameters: any Sendable, _ state: inout StateOverlay) throws
    func beginBlock(_ block: BlockContext, _ parameters: any Sendable, _ state: inout StateOverlay) throws
    func check(_ operation: any Sendable, sender: Address, _ block: BlockContext, _ parameters: any Sendable,
               _ state: inout StateOverlay) throws
    func apply(_ operation: any Sendable, sender: Address, _ block: BlockContext, _ parameters: any Sendable,
               _ state: inout StateOverlay) throws
    func endBlock(_ block: BlockContext, _ parameters: any Sendable, _ state: inout StateOverlay) throws -> [EndBlockEffect]
    func queries() -> [ModuleQuery]
    func selectEvidence(_ candidates: [DuplicateVoteEvidence], _ block: BlockContext, _ parameters: any Sendable,
                        _ state: inout StateOverlay) throws -> EvidenceSelection
}

/// One parameters record's type, erased: its owner, defaults, JSON form and validation.
struct ParameterSchema: Sendable {
    let owner: String
    let defaults: [UInt8]
    let decode: @Sendable ([UInt8]) throws(ParameterProblem) -> any Sendable
    let fromJSON: @Sendable (JSONValue) throws(ParameterProblem) -> [UInt8]
    let json: @Sendable ([UInt8]) throws(ParameterProblem) -> JSONValue
    /// A JSON Schema of the record's JSON form.
    let jsonSchema: JSONValue

    init<P: ModuleParameters>(owner: String, _ type: P.Type,
                              extraCheck: @escaping @Sendable (P) -> ParameterProblem? = { _ in nil }) {
        self.owner = owner
        defaults = P.defaults.canonicalBytes
        jsonSchema = P.jsonSchema
        let decodeChecked: @Sendable ([UInt8]) throws(ParameterProblem) -> P = { bytes throws(ParameterProblem) in
            let p: P
            do { p = try P(canonicalBytes: bytes) } catch {
                throw ParameterProblem(field: "", "not a canonical encoding of \(owner)'s parameters: \(error)")
            }
            if let problem = p.problem ?? extraCheck(p) { throw problem }
            return p
        }
        decode = { bytes throws(ParameterProblem) in try decodeChecked(bytes) }
        fromJSON = { json throws(ParameterProblem) in
            let p = try P(json: json, base: P.defaults)
            if let problem = p.problem ?? extraCheck(p) { throw problem }
            return p.canonicalBytes
        }
        self.json = { bytes throws(ParameterProblem) in try decodeChecked(bytes).json }
    }
}
