import CairnCrypto

/// One module's record as genesis sets it: the module's name and its canonical encoding of a
/// value only the module decodes — its parameters (Specs/runtime.md §4) or its genesis state
/// (§9: devices' makers, say).
public struct ModuleRecord: Sendable, Hashable, CanonicalCodable {
    public var module: String
    public var encoded: [UInt8]

    public init(module: String, encoded: [UInt8]) {
        self.module = module
        self.encoded = encoded
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: module)
        writer.write(bytes: encoded)
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        module = try reader.readString("module record.module", limit: 64)
        encoded = try reader.readBytes("module record.encoded", limit: 1 << 20)
    }
}

/// The chain's starting point: identity, parameters, balances and validators.
/// Built only through `GenesisFile.parse` (CairnState), which validates it against the runtime's modules.
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
    /// Every module's parameters, sorted by module name.
    public var parameters: [ModuleRecord]
    /// Sorted by address, no duplicates.
    public var allocations: [Allocation]
    public var validators: ValidatorSet
    /// Modules' genesis state beyond parameters, sorted by module name; a module left out starts empty.
    public var moduleStates: [ModuleRecord]

    public init(chainID: String, genesisTime: UInt64, protocolVersion: UInt64, parameters: [ModuleRecord],
                allocations: [Allocation], validators: ValidatorSet, moduleStates: [ModuleRecord] = []) {
        self.chainID = chainID
        self.genesisTime = genesisTime
        self.protocolVersion = protocolVersion
        self.parameters = parameters.sorted { $0.module.utf8.lexicographicallyPrecedes($1.module.utf8) }
        self.allocations = allocations.sorted { $0.address < $1.address }
        self.validators = validators
        self.moduleStates = moduleStates.sorted { $0.module.utf8.lexicographicallyPrecedes($1.module.utf8) }
    }

    /// The encoded genesis state of `module`, nil when genesis has none for it.
    public func state(of module: String) -> [UInt8]? {
        moduleStates.first { $0.module == module }?.encoded
    }

    /// The encoded parameters of `module`, nil when genesis has none for it.
    public func parameters(of module: String) -> [UInt8]? {
        parameters.first { $0.module == module }?.encoded
    }

    /// Identifies the chain beside its id: a data dir remembers it, and block 1 points at it.
    public var hash: Hash32 { domainHash("cairn/genesis/v1") }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(string: chainID)
        writer.write(varint: genesisTime)
        writer.write(varint: protocolVersion)
        writer.write(list: parameters)
        writer.write(list: allocations)
        writer.write(varint: UInt64(validators.validators.count))
        for v in validators.validators {
            writer.write(address: v.address)
            writer.write(varint: v.power)
        }
        writer.write(list: moduleStates)
    }
}
