import ArgumentParser
import CairnCore
import CairnCrypto
import CairnKeyring
import CairnNode
import CairnRPC
import Foundation

struct TxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx", abstract: "Build, sign and send transactions.",
        subcommands: [Transfer.self, CreateValidator.self, EditValidator.self, Delegate.self, Undelegate.self,
                      Redelegate.self, Unjail.self, WithdrawRewards.self])

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send tokens to an address.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "Recipient address (EIP-55 or lower-case hex).") var to: String
        @Option(help: "Amount: base units (1500) or CAIRN with a suffix (1.5cairn).") var amount: String

        func run() async throws {
            let recipient = try Address(hex: to)
            let value = try AmountFormat.parse(amount)
            try await sender.send(.transfer(to: recipient, amount: value)) { from in
                "\(AmountFormat.display(value)) from \(from) to \(recipient)"
            }
        }
    }

    struct CreateValidator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-validator",
            abstract: "Become a validator: bond a self-stake from the sending account, which becomes the operator.",
            discussion: """
            The consensus key is the key the node signs votes with (config/validator_key.json of its \
            home); give its address with --consensus-address or the file with --consensus-key-file.
            """)
        @OptionGroup var sender: TransactionSender
        @Option(help: "Address of the validator's consensus key.") var consensusAddress: String?
        @Option(help: "The node's validator key file (config/validator_key.json), instead of --consensus-address.")
        var consensusKeyFile: String?
        @Option(help: "Commission the operator keeps of delegators' rewards: a percentage (5%) or a fraction (0.05).")
        var commission: String
        @Option(help: "Self-bond: base units or CAIRN with a suffix (1000cairn).") var selfBond: String

        func run() async throws {
            let consensus: Address
            switch (consensusAddress, consensusKeyFile) {
            case (let address?, nil): consensus = try Address(hex: address)
            case (nil, let file?): consensus = try KeyFile.read(file).address
            default: throw ValidationError("give exactly one of --consensus-address and --consensus-key-file")
            }
            let rate = try CommissionRate.parse(commission)
            let bond = try AmountFormat.parse(selfBond)
            try await sender.send(.staking(.createValidator(consensusKey: consensus, commission: rate, selfBond: bond))) { from in
                "create validator \(consensus) operated by \(from), self-bond \(AmountFormat.display(bond)), commission \(CommissionRate.display(rate))"
            }
        }
    }

    struct EditValidator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit-validator", abstract: "Change a validator's commission (its operator only).")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The validator's consensus address.") var validator: String
        @Option(help: "New commission: a percentage (5%) or a fraction (0.05).") var commission: String

        func run() async throws {
            let target = try Address(hex: validator)
            let rate = try CommissionRate.parse(commission)
            try await sender.send(.staking(.editValidator(validator: target, commission: rate))) { _ in
                "set the commission of \(target) to \(CommissionRate.display(rate))"
            }
        }
    }

    struct Delegate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bond tokens to a validator.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The validator's consensus address.") var validator: String
        @Option(help: "Amount: base units or CAIRN with a suffix.") var amount: String

        func run() async throws {
            let target = try Address(hex: validator)
            let value = try AmountFormat.parse(amount)
            try await sender.send(.staking(.delegate(validator: target, amount: value))) { from in
                "delegate \(AmountFormat.display(value)) from \(from) to \(target)"
            }
        }
    }

    struct Undelegate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unbond tokens from a validator: paid out after the unbonding period, slashable until then.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The validator's consensus address.") var validator: String
        @Option(help: "Amount: base units or CAIRN with a suffix.") var amount: String

        func run() async throws {
            let target = try Address(hex: validator)
            let value = try AmountFormat.parse(amount)
            try await sender.send(.staking(.undelegate(validator: target, amount: value))) { from in
                "undelegate \(AmountFormat.display(value)) of \(from) from \(target)"
            }
        }
    }

    struct Redelegate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move bonded tokens from one validator to another at once (still slashable for the source until maturity).")
        @OptionGroup var sender: TransactionSender
        @Option(help: "Consensus address of the validator to move from.") var source: String
        @Option(help: "Consensus address of the validator to move to.") var destination: String
        @Option(help: "Amount: base units or CAIRN with a suffix.") var amount: String

        func run() async throws {
            let from = try Address(hex: source)
            let to = try Address(hex: destination)
            let value = try AmountFormat.parse(amount)
            try await sender.send(.staking(.redelegate(source: from, destination: to, amount: value))) { _ in
                "redelegate \(AmountFormat.display(value)) from \(from) to \(to)"
            }
        }
    }

    struct Unjail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return a jailed validator to the candidates (its operator only, after the jail period).")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The validator's consensus address.") var validator: String

        func run() async throws {
            let target = try Address(hex: validator)
            try await sender.send(.staking(.unjail(validator: target))) { _ in "unjail \(target)" }
        }
    }

    struct WithdrawRewards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw-rewards", abstract: "Pay the sender's accrued rewards from a validator to its balance.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The validator's consensus address.") var validator: String

        func run() async throws {
            let target = try Address(hex: validator)
            try await sender.send(.staking(.withdrawRewards(validator: target))) { from in
                "withdraw the rewards of \(from) from \(target)"
            }
        }
    }
}

/// What every transaction command shares: the signing key, fee, nonce, node, and waiting.
struct TransactionSender: ParsableArguments {
    @OptionGroup var home: HomeOption
    @OptionGroup var client: ClientOptions
    @OptionGroup var passphrase: PassphraseOptions
    @Option(help: "Name of the sending key in the keyring.") var from: String
    @Option(help: "Fee: base units or CAIRN with a suffix (default: 0.001cairn, the devnet minimum).") var fee: String = "0.001cairn"
    @Option(help: "Nonce (default: the account's next nonce, pending transactions included).") var nonce: UInt64?
    @Flag(help: "Wait until the transaction is committed.") var wait = false
    @Option(help: "Seconds to wait with --wait.") var timeout: Int = 60

    /// The unlocked sending key, the node and its chain: what an operation signed on behalf of
    /// the sender (a device's claim names the owner and the chain) is built from.
    struct Session {
        let key: PrivateKey
        let rpc: JSONRPCClient
        let chainID: String
        let fee: Amount
    }

    /// Checks the fee, unlocks the `from` key and asks the node for its chain id.
    func open() async throws -> Session {
        let feeValue = try AmountFormat.parse(fee)
        let key = try Keyring(home: home.nodeHome).unlock(name: from, passphrase: passphrase)
        let rpc = JSONRPCClient(url: client.rpc)
        let status = try await rpc.call("node_status")
        guard let chainID = status["chain_id"]?.stringValue else { throw UserError("node_status returned no chain_id") }
        return Session(key: key, rpc: rpc, chainID: chainID, fee: feeValue)
    }

    /// Signs `operation` with the `from` key for the node's chain, sends it, and reports.
    func send(_ operation: CairnCore.Operation, describe: (Address) -> String) async throws {
        try await send(operation, in: try await open(), describe: describe)
    }

    /// As `send(_:describe:)` in an open session; `extra` (e.g. the new device's id) joins the
    /// JSON result and follows the text report.
    func send(_ operation: CairnCore.Operation, in session: Session, extra: [(String, JSONValue)] = [],
              describe: (Address) -> String) async throws {
        let key = session.key, rpc = session.rpc
        let useNonce: UInt64
        if let nonce {
            useNonce = nonce
        } else {
            let account = try await rpc.call("state_getAccount", ["address": .string(key.address.checksummed)])
            guard let n = account["next_nonce"]?.integerValue else { throw UserError("state_getAccount returned no next_nonce") }
            useNonce = UInt64(n)
        }
        let tx = UnsignedTransaction(chainID: session.chainID, nonce: useNonce, fee: session.fee, operation: operation).signed(with: key)
        let sent = try await rpc.call("tx_send", ["tx": .string(Hex.prefixed(tx.canonicalBytes))])
        guard let id = sent.stringValue else { throw UserError("tx_send returned no id") }
        var result: JSONValue = ["id": .string(id), "status": "pending"]
        if wait {
            result = try await waitForCommit(rpc: rpc, id: id, timeout: .seconds(timeout))
        }
        if client.json {
            var fields = result.objectValue ?? [:]
            for (name, value) in extra { fields[name] = value }
            print(JSONText.string(.object(fields)))
            return
        }
        if result["status"]?.stringValue == "committed" {
            print("Committed \(id) at height \(result["height"]?.integerValue ?? 0)")
        } else {
            print("Sent \(id) (\(describe(key.address)), nonce \(useNonce))")
        }
        for (name, value) in extra { print("\(name): \(value.stringValue ?? JSONText.string(value))") }
    }
}

/// Commission rates on the command line: "5%" or "0.05", kept as parts per million.
enum CommissionRate {
    static func parse(_ text: String) throws -> UInt64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let (number, scale): (Substring, Int) = trimmed.hasSuffix("%") ? (trimmed.dropLast(), 4) : (Substring(trimmed), 6)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = UInt64(parts[0]),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].count <= scale && parts[1].allSatisfy(\.isNumber)) else {
            throw ValidationError("commission '\(text)' is not a percentage like 5% or a fraction like 0.05 (at most 1000000 ppm precision)")
        }
        let fraction = parts.count == 2 ? String(parts[1]).padding(toLength: scale, withPad: "0", startingAt: 0) : String(repeating: "0", count: scale)
        let unit: UInt64 = scale == 4 ? 10_000 : 1_000_000
        let (product, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow, let fractional = UInt64(fraction) else { throw ValidationError("commission '\(text)' is too large") }
        let ppm = product + fractional
        guard ppm <= 1_000_000 else { throw ValidationError("commission '\(text)' is above 100%") }
        return ppm
    }

    static func display(_ ppm: UInt64) -> String {
        let percent = Double(ppm) / 10_000
        return String(format: "%g%%", percent)
    }
}

func waitForCommit(rpc: JSONRPCClient, id: String, timeout: Duration) async throws -> JSONValue {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        let tx = try await rpc.call("chain_getTransaction", ["id": .string(id)])
        switch tx["status"]?.stringValue {
        case "committed": return tx
        case "dropped":
            // Admitted, then refused when a block was built (another transaction changed what it relied on).
            throw UserError("transaction \(id) was dropped (\(tx["reason"]?.stringValue ?? "?")): \(tx["message"]?.stringValue ?? "")")
        case "unknown": throw UserError("transaction \(id) is no longer pending and was not committed (dropped by the mempool)")
        default: try await Task.sleep(for: .milliseconds(200))
        }
    }
    throw UserError("transaction \(id) was not committed within \(timeout); it may still be pending")
}
