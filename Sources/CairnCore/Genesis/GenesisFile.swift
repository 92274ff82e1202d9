import CairnCrypto
import Foundation

/// The JSON genesis file (Specs/genesis.md) and its validation.
public enum GenesisFile {
    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { "invalid genesis: \(message)" }
    }

    struct JSONForm: Codable {
        struct Params: Codable {
            var max_block_transactions: UInt64
            var max_block_bytes: UInt64
            var min_transaction_fee: String
        }
        struct Allocation: Codable {
            var address: String
            var balance: String
        }
        struct ValidatorEntry: Codable {
            var address: String
            var power: UInt64
            var name: String?
        }
        var chain_id: String
        var genesis_time: String
        var protocol_version: UInt64
        var params: Params
        var accounts: [Allocation]
        var validators: [ValidatorEntry]
    }

    public static func load(path: String) throws(Error) -> Genesis {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Error("cannot read genesis file at \(path)")
        }
        return try parse(Array(data))
    }

    public static func parse(_ json: [UInt8]) throws(Error) -> Genesis {
        let form: JSONForm
        do {
            form = try JSONDecoder().decode(JSONForm.self, from: Data(json))
        } catch let DecodingError.keyNotFound(key, _) {
            throw Error("missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Error("wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw Error("not valid JSON: \(error)")
        }
        if let problem = ChainID.validate(form.chain_id) { throw Error(problem) }
        guard let time = parseTime(form.genesis_time) else {
            throw Error("genesis_time '\(form.genesis_time)' is not an RFC 3339 UTC time such as 2026-01-01T00:00:00Z")
        }
        guard form.protocol_version >= 1 else { throw Error("protocol_version must be at least 1") }
        let params = ChainParameters(
            maxBlockTransactions: form.params.max_block_transactions,
            maxBlockBytes: form.params.max_block_bytes,
            minTransactionFee: try amount(form.params.min_transaction_fee, "params.min_transaction_fee"))
        guard params.maxBlockTransactions >= 1 else { throw Error("params.max_block_transactions must be at least 1") }
        guard params.maxBlockBytes >= UInt64(Transaction.maxEncodedBytes) else {
            throw Error("params.max_block_bytes must be at least \(Transaction.maxEncodedBytes)")
        }

        var allocations: [Genesis.Allocation] = []
        var supply: Amount = 0
        for (i, entry) in form.accounts.enumerated() {
            let address = try address(entry.address, "accounts[\(i)].address")
            let balance = try amount(entry.balance, "accounts[\(i)].balance")
            let (sum, overflow) = supply.addingReportingOverflow(balance)
            guard !overflow else { throw Error("total supply overflows 128 bits") }
            supply = sum
            allocations.append(.init(address: address, balance: balance))
        }
        allocations.sort { $0.address < $1.address }
        for (a, b) in zip(allocations, allocations.dropFirst()) where a.address == b.address {
            throw Error("account \(a.address) is listed twice")
        }

        guard !form.validators.isEmpty else { throw Error("at least one validator is required") }
        var validators: [Validator] = []
        var totalPower: UInt64 = 0
        for (i, entry) in form.validators.enumerated() {
            let address = try address(entry.address, "validators[\(i)].address")
            guard entry.power > 0 else { throw Error("validators[\(i)].power must be positive") }
            let (sum, overflow) = totalPower.addingReportingOverflow(entry.power)
            guard !overflow, sum <= UInt64(Int64.max) / 8 else { throw Error("total voting power is too large") }
            totalPower = sum
            guard !validators.contains(where: { $0.address == address }) else {
                throw Error("validator \(address) is listed twice")
            }
            validators.append(Validator(address: address, power: entry.power))
        }
        return Genesis(chainID: form.chain_id, genesisTime: time, protocolVersion: form.protocol_version,
                       parameters: params, allocations: allocations, validators: ValidatorSet(validators))
    }

    private static func address(_ text: String, _ field: String) throws(Error) -> Address {
        do { return try Address(hex: text) } catch { throw Error("\(field): \(error)") }
    }

    private static func amount(_ text: String, _ field: String) throws(Error) -> Amount {
        do { return try AmountFormat.parseBaseUnits(text) } catch { throw Error("\(field): \(error)") }
    }

    /// RFC 3339 in UTC ("Z"), whole seconds or milliseconds, to milliseconds since the epoch.
    static func parseTime(_ text: String) -> UInt64? {
        let strategy = Date.ISO8601FormatStyle(includingFractionalSeconds: text.contains("."))
        guard text.hasSuffix("Z"), let date = try? Date(text, strategy: strategy),
              date.timeIntervalSince1970 >= 0 else { return nil }
        // Genesis time is only read from the file, never from a clock: rounding here cannot
        // diverge between nodes that parse the same text with the same rule.
        return UInt64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
