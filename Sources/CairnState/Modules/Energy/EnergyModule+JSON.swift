import CairnCore
import CairnCrypto

/// The JSON forms of the energy operations, as RPC shows transactions.
extension EnergyModule {
    public static func json(_ operation: EnergyOperation) -> JSONValue {
        switch operation {
        case .register(let r):
            ["type": "register_meter", "meter": .string(r.meter.checksummed), "capacity": .integer(Int64(clamping: r.capacity)),
             "technology": .string(r.technology.description), "bond": .string(String(r.bond))]
        case .topUpBond(let meter, let amount):
            ["type": "top_up_bond", "meter": .string(meter.checksummed), "amount": .string(String(amount))]
        case .withdrawBond(let meter, let amount):
            ["type": "withdraw_bond", "meter": .string(meter.checksummed), "amount": .string(String(amount))]
        case .reportEquivocation(let e):
            ["type": "report_equivocation", "first": batchJSON(e.first), "first_index": .integer(Int64(clamping: e.firstIndex)),
             "second": batchJSON(e.second), "second_index": .integer(Int64(clamping: e.secondIndex))]
        case .transferCertificates(let range, let to):
            ["type": "transfer_certificates", "lot": int(range.lot), "first": int(range.first), "count": int(range.count), "to": .string(to.checksummed)]
        case .retireCertificates(let range, let beneficiary, let purpose):
            ["type": "retire_certificates", "lot": int(range.lot), "first": int(range.first), "count": int(range.count), "beneficiary": .string(beneficiary), "purpose": .string(purpose)]
        }
    }

    static func int(_ v: UInt64) -> JSONValue { .integer(Int64(clamping: v)) }

    static func batchJSON(_ s: SignedBatch) -> JSONValue {
        ["meter": .string(s.batch.meter.checksummed), "signature": .string(s.signature.hex),
         "readings": .array(s.batch.readings.map { ["slot": int($0.slot), "energy": int($0.energy), "sequence": int($0.sequence)] })]
    }

    static let signatureSchema: JSONValue = ["type": "string", "pattern": "^0x[0-9a-f]{130}$"]
    static let technologySchema: JSONValue = ["enum": .array(MeterTechnology.allCases.map { .string($0.description) })]
    static let batchSchema = QuerySchema.object([
        "meter": QuerySchema.address, "signature": signatureSchema,
        "readings": QuerySchema.array(QuerySchema.object(["slot": QuerySchema.integer, "energy": QuerySchema.integer,
                                                          "sequence": QuerySchema.integer])),
    ])

    public static var operationSchemas: [JSONValue] {
        let address = QuerySchema.address, integer = QuerySchema.integer, amount = QuerySchema.amount
        func form(_ type: String, _ fields: [String: JSONValue]) -> JSONValue {
            QuerySchema.object(fields.merging(["type": ["const": .string(type)]]) { a, _ in a })
        }
        return [
            form("register_meter", ["meter": address, "capacity": integer, "technology": technologySchema, "bond": amount]),
            form("top_up_bond", ["meter": address, "amount": amount]),
            form("withdraw_bond", ["meter": address, "amount": amount]),
            form("report_equivocation", ["first": batchSchema, "first_index": integer, "second": batchSchema, "second_index": integer]),
            form("transfer_certificates", ["lot": integer, "first": integer, "count": integer, "to": address]),
            form("retire_certificates", ["lot": integer, "first": integer, "count": integer, "beneficiary": ["type": "string"],
                                         "purpose": ["type": "string"]]),
        ]
    }
}
