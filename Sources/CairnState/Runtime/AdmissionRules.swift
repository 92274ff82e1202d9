import CairnCore

/// The stateless admission rules as they stand after the latest commit: the chain, the rule set
/// and the consensus parameters in force. The mempool refreshes them after each commit.
public struct AdmissionRules: Sendable {
    public var chainID: String
    public var ruleSet: RuleSet
    public var consensus: ConsensusParameters

    public init(chainID: String, consensus: ConsensusParameters = .defaults, ruleSet: RuleSet = Runtime.standard.latest) {
        self.chainID = chainID
        self.consensus = consensus
        self.ruleSet = ruleSet
    }

    /// Chain, minimum fee, a known and canonical operation; returns what `tx` costs its sender.
    public func cost(of tx: Transaction) throws(TransactionRejection) -> Amount {
        try ruleSet.decode(tx, chainID: chainID, consensus).cost
    }
}

extension ModuleRecord {
    /// The runtime's consensus parameters as a genesis record.
    public static func consensus(_ parameters: ConsensusParameters) -> ModuleRecord {
        ModuleRecord(module: ConsensusParameters.name, encoded: parameters.canonicalBytes)
    }

    /// The runtime's emission parameters as a genesis record.
    public static func emission(_ parameters: EmissionParameters) -> ModuleRecord {
        ModuleRecord(module: EmissionParameters.name, encoded: parameters.canonicalBytes)
    }

    /// A module's parameters as a genesis record.
    public init<M: ChainModule>(_ module: M.Type, _ parameters: M.Parameters) {
        self.init(module: M.name, encoded: parameters.canonicalBytes)
    }
}
