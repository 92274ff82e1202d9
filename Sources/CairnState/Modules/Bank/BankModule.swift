import CairnCore
import CairnCrypto

/// Bank's operations: tag 0 (Specs/modules/bank.md).
public enum BankOperation: Sendable, Hashable {
    /// Moves `amount` base units from the sender to `to`.
    case transfer(to: Address, amount: Amount)

    public static let transferTag: UInt64 = 0

    public var operation: Operation {
        switch self {
        case .transfer(let to, let amount):
            Operation(tag: Self.transferTag) { w in
                w.write(address: to)
                w.write(varint: amount)
            }
        }
    }
}

extension Operation {
    /// A bank transfer.
    public static func transfer(to: Address, amount: Amount) -> Operation {
        BankOperation.transfer(to: to, amount: amount).operation
    }
}

/// Bank has no numeric rule, so no parameter; the record exists (empty) so every module's
/// parameters are read the same way.
public struct BankParameters: TabularParameters {
    public init() {}
    public static var defaults: BankParameters { BankParameters() }
    public static var fields: [ParameterField<BankParameters>] { [] }
    public var problem: ParameterProblem? { nil }
    public func encode(to writer: inout CanonicalWriter) {}
    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {}
}

/// Balances, transfers and the supply record (Specs/modules/bank.md). The ledger itself is `Ledger.swift`.
public struct BankModule: ChainModule {
    public static let name = "bank"
    public static let namespaces: [UInt8] = [StateKey.accountNamespace, SupplyRecord.namespace]
    public static let operationTags: [UInt64] = [BankOperation.transferTag]

    public init() {}

    public static func decode(_ operation: Operation) throws(CanonicalDecodingError) -> BankOperation {
        var r = operation.reader
        let op: BankOperation = .transfer(to: try r.readAddress("transfer.to"), amount: try r.readVarint128("transfer.amount"))
        try r.finish()
        return op
    }

    public static func json(_ operation: BankOperation) -> JSONValue {
        switch operation {
        case .transfer(let to, let amount):
            ["type": "transfer", "to": .string(to.checksummed), "amount": .string(String(amount))]
        }
    }

    public static var operationSchemas: [JSONValue] {
        [QuerySchema.object(["type": ["const": "transfer"], "to": QuerySchema.address, "amount": QuerySchema.amount])]
    }

    public static func spend(_ operation: BankOperation) -> Amount {
        switch operation {
        case .transfer(_, let amount): amount
        }
    }

    /// Every genesis allocation, and the supply they make.
    public func genesis(_ genesis: Genesis, _ parameters: BankParameters, _ state: inout StateOverlay) throws {
        var total: Amount = 0
        for allocation in genesis.allocations {
            state.set(allocation.address, Account(balance: allocation.balance, nonce: 0))
            let (sum, overflow) = total.addingReportingOverflow(allocation.balance)
            guard !overflow else { throw BankRejection.supplyOverflow }
            total = sum
        }
        try state.recordGenesisSupply(total)
    }

    /// A transfer the sender can pay for always applies (a recipient's balance cannot pass 2^128
    /// while the supply is below it), so admission has nothing to check beyond nonce and funds.
    public func check(_ operation: BankOperation, sender: Address, _ block: BlockContext, _ parameters: BankParameters,
                      _ state: inout StateOverlay) throws {}

    public func apply(_ operation: BankOperation, sender: Address, _ block: BlockContext, _ parameters: BankParameters,
                      _ state: inout StateOverlay) throws {
        switch operation {
        case .transfer(let to, let amount):
            try state.credit(to, amount)
            state.emit(Event(module: Self.name, kind: "transfer",
                             ["from": Event.value(sender), "to": Event.value(to), "amount": String(amount)]))
        }
    }

    public func queries() -> [ModuleQuery] {
        [
            ModuleQuery(
                name: "getSupply", summary: "The token supply: total, minted by emission and burned since genesis.",
                resultName: "supply",
                resultSchema: QuerySchema.object(["total": QuerySchema.amount, "minted": QuerySchema.amount,
                                                  "burned": QuerySchema.amount]),
                handler: { _, view in
                    let s = try view.supply()
                    return ["total": .string(String(s.total)), "minted": .string(String(s.minted)),
                            "burned": .string(String(s.burned))]
                }),
        ]
    }
}
