import CairnCore

/// What `cairn localnet start` generates: how many validators, the chain id, where the ports
/// begin and the block interval. Node i (from 0) serves JSON-RPC on `basePort + 2i` and listens
/// for peers on `basePort + 2i + 1`, so a localnet takes the ports `basePort ..< basePort + 2N`.
public struct LocalnetSpec: Sendable, Equatable {
    public var validators: Int
    public var chainID: String
    public var basePort: Int
    public var blockIntervalMilliseconds: Int
    /// Funded accounts besides the validators, whose keys go to `accounts.json`.
    public var testAccounts: Int

    public static let validatorRange = 1...64
    public static let defaultChainID = "cairn-localnet"
    public static let defaultBasePort = 26700

    public init(validators: Int = 4, chainID: String = defaultChainID, basePort: Int = defaultBasePort,
                blockIntervalMilliseconds: Int = 200, testAccounts: Int = 4) {
        self.validators = validators
        self.chainID = chainID
        self.basePort = basePort
        self.blockIntervalMilliseconds = blockIntervalMilliseconds
        self.testAccounts = testAccounts
    }

    public func rpcPort(_ index: Int) -> Int { basePort + 2 * index }
    public func p2pPort(_ index: Int) -> Int { basePort + 2 * index + 1 }

    /// Checks every flag before anything is written.
    public func validate() throws(LocalnetError) {
        guard Self.validatorRange.contains(validators) else {
            throw LocalnetError("--validators must be between \(Self.validatorRange.lowerBound) and \(Self.validatorRange.upperBound), got \(validators)")
        }
        if let problem = ChainID.validate(chainID) { throw LocalnetError("--chain-id: \(problem)") }
        let last = basePort + 2 * validators - 1
        guard basePort >= 1024, last <= 65535 else {
            throw LocalnetError("--base-port must leave room for \(2 * validators) ports between 1024 and 65535 (node i uses base+2i for RPC and base+2i+1 for P2P); \(basePort) gives \(basePort)…\(last)")
        }
        guard (10...600_000).contains(blockIntervalMilliseconds) else {
            throw LocalnetError("--block-interval-ms must be between 10 and 600000, got \(blockIntervalMilliseconds)")
        }
        guard (0...100).contains(testAccounts) else {
            throw LocalnetError("the number of test accounts must be between 0 and 100, got \(testAccounts)")
        }
    }
}
