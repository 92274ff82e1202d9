import ArgumentParser
import CairnCore
import CairnRPC

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Read chain data from a node over JSON-RPC.",
        subcommands: [Status.self, Account.self, Block.self, Tx.self, Validators.self, Delegations.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Chain id, latest block and sync state.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let s = try await JSONRPCClient(url: client.rpc).call("node_status")
            if client.json { return print(JSONText.string(s)) }
            print("chain:     \(s["chain_id"]?.stringValue ?? "?")")
            print("height:    \(s["latest_height"]?.integerValue ?? 0)")
            print("block:     \(s["latest_block_id"]?.stringValue ?? "?")")
            print("time:      \(s["latest_block_time_iso"]?.stringValue ?? "?")")
            print("state:     \(s["latest_state_root"]?.stringValue ?? "?")")
            print("syncing:   \(s["syncing"]?.boolValue ?? false)")
        }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Balance and nonce of an address.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Address.") var address: String

        func run() async throws {
            let a = try await JSONRPCClient(url: client.rpc).call("state_getAccount", ["address": .string(address)])
            if client.json { return print(JSONText.string(a)) }
            let balance = a["balance"]?.stringValue.flatMap { UInt128($0) } ?? 0
            print("address:   \(a["address"]?.stringValue ?? address)")
            print("balance:   \(AmountFormat.display(balance)) (\(balance) base units)")
            print("nonce:     \(a["nonce"]?.integerValue ?? 0) (next \(a["next_nonce"]?.integerValue ?? 0))")
            print("height:    \(a["height"]?.integerValue ?? 0)")
        }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A block by height, id, or 'latest'.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Height, 0x-hex block id, or latest.") var block: String = "latest"
        @Flag(help: "Include full transactions.") var full = false

        func run() async throws {
            let selector: JSONValue = Int64(block).map { .integer($0) } ?? .string(block)
            let b = try await JSONRPCClient(url: client.rpc).call("chain_getBlock", ["block": selector, "full": .bool(full)])
            if client.json { return print(JSONText.string(b)) }
            let h = b["header"]
            print("height:    \(h?["height"]?.integerValue ?? 0)")
            print("id:        \(b["id"]?.stringValue ?? "?")")
            print("time:      \(h?["time"]?.integerValue ?? 0)")
            print("proposer:  \(h?["proposer"]?.stringValue ?? "?")")
            print("state:     \(h?["state_root"]?.stringValue ?? "?")")
            print("txs:       \(b["transaction_count"]?.integerValue ?? 0)")
        }
    }

    struct Tx: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A transaction and its status.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Transaction id (0x-hex).") var id: String

        func run() async throws {
            let t = try await JSONRPCClient(url: client.rpc).call("chain_getTransaction", ["id": .string(id)])
            if client.json { return print(JSONText.string(t)) }
            print("id:        \(t["id"]?.stringValue ?? id)")
            print("status:    \(t["status"]?.stringValue ?? "?")")
            if let height = t["height"]?.integerValue { print("height:    \(height) (index \(t["index"]?.integerValue ?? 0))") }
            if let sender = t["transaction"]?["sender"]?.stringValue { print("sender:    \(sender)") }
        }
    }

    struct Validators: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validator candidates, their stake and the active set.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let v = try await JSONRPCClient(url: client.rpc).call("staking_getValidators")
            if client.json { return print(JSONText.string(v)) }
            print("height \(v["height"]?.integerValue ?? 0)")
            for validator in v["validators"]?.arrayValue ?? [] {
                let tokens = validator["tokens"]?.stringValue.flatMap { UInt128($0) } ?? 0
                let state = validator["tombstoned"]?.boolValue == true ? "tombstoned"
                    : validator["jailed"]?.boolValue == true ? "jailed"
                    : validator["active"]?.boolValue == true ? "active, power \(validator["power"]?.integerValue ?? 0)" : "inactive"
                print("\(validator["address"]?.stringValue ?? "?")  \(AmountFormat.display(tokens))  commission \(validator["commission_ppm"]?.integerValue ?? 0) ppm  \(state)")
            }
        }
    }

    struct Delegations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A delegator's delegations, rewards and unbonding entries.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Delegator address.") var delegator: String

        func run() async throws {
            let rpc = JSONRPCClient(url: client.rpc)
            let d = try await rpc.call("staking_getDelegations", ["delegator": .string(delegator)])
            let u = try await rpc.call("staking_getUnbonding", ["delegator": .string(delegator)])
            if client.json { return print(JSONText.string(["delegations": d, "unbonding": u])) }
            for entry in d["delegations"]?.arrayValue ?? [] {
                let tokens = entry["tokens"]?.stringValue.flatMap { UInt128($0) } ?? 0
                let rewards = entry["pending_rewards"]?.stringValue.flatMap { UInt128($0) } ?? 0
                print("delegated \(AmountFormat.display(tokens)) to \(entry["validator"]?.stringValue ?? "?") (rewards \(AmountFormat.display(rewards)))")
            }
            for entry in u["unbonding"]?.arrayValue ?? [] {
                for pending in entry["entries"]?.arrayValue ?? [] {
                    let balance = pending["balance"]?.stringValue.flatMap { UInt128($0) } ?? 0
                    print("unbonding \(AmountFormat.display(balance)) from \(entry["validator"]?.stringValue ?? "?") until height \(pending["completion_height"]?.integerValue ?? 0)")
                }
            }
        }
    }
}
