import CairnCrypto

/// The chain's starting point: identity, parameters, balances and validators.
/// Built only through `GenesisFile.parse`, which validates it.
public struct Genesis: Sendable, Hashable, CanonicalEncodable {
    public struct Allocation: Sendable, Hashable, CanonicalEncodable {
        public var address: Address
        public var balance: Amount

        public init(address: Address, balance: Amount) {
            self.address = address
            self.balance = balance
        }

        public func encode(to writer: inout CanonicalWriter) {
            writer.write(address: address)
            writer.write(varint: balance)
        }
    }

    public var chainID: String
    /// Milliseconds since the Unix epoch; the first block's time must be later.
    public var genesisTime: UInt64
    public var protocolVersion: UInt64
    public var parameters: ChainParameters
    /// Sorted by address, no duplicates.
    public var allocations: [Allocation]
    public var validators: ValidatorSet

    public init(chainID: String, genesisTime: UInt64, protocolVersion: UInt64, parameters: ChainParameters,
                allocations: [Allocation], validators: ValidatorSet) {
        self.chainID = chainID
        self.genesisTime = genesisTime
        self.protocolVersion = protocolVersion
        self.parameters = parameters
        self.allocations = allocations.sorted { $0.address < $1.address }
        self.validators = validators
    }

    /// Identifies the chain beside its id: a data dir remembers it, and block 1 points at it.
    public var hash: Hash32 { domainHash("cairn/genesis/v1") }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(varint: genesisTime)
        writer.write(varint: protocolVersion)
        writer.write(parameters)
        writer.write(list: allocations)
        writer.write(varint: UInt64(validators.validators.count))
        for v in validators.validators {
            writer.write(address: v.address)
            writer.write(varint: v.power)
        }
    }
}
