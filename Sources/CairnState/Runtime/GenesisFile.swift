import CairnCore
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
        var accounts: [Allocation]
        var validators: [ValidatorEntry]
    }

    public static func load(path: String, runtime: Runtime = .standard) throws(Error) -> Genesis {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Error("cannot read genesis file at \(path)")
        }
        return try parse(Array(data), runtime: runtime)
    }

    /// The consensus parameters may stand directly in `params` (the original layout); every
    /// other member of `params` is a module's (or "emission"'s) section.
    static let consensusFields: Set<String> = Set(ConsensusParameters.fields.map(\.name))

    public static func parse(_ json: [UInt8], runtime: Runtime = .standard) throws(Error) -> Genesis {
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
        guard let rules = runtime.ruleSet(version: form.protocol_version) else {
            throw Error("protocol_version \(form.protocol_version) is not one this binary runs (\(runtime.supportedVersions.map(String.init).joined(separator: ", ")))")
        }
        let params: [ModuleRecord]
        let moduleStates: [ModuleRecord]
        do {
            params = try parameters(json, rules)
            moduleStates = try states(json, rules)
        } catch let error as Error { throw error } catch { throw Error("\(error)") }

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
            guard !overflow, sum <= ValidatorSet.maxTotalPower else { throw Error("total voting power is too large") }
            totalPower = sum
            guard !validators.contains(where: { $0.address == address }) else {
                throw Error("validator \(address) is listed twice")
            }
            validators.append(Validator(address: address, power: entry.power))
        }
        let genesis = Genesis(chainID: form.chain_id, genesisTime: time, protocolVersion: form.protocol_version,
                              parameters: params, allocations: allocations, validators: ValidatorSet(validators),
                              moduleStates: moduleStates)
        // The modules' own genesis rules (the validator count, the stake minted within 2^128).
        do { _ = try rules.genesisChanges(genesis) } catch let error as Error { throw error } catch { throw Error("\(error)") }
        return genesis
    }

    /// `params`, split into each owner's section and parsed by that owner.
    private static func parameters(_ json: [UInt8], _ rules: RuleSet) throws -> [ModuleRecord] {
        guard let document = try? JSONText.parse(json), let params = document["params"] else {
            throw Error("missing field 'params'")
        }
        guard case .object(let members) = params else { throw Error("params must be a JSON object") }
        var sections: [String: JSONValue] = [:]
        var consensus: [String: JSONValue] = [:]
        for (key, value) in members {
            if consensusFields.contains(key) { consensus[key] = value } else { sections[key] = value }
        }
        if !consensus.isEmpty {
            guard sections[ConsensusParameters.name] == nil else {
                throw Error("params: give the consensus parameters either directly in params or in params.consensus, not both")
            }
            sections[ConsensusParameters.name] = .object(consensus)
        }
        do { return try rules.parameterRecords(sections) } catch {
            throw Error("\(error)")
        }
    }

    /// The optional `state` object: each member a module's genesis state, parsed by that module.
    private static func states(_ json: [UInt8], _ rules: RuleSet) throws -> [ModuleRecord] {
        guard let document = try? JSONText.parse(json), let state = document["state"] else { return [] }
        guard case .object(let members) = state else { throw Error("state must be a JSON object") }
        do { return try rules.moduleStateRecords(members) } catch { throw Error("\(error)") }
    }

    private static func address(_ text: String, _ field: String) throws(Error) -> Address {
        do { return try Address(hex: text) } catch { throw Error("\(field): \(error)") }
    }

    private static func amount(_ text: String, _ field: String) throws(Error) -> Amount {
        do { return try AmountFormat.parseBaseUnits(text) } catch { throw Error("\(field): \(error)") }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.fffZ` (RFC 3339, UTC) to milliseconds
    /// since the epoch, in integers only. Impossible dates and times (February 30, 24:00, leap
    /// seconds) are rejected rather than normalised, so every implementation hashes the same genesis.
    static func parseTime(_ text: String) -> UInt64? {
        let b = Array(text.utf8)
        guard b.count == 20 || (b.count == 24 && b[19] == UInt8(ascii: ".")),
              b.last == UInt8(ascii: "Z"), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              year >= 1970, (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...monthDays[month - 1]).contains(day) else { return nil }
        var millis = 0
        if b.count == 24 {
            guard let fraction = number(20..<23) else { return nil }
            millis = fraction
        }
        // Days since 1970-01-01 (proleptic Gregorian), counted directly.
        var days = 0
        for y in 1970..<year { days += (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365 }
        for m in 0..<(month - 1) { days += monthDays[m] }
        days += day - 1
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return UInt64(seconds) * 1000 + UInt64(millis)
    }
}
