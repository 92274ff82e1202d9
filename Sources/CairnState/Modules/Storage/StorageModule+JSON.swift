import CairnCore
import CairnCrypto

/// The JSON forms of the storage operations, as RPC shows transactions, and of a deal.
extension StorageModule {
    public static func json(_ operation: StorageOperation) -> JSONValue {
        switch operation {
        case .registerProvider(let device, let capacity, let collateral):
            ["type": "register_provider", "device": .string(device.checksummed), "capacity": .integer(Int64(clamping: capacity)),
             "collateral": .string(String(collateral))]
        case .proposeDeal(let p):
            ["type": "propose_deal", "provider": .string(p.provider.checksummed), "data_root": .string(p.dataRoot.hex),
             "size": .integer(Int64(clamping: p.size)), "price_per_period": .string(String(p.pricePerPeriod)),
             "periods": .integer(Int64(clamping: p.periods)), "collateral": .string(String(p.collateral))]
        case .acceptDeal(let deal, let collateral):
            ["type": "accept_deal", "deal": .integer(Int64(clamping: deal)), "collateral": .string(String(collateral))]
        case .cancelDeal(let deal):
            ["type": "cancel_deal", "deal": .integer(Int64(clamping: deal))]
        }
    }

    static let hashSchema: JSONValue = ["type": "string", "pattern": "^0x[0-9a-f]{64}$"]

    public static var operationSchemas: [JSONValue] {
        let address = QuerySchema.address, integer = QuerySchema.integer, amount = QuerySchema.amount
        func form(_ type: String, _ fields: [String: JSONValue]) -> JSONValue {
            QuerySchema.object(fields.merging(["type": ["const": .string(type)]]) { a, _ in a })
        }
        return [
            form("register_provider", ["device": address, "capacity": integer, "collateral": amount]),
            form("propose_deal", ["provider": address, "data_root": hashSchema, "size": integer, "price_per_period": amount,
                                  "periods": integer, "collateral": amount]),
            form("accept_deal", ["deal": integer, "collateral": amount]),
            form("cancel_deal", ["deal": integer]),
        ]
    }
}
