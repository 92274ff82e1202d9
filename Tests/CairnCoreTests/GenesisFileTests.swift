import CairnCore
import CairnCrypto
import CairnState
import Testing

@Suite("Genesis file")
struct GenesisFileTests {
    static let alice = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"   // key 0x…01
    static let bob = "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF"     // key 0x…02

    /// A valid genesis file; `edit` replaces a top-level field's JSON text, nil removes it.
    static func json(_ edits: [String: String?] = [:]) -> [UInt8] {
        var fields: [(String, String)] = [
            ("chain_id", #""cairn-test""#),
            ("genesis_time", #""2026-01-01T00:00:00Z""#),
            ("protocol_version", "1"),
            ("params", #"{"max_block_transactions": 1000, "max_block_bytes": 1048576, "min_transaction_fee": "10"}"#),
            ("accounts", #"[{"address": "\#(alice)", "balance": "1000000"}, {"address": "\#(bob)", "balance": "5"}]"#),
            ("validators", #"[{"address": "\#(alice)", "power": 10, "name": "a"}]"#),
        ]
        fields = fields.compactMap { name, value in
            if let edit = edits[name] { return edit.map { (name, $0) } }
            return (name, value)
        }
        return Array(("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}").utf8)
    }

    static func error(_ edits: [String: String?]) -> String? {
        do { _ = try GenesisFile.parse(json(edits)); return nil } catch { return error.message }
    }

    @Test func parsesAValidFile() throws {
        let g = try GenesisFile.parse(Self.json())
        #expect(g.chainID == "cairn-test")
        #expect(g.genesisTime == 1_767_225_600_000)
        #expect(g.protocolVersion == 1)
        #expect(g.parameters == [.consensus(ConsensusParameters(maxBlockTransactions: 1000, maxBlockBytes: 1_048_576, minTransactionFee: 10))])
        // Allocations come out sorted by address, whatever the file order.
        #expect(g.allocations.map(\.address.checksummed) == [Self.bob, Self.alice])
        #expect(g.allocations.map(\.balance) == [5, 1_000_000])
        #expect(g.validators.validators == [Validator(address: try Address(hex: Self.alice), power: 10)])
        #expect(g.validators.totalPower == 10)
    }

    @Test func hashIgnoresFileOrderAndValidatorNames() throws {
        let a = try GenesisFile.parse(Self.json())
        let b = try GenesisFile.parse(Self.json([
            "accounts": #"[{"address": "\#(Self.bob)", "balance": "5"}, {"address": "\#(Self.alice.lowercased())", "balance": "1000000"}]"#,
            "validators": #"[{"address": "\#(Self.alice)", "power": 10}]"#,
        ]))
        #expect(a.hash == b.hash)
        let c = try GenesisFile.parse(Self.json(["genesis_time": #""2026-01-01T00:00:00.001Z""#]))
        #expect(c.genesisTime == a.genesisTime + 1)
        #expect(c.hash != a.hash)
    }

    @Test(arguments: [
        ("2026-01-01T00:00:00.123Z", UInt64(1_767_225_600_123)), ("2026-01-01T00:00:00.999Z", 1_767_225_600_999),
        ("1970-01-01T00:00:00Z", 0), ("2026-06-30T12:34:56Z", 1_782_822_896_000),
    ])
    func timeIsMillisecondsSinceTheEpoch(text: String, ms: UInt64) throws {
        #expect(try GenesisFile.parse(Self.json(["genesis_time": "\"\(text)\""])).genesisTime == ms)
    }

    @Test(arguments: ["2026-01-01T00:00:00+00:00", "2026-01-01 00:00:00Z", "2026-01-01", "1969-12-31T23:59:59Z",
                      "2026-13-01T00:00:00Z", "yesterday", ""])
    func rejectsBadTimes(text: String) {
        #expect(Self.error(["genesis_time": "\"\(text)\""])
                == "genesis_time '\(text)' is not an RFC 3339 UTC time such as 2026-01-01T00:00:00Z")
    }

    /// Foundation's ISO 8601 parser normalises impossible times instead of rejecting them, so the
    /// genesis hash of such a file depends on that library's leniency, which no spec can pin down.
    @Test(arguments: ["2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.0005Z"])
    func rejectsImpossibleOrOverPreciseTimes(text: String) {
        #expect(Self.error(["genesis_time": "\"\(text)\""]) != nil)
    }

    @Test func missingFieldsAreNamed() {
        #expect(Self.error(["chain_id": nil]) == "missing field 'chain_id'")
        #expect(Self.error(["validators": nil]) == "missing field 'validators'")
        // A parameter left out takes its default (Specs/genesis.md); an unknown one is named.
        #expect(Self.error(["params": #"{"max_block_transactions": 1, "max_block_bytes": 20000}"#]) == nil)
        #expect(Self.error(["params": #"{"max_block_transaction": 1}"#])
                == "params.max_block_transaction: is no module or runtime record (known: consensus, emission, bank, staking, devices, coverage, storage, energy)")
        #expect(Self.error(["params": nil]) == "missing field 'params'")
        #expect(Self.error(["protocol_version": #""1""#])?.hasPrefix("wrong type at protocol_version") == true)
        #expect((try? GenesisFile.parse(Array("not json".utf8))) == nil)
    }

    @Test func rejectsBadValues() {
        #expect(Self.error(["chain_id": #""Cairn""#]) == "chain id 'Cairn' may hold only a-z, 0-9 and inner '-'")
        #expect(Self.error(["protocol_version": "0"]) == "protocol_version must be at least 1")
        #expect(Self.error(["params": #"{"max_block_transactions": 0, "max_block_bytes": 20000, "min_transaction_fee": "0"}"#])
                == "params.consensus.max_block_transactions: must be 1 to 100000")
        #expect(Self.error(["params": #"{"max_block_transactions": 1, "max_block_bytes": 16383, "min_transaction_fee": "0"}"#])
                == "params.consensus.max_block_bytes: must be 16384 to 67108864")
        #expect(Self.error(["params": #"{"max_block_transactions": 1, "max_block_bytes": 16384, "min_transaction_fee": "1cairn"}"#])?
                    .hasPrefix("params.consensus.min_transaction_fee: ") == true)
    }

    @Test func rejectsBadAccounts() {
        let badAddress = Self.error(["accounts": #"[{"address": "0x1234", "balance": "1"}]"#])
        #expect(badAddress?.hasPrefix("accounts[0].address: ") == true)
        // One letter's case flipped: the EIP-55 checksum catches it.
        let typo = "0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf"
        #expect(Self.error(["accounts": #"[{"address": "\#(typo)", "balance": "1"}]"#])?.hasPrefix("accounts[0].address: ") == true)
        #expect(Self.error(["accounts": #"[{"address": "\#(Self.alice)", "balance": "01"}]"#])?.hasPrefix("accounts[0].balance: ") == true)
        #expect(Self.error(["accounts": #"[{"address": "\#(Self.alice)", "balance": "1"}, {"address": "\#(Self.alice.lowercased())", "balance": "2"}]"#])
                == "account \(Self.alice) is listed twice")
        let half = "200000000000000000000000000000000000000"
        #expect(Self.error(["accounts": #"[{"address": "\#(Self.alice)", "balance": "\#(half)"}, {"address": "\#(Self.bob)", "balance": "\#(half)"}]"#])
                == "total supply overflows 128 bits")
        // No accounts at all is allowed: a chain may start with nothing allocated.
        #expect(Self.error(["accounts": "[]"]) == nil)
    }

    @Test func rejectsBadValidators() {
        #expect(Self.error(["validators": "[]"]) == "at least one validator is required")
        #expect(Self.error(["validators": #"[{"address": "\#(Self.alice)", "power": 0}]"#]) == "validators[0].power must be positive")
        #expect(Self.error(["validators": #"[{"address": "\#(Self.alice)", "power": 1}, {"address": "\#(Self.alice)", "power": 2}]"#])
                == "validator \(Self.alice) is listed twice")
        #expect(Self.error(["validators": #"[{"address": "\#(Self.alice)", "power": 1152921504606846976}]"#])
                == "total voting power is too large")
        #expect(Self.error(["validators": #"[{"address": "\#(Self.alice)", "power": 1152921504606846975}]"#]) == nil)
        #expect(Self.error(["validators": #"[{"address": "nope", "power": 1}]"#])?.hasPrefix("validators[0].address: ") == true)
    }

    @Test func errorDescriptionSaysGenesis() {
        #expect(GenesisFile.Error("x").description == "invalid genesis: x")
    }
}
