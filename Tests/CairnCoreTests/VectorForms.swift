import CairnCore
import CairnCrypto
import CairnState

/// The JSON shapes of Specs/vectors/*.json. Integers that can exceed 2^53 are decimal strings;
/// bytes are 0x-prefixed lower-case hex; addresses are EIP-55.

struct KeysFile: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var privateKey: String
        var publicKeyUncompressed: String
        var publicKeyCompressed: String
        var address: String
    }
    var description: String
    var vectors: [Entry]
}

/// An operation's fields by name (Specs/transactions.md §3); a field the variant lacks is absent.
struct OperationForm: Codable, Equatable {
    var type: String
    var tag: Int
    var to: String?
    var amount: String?
    var consensusKey: String?
    /// ppm; absent in an edit_validator that keeps the commission.
    var commission: String?
    var selfBond: String?
    var validator: String?
    var source: String?
    var destination: String?

    init(type: String, tag: UInt64, to: Address? = nil, amount: Amount? = nil, consensusKey: Address? = nil,
         commission: UInt64? = nil, selfBond: Amount? = nil, validator: Address? = nil,
         source: Address? = nil, destination: Address? = nil) {
        self.type = type
        self.tag = Int(tag)
        self.to = to?.checksummed
        self.amount = amount.map { String($0) }
        self.consensusKey = consensusKey?.checksummed
        self.commission = commission.map { String($0) }
        self.selfBond = selfBond.map { String($0) }
        self.validator = validator?.checksummed
        self.source = source?.checksummed
        self.destination = destination?.checksummed
    }

    init(_ operation: Operation) {
        if operation.tag == BankOperation.transferTag, case .transfer(let to, let amount) = try! BankModule.decode(operation) {
            self.init(type: "transfer", tag: BankOperation.transferTag, to: to, amount: amount)
        } else {
            let op = try! StakingModule.decode(operation)
            switch op {
            case .createValidator(let key, let commission, let selfBond):
                self.init(type: "create_validator", tag: op.tag, consensusKey: key, commission: commission, selfBond: selfBond)
            case .editValidator(let v, let commission):
                self.init(type: "edit_validator", tag: op.tag, commission: commission, validator: v)
            case .delegate(let v, let amount):
                self.init(type: "delegate", tag: op.tag, amount: amount, validator: v)
            case .undelegate(let v, let amount):
                self.init(type: "undelegate", tag: op.tag, amount: amount, validator: v)
            case .redelegate(let s, let d, let amount):
                self.init(type: "redelegate", tag: op.tag, amount: amount, source: s, destination: d)
            case .unjail(let v):
                self.init(type: "unjail", tag: op.tag, validator: v)
            case .withdrawRewards(let v):
                self.init(type: "withdraw_rewards", tag: op.tag, validator: v)
            }
        }
    }
}

struct TransactionsFile: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var comment: String
        var privateKey: String
        var chainId: String
        var nonce: String
        var fee: String
        var operation: OperationForm
        var unsignedEncoding: String
        var signingPreimage: String
        var signingHash: String
        var signature: String
        var encoding: String
        var id: String
        var sender: String
    }
    var description: String
    var vectors: [Entry]
}

struct HeaderForm: Codable, Equatable {
    var chainId: String
    var height: String
    var time: String
    var previousBlockId: String
    var transactionsRoot: String
    var attestationsRoot: String
    var stateRoot: String
    var validatorsHash: String
    var nextValidatorsHash: String
    var lastCommitHash: String
    var evidenceRoot: String
    var proposer: String
    var proposerKey: String
    var seed: String
    var seedProof: String
    var protocolVersion: String
}

struct BlocksFile: Codable, Equatable {
    struct HeaderEntry: Codable, Equatable {
        var comment: String
        var header: HeaderForm
        /// The seed the header's seal was proved over (its parent's seed).
        var previousSeed: String
        var encoding: String
        var id: String
    }
    struct BlockEntry: Codable, Equatable {
        var comment: String
        var header: HeaderForm
        /// Full transaction encodings, in block order.
        var transactions: [String]
        var transactionIds: [String]
        var encoding: String
        var id: String
    }
    struct VoteEntry: Codable, Equatable {
        var comment: String
        var chainId: String
        var type: String
        var typeValue: Int
        var height: String
        var round: String
        var blockId: String?
        var payloadEncoding: String
        var signingPreimage: String
        var signingHash: String
        var privateKey: String
        var signature: String
        var signer: String
    }
    struct CommitEntry: Codable, Equatable {
        struct Signature: Codable, Equatable {
            var validator: String
            var signature: String
        }
        var comment: String
        var chainId: String
        var height: String
        var round: String
        var blockId: String
        var signatures: [Signature]
        var encoding: String
    }
    var description: String
    var headers: [HeaderEntry]
    var blocks: [BlockEntry]
    var votes: [VoteEntry]
    var commits: [CommitEntry]
}

struct EncodingFile: Codable, Equatable {
    struct Valid: Codable, Equatable {
        var type: String
        var value: String
        var encoding: String
    }
    struct Invalid: Codable, Equatable {
        var comment: String
        var type: String
        var encoding: String
        var error: String
        var field: String?
    }
    var description: String
    var valid: [Valid]
    var invalid: [Invalid]
}

struct StateFile: Codable, Equatable {
    struct KeyEntry: Codable, Equatable {
        var address: String
        var key: String
    }
    struct ValueEntry: Codable, Equatable {
        var balance: String
        var nonce: String
        var encoding: String
        var valueHash: String
    }
    var description: String
    var accountKeys: [KeyEntry]
    var accountValues: [ValueEntry]
}

struct GenesisVectorFile: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var comment: String
        /// The genesis file text, exactly as given to the parser.
        var json: String
        var genesisTimeMs: String
        var encoding: String
        var hash: String
        /// Every entry of the state at height 0, sorted by state key: the accounts and the
        /// genesis validators' staking records (Specs/genesis.md §3, Specs/staking.md §9).
        var stateEntries: [StateEntryForm]
        /// Sparse Merkle root of those entries (Specs/state.md).
        var stateRoot: String
    }
    var description: String
    var vectors: [Entry]
}

struct ExecutionFile: Codable, Equatable {
    struct AccountEntry: Codable, Equatable {
        var address: String
        var balance: String
        var nonce: String
    }
    var description: String
    var genesisJson: String
    var genesisStateRoot: String
    var height: String
    var proposer: String
    /// Full transaction encodings, in block order.
    var transactions: [String]
    var transactionIds: [String]
    var transactionsRoot: String
    var feesPaid: [String]
    /// Every account the block changed, sorted by address, with its new value.
    var changedAccounts: [AccountEntry]
    /// Every other state entry the block changed, sorted by state key, with its new encoding.
    var changedStakingEntries: [StateEntryForm]
    /// The fee collector's balance after the block: the block's fees (Specs/runtime.md §6; the
    /// key keeps its earlier name).
    var rewardPot: String
    var stateRoot: String
}

/// One state entry (Specs/state.md): namespace byte, key bytes, value encoding.
struct StateEntryForm: Codable, Equatable {
    var namespace: Int
    var key: String
    var encoding: String
}

struct RuntimeFile: Codable, Equatable {
    struct ModuleAccountEntry: Codable, Equatable {
        var name: String
        var address: String
    }
    struct RecordEntry: Codable, Equatable {
        var comment: String
        var namespace: Int
        var key: String
        var json: String
        var encoding: String
    }
    struct EventEntry: Codable, Equatable {
        var comment: String
        var json: String
        var encoding: String
    }
    var description: String
    var moduleAccounts: [ModuleAccountEntry]
    var records: [RecordEntry]
    var events: [EventEntry]
    var blockResults: EventEntry
}
