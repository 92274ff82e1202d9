import CairnCore
import CairnCrypto
import CairnRPC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The `cairn` command line as a user runs it, against a real devnet process.
@Suite("CLI against a devnet", .serialized)
struct CLITests {
    @Test func keysTransferAndQueries() async throws {
        let home = temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(NodeProcess.devnetArguments(home + "/node"), logPath: home + "/node.log")
        let rpc = ["--rpc", node.rpcURL]
        let keyring = ["--home", home + "/wallet"]
        // The keyring passphrase comes from the environment here; a small scrypt N keeps each key fast.
        let wallet = ["CAIRN_PASSPHRASE": "correct horse battery", "CAIRN_KEYSTORE_SCRYPT_N": "1024"]

        // Import the devnet's second account from its mnemonic (index 1), the way a wallet user would.
        let imported = try cairn(["keys", "import", "carol", "--mnemonic", "--index", "1"] + keyring,
                                 input: "test test test test test test test test test test test junk\n", environment: wallet)
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.contains("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"))
        let created = try cairn(["keys", "create", "dave", "--words", "12", "--json"] + keyring, environment: wallet)
        #expect(created.status == 0, "\(created.err)")
        let dave = try JSONText.parse(created.out)["address"]?.stringValue ?? ""
        #expect(dave.hasPrefix("0x") && dave.count == 42)
        // Listing needs no passphrase: addresses are read from the keystores' address field.
        let list = try cairn(["keys", "list"] + keyring)
        #expect(list.out.contains("carol") && list.out.contains("dave"))
        let duplicate = try cairn(["keys", "create", "dave"] + keyring, environment: wallet)
        #expect(duplicate.status != 0 && duplicate.err.contains("already exists"))

        // On disk a key is a v3 keystore readable by its owner only, with no plaintext key in it.
        let carolKey = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
        let carolFile = home + "/wallet/keys/carol.json"
        let stored = try #require(FileManager.default.contents(atPath: carolFile))
        #expect(!String(decoding: stored, as: UTF8.self).contains(carolKey))
        let keystore = try JSONText.parse(Array(stored))
        #expect(keystore["version"]?.integerValue == 3)
        #expect(keystore["address"] == "70997970c51812dc3a010c7d01b50e0d17dc79c8")
        #expect(keystore["crypto"]?["kdf"] == "scrypt" && keystore["crypto"]?["cipher"] == "aes-128-ctr")
        let mode = try FileManager.default.attributesOfItem(atPath: carolFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The plaintext key only comes out with the passphrase and the explicit flag.
        let exported = try cairn(["keys", "export", "carol", "--unsafe-print-private-key"] + keyring, environment: wallet)
        #expect(exported.status == 0 && exported.out.contains("0x" + carolKey), "\(exported.err)")
        let plainExport = try cairn(["keys", "export", "carol"] + keyring)
        #expect(plainExport.status == 0 && !plainExport.out.contains(carolKey) && plainExport.out.contains("\"crypto\""))
        let wrongExport = try cairn(["keys", "export", "carol", "--unsafe-print-private-key"] + keyring,
                                    environment: ["CAIRN_PASSPHRASE": "wrong"])
        #expect(wrongExport.status != 0 && !wrongExport.out.contains(carolKey))
        #expect(wrongExport.err.contains("wrong passphrase for key 'carol'"), "\(wrongExport.err)")

        // A keystore from another wallet imports with its own passphrase (here from a file).
        let outside = PrivateKey.generate()
        let outsideFile = home + "/outside.json", passFile = home + "/outside-pass"
        FileManager.default.createFile(atPath: outsideFile,
            contents: Data(try Keystore.encrypt(outside, passphrase: "from geth", scryptN: 1024)))
        FileManager.default.createFile(atPath: passFile, contents: Data("from geth\n".utf8))
        let fromKeystore = try cairn(["keys", "import", "erin", "--keystore", outsideFile, "--passphrase-file", passFile] + keyring,
                                     environment: wallet)
        #expect(fromKeystore.status == 0, "\(fromKeystore.err)")
        #expect(fromKeystore.out.contains(outside.address.checksummed))
        let erin = try cairn(["keys", "show", "erin"] + keyring)
        #expect(erin.out.contains(outside.address.checksummed))
        let badKeystore = try cairn(["keys", "import", "frank", "--keystore", outsideFile] + keyring, environment: wallet)
        #expect(badKeystore.status != 0 && badKeystore.err.contains("wrong passphrase"), "\(badKeystore.err)")
        // The Web3 Secret Storage definition's PBKDF2 test vector (no address field) imports too.
        let vectorFile = home + "/vector.json"
        FileManager.default.createFile(atPath: vectorFile, contents: Data(Self.pbkdf2Vector.utf8))
        let vector = try cairn(["keys", "import", "vector", "--keystore", vectorFile] + keyring,
                               environment: wallet.merging(["CAIRN_PASSPHRASE": "testpassword"]) { _, new in new })
        #expect(vector.status == 0, "\(vector.err)")
        #expect(vector.out.lowercased().contains("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b"))

        let sent = try cairn(["tx", "transfer", "--from", "carol", "--to", dave, "--amount", "1.25cairn", "--wait", "--json"] + keyring + rpc,
                             environment: wallet)
        #expect(sent.status == 0, "\(sent.err)")
        let receipt = try JSONText.parse(sent.out)
        #expect(receipt["status"] == "committed")
        let wrongPassphrase = try cairn(["tx", "transfer", "--from", "carol", "--to", dave, "--amount", "1cairn"] + keyring + rpc,
                                        environment: ["CAIRN_PASSPHRASE": "correct horse"])
        #expect(wrongPassphrase.status != 0 && wrongPassphrase.err.contains("wrong passphrase for key 'carol'"), "\(wrongPassphrase.err)")

        let account = try JSONText.parse(try cairn(["query", "account", dave, "--json"] + rpc).out)
        #expect(account["balance"] == "1250000000000000000")
        let tx = try cairn(["query", "tx", receipt["id"]?.stringValue ?? ""] + rpc)
        #expect(tx.out.contains("committed"))
        let status = try cairn(["query", "status"] + rpc)
        #expect(status.out.contains("cairn-devnet"))
        let block = try JSONText.parse(try cairn(["query", "block", "latest", "--json"] + rpc).out)
        #expect(block["header"]?["chain_id"] == "cairn-devnet")

        // Staking from the CLI: carol delegates to the devnet validator, then starts unbonding part.
        let validator = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        let delegated = try cairn(["tx", "delegate", "--from", "carol", "--validator", validator, "--amount", "100cairn", "--wait"]
                                  + keyring + rpc, environment: wallet)
        #expect(delegated.status == 0, "\(delegated.err)")
        let undelegated = try cairn(["tx", "undelegate", "--from", "carol", "--validator", validator, "--amount", "40cairn", "--wait"]
                                    + keyring + rpc, environment: wallet)
        #expect(undelegated.status == 0, "\(undelegated.err)")
        let carol = try JSONText.parse(try cairn(["keys", "show", "carol", "--json"] + keyring).out)["address"]?.stringValue ?? ""
        let stake = try JSONText.parse(try cairn(["query", "delegations", carol, "--json"] + rpc).out)
        #expect(stake["delegations"]?["delegations"]?[0]?["tokens"] == "60000000000000000000", "\(stake)")
        #expect(stake["unbonding"]?["unbonding"]?[0]?["entries"]?[0]?["balance"] == "40000000000000000000", "\(stake)")
        let validators = try cairn(["query", "validators"] + rpc)
        #expect(validators.out.contains(validator) && validators.out.contains("active"), "\(validators.out)")
        let badCommission = try cairn(["tx", "create-validator", "--from", "carol", "--consensus-address", dave,
                                       "--commission", "150%", "--self-bond", "1cairn"] + keyring + rpc, environment: wallet)
        #expect(badCommission.status != 0 && badCommission.err.contains("above 100%"), "\(badCommission.err)")

        // Mistakes get a message that says what is wrong, and a non-zero exit.
        let badAmount = try cairn(["tx", "transfer", "--from", "carol", "--to", dave, "--amount", "lots"] + keyring + rpc,
                                  environment: wallet)
        #expect(badAmount.status != 0 && badAmount.err.contains("is not an amount"))
        let broke = try cairn(["tx", "transfer", "--from", "dave", "--to", dave, "--amount", "5cairn"] + keyring + rpc,
                              environment: wallet)
        #expect(broke.status != 0 && broke.err.contains("insufficient funds"))
        let noNode = try cairn(["query", "status", "--rpc", "http://127.0.0.1:1"])
        #expect(noNode.status != 0 && noNode.err.contains("not reachable"))

        // The health endpoint answers plain GETs.
        let (data, response) = try await URLSession.shared.data(from: URL(string: node.rpcURL + "/health")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(try JSONText.parse(Array(data))["status"] == "ok")

        // A second node on the same data directory is refused plainly.
        let second = try cairn(["start", "--home", home + "/node", "--rpc-port", "0", "--p2p-port", "0"])
        #expect(second.status != 0)
        #expect(second.err.contains("another process"), "\(second.err)")
        // A second node on the same RPC port is refused plainly too.
        let port = String(node.rpcURL.split(separator: ":").last ?? "")
        let clash = try cairn(["devnet", "--home", home + "/other", "--rpc-port", port, "--p2p-port", "0",
                               "--genesis", NodeProcess.repoRoot + "/genesis/devnet.json",
                               "--keys", NodeProcess.repoRoot + "/genesis/devnet-keys.json"])
        #expect(clash.status != 0)
        #expect(clash.err.contains("the address is in use"), "\(clash.err)")
        #expect(node.terminate() == 0)
    }

    /// The PBKDF2 example from the Web3 Secret Storage definition; password "testpassword".
    static let pbkdf2Vector = """
        {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
         "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
         "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256",
                      "salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
         "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
         "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
        """

    @Test func initThenStartRunsANewChain() async throws {
        let home = temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let initialised = try cairn(["init", "--home", home, "--chain-id", "my-net"])
        #expect(initialised.status == 0, "\(initialised.err)")
        let validator = try #require(initialised.out.split(separator: "\n").first { $0.contains("validator:") }?
            .split(separator: " ").last.map(String.init))
        let again = try cairn(["init", "--home", home])
        #expect(again.status != 0 && again.err.contains("already initialised"))

        let node = try await NodeProcess(["start", "--home", home, "--block-interval-ms", "50"], logPath: home + "/node.log")
        let status = try await eventually("a block") { () async throws -> JSONValue? in
            let s = try await node.client.call("node_status")
            return (s["latest_height"]?.integerValue ?? 0) >= 2 ? s : Optional<JSONValue>.none
        }
        #expect(status["chain_id"] == "my-net")
        #expect(status["validator"] == .string(validator))
        let account = try await node.client.call("state_getAccount", ["address": .string(validator)])
        #expect(account["balance"] == "1000000000000000000000000")
        #expect(node.terminate() == 0)
        #expect(node.log.contains("node stopped cleanly"))
    }

    @Test func benchPrintsFigures() throws {
        let run = try cairn(["bench", "transfers", "--txs", "300", "--accounts", "10"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("committed transfers:"))
        #expect(run.out.contains("ratio committed / recover"))
    }
}
