import ArgumentParser
import CairnCore
import CairnCrypto
import CairnNode
import CairnRPC
import Foundation

struct TxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx", abstract: "Build, sign and send transactions.",
        subcommands: [Transfer.self])

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send tokens to an address.")
        @OptionGroup var home: HomeOption
        @OptionGroup var client: ClientOptions
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "Name of the sending key in the keyring.") var from: String
        @Option(help: "Recipient address (EIP-55 or lower-case hex).") var to: String
        @Option(help: "Amount: base units (1500) or CAIRN with a suffix (1.5cairn).") var amount: String
        @Option(help: "Fee, same format (default: the chain's minimum, 0.001cairn on the devnet).") var fee: String = "0.001cairn"
        @Option(help: "Nonce (default: the account's next nonce, pending transactions included).") var nonce: UInt64?
        @Flag(help: "Wait until the transaction is committed.") var wait = false
        @Option(help: "Seconds to wait with --wait.") var timeout: Int = 60

        func run() async throws {
            let keyring = Keyring(home: home.nodeHome)
            _ = try keyring.address(name: from)  // a missing key fails before the passphrase prompt
            let key = try keyring.load(name: from, passphrase: passphrase.read(for: "key '\(from)'", confirm: false))
            let recipient = try Address(hex: to)
            let value = try AmountFormat.parse(amount)
            let feeValue = try AmountFormat.parse(fee)
            let rpc = JSONRPCClient(url: client.rpc)
            let status = try await rpc.call("node_status")
            guard let chainID = status["chain_id"]?.stringValue else { throw UserError("node_status returned no chain_id") }
            let useNonce: UInt64
            if let nonce {
                useNonce = nonce
            } else {
                let account = try await rpc.call("state_getAccount", ["address": .string(key.address.checksummed)])
                guard let n = account["next_nonce"]?.integerValue else { throw UserError("state_getAccount returned no next_nonce") }
                useNonce = UInt64(n)
            }
            let tx = UnsignedTransaction(chainID: chainID, nonce: useNonce, fee: feeValue,
                                         operation: .transfer(to: recipient, amount: value)).signed(with: key)
            let sent = try await rpc.call("tx_send", ["tx": .string(Hex.prefixed(tx.canonicalBytes))])
            guard let id = sent.stringValue else { throw UserError("tx_send returned no id") }
            var result: JSONValue = ["id": .string(id), "status": "pending"]
            if wait {
                result = try await waitForCommit(rpc: rpc, id: id, timeout: .seconds(timeout))
            }
            if client.json {
                print(JSONText.string(result))
            } else if result["status"]?.stringValue == "committed" {
                print("Committed \(id) at height \(result["height"]?.integerValue ?? 0)")
            } else {
                print("Sent \(id) (\(AmountFormat.display(value)) from \(key.address) to \(recipient), nonce \(useNonce))")
            }
        }
    }
}

func waitForCommit(rpc: JSONRPCClient, id: String, timeout: Duration) async throws -> JSONValue {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        let tx = try await rpc.call("chain_getTransaction", ["id": .string(id)])
        switch tx["status"]?.stringValue {
        case "committed": return tx
        case "unknown": throw UserError("transaction \(id) is no longer pending and was not committed (dropped by the mempool)")
        default: try await Task.sleep(for: .milliseconds(200))
        }
    }
    throw UserError("transaction \(id) was not committed within \(timeout); it may still be pending")
}
