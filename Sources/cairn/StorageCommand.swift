import ArgumentParser
import CairnCore
import CairnCrypto
import CairnNode
import CairnRPC
import CairnState
import CairnTools
import Foundation

struct StorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage", abstract: "Proof-of-storage: data roots, providers, deals and their proofs (Specs/depin/storage.md).",
        subcommands: [Root.self, RegisterProvider.self, Provider.self, Deal.self, Prove.self])

    struct Root: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The data root and chunk count of a file, as a deal commits to it.")
        @Argument(help: "The file.") var file: String
        @Option(help: "Chunk size in bytes (the chain's `storage.chunk_size`; default 1024).") var chunkSize: Int = 1_024
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let r: (root: Hash32, size: UInt64, chunks: UInt64)
            do { r = try StorageDataFile.root(path: file, chunkSize: chunkSize) } catch { throw UserError("\(error)") }
            if json {
                return print(JSONText.string(["root": .string(r.root.hex), "size": .integer(Int64(clamping: r.size)),
                                              "chunk_size": .integer(Int64(chunkSize)), "chunks": .integer(Int64(clamping: r.chunks))]))
            }
            print("root: \(r.root.hex)\nsize: \(r.size) bytes\nchunks: \(r.chunks) of \(chunkSize) bytes")
        }
    }

    struct RegisterProvider: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-provider",
            abstract: "Register a storage device's capacity (or change it) and add collateral; the sender owns the device.")
        @OptionGroup var sender: TransactionSender
        @Option(help: "The storage device's id.") var device: String
        @Option(help: "Capacity in bytes.") var capacity: UInt64
        @Option(help: "Collateral to add: base units or CAIRN with a suffix.") var collateral: String = "0"

        func run() async throws {
            let id = try DeviceArgument.address("--device", device)
            let amount = try AmountFormat.parse(collateral)
            try await sender.send(.storage(.registerProvider(device: id, capacity: capacity, collateral: amount))) { _ in
                "register \(id) with \(capacity) bytes, adding \(AmountFormat.display(amount)) collateral"
            }
        }
    }

    struct Provider: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A provider's capacity, committed bytes and collateral.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The provider device's id.") var device: String

        func run() async throws {
            let id = try DeviceArgument.address("device", device)
            let p = try await StorageLookup.call(JSONRPCClient(url: client.rpc), "storage_getProvider", ["device": .string(id.checksummed)])
            if client.json { return print(JSONText.string(p)) }
            print("provider \(id): capacity \(p["capacity"]?.integerValue ?? 0) bytes, committed \(p["committed"]?.integerValue ?? 0), "
                  + "\(p["active_deals"]?.integerValue ?? 0) active deals, collateral \(StorageLookup.amount(p["collateral"])) "
                  + "(required \(StorageLookup.amount(p["collateral_required"])))")
        }
    }

    struct Prove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "As the provider device: answer a deal's current challenge from the file and submit the proof.",
            discussion: "The challenge is drawn at the period's challenge height; run this after it, before the deadline.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var device: DeviceKeyOptions
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "The deal id.") var deal: UInt64
        @Option(help: "The deal's data, as stored.") var file: String

        func run() async throws {
            let key = try device.choice.load(home: home, passphrase: passphrase)
            let rpc = JSONRPCClient(url: client.rpc)
            let d = try await StorageLookup.deal(rpc, deal)
            guard d["status"]?.stringValue == "active", let challenge = d["challenge"]?.objectValue else {
                throw UserError("deal \(deal) is \(d["status"]?.stringValue ?? "?"), not active")
            }
            guard let indices = challenge["indices"]?.arrayValue?.compactMap({ $0.integerValue.map(UInt64.init) }),
                  let period = challenge["period"]?.integerValue else {
                throw UserError("period \(challenge["period"]?.integerValue ?? 0)'s challenge is drawn at height "
                                + "\(challenge["challenge_height"]?.integerValue ?? 0); prove after it")
            }
            let chunkSize = d["chunk_size"]?.integerValue ?? 0
            let data: StorageDataFile
            do { data = try StorageDataFile(path: file, chunkSize: Int(chunkSize)) } catch { throw UserError("\(error)") }
            if data.root.hex != d["data_root"]?.stringValue {
                FileHandle.standardError.write(Data("warning: \(file) has root \(data.root.hex), not the deal's \(d["data_root"]?.stringValue ?? "?"): the proof will be a fault\n".utf8))
            }
            let chainID = try await StorageLookup.chainID(rpc)
            let proof = try data.proof(chainID: chainID, deal: deal, period: UInt64(period), indices: indices, deviceKey: key)
            let submitted: JSONValue
            do { submitted = try await rpc.call("attest_submit", [.string(Hex.prefixed(proof.attestation.canonicalBytes))]) } catch {
                if case .rpc(let rejection) = error, let reason = rejection.data?["reason"]?.stringValue {
                    throw UserError("the node refused the proof (\(reason)): \(rejection.message)")
                }
                throw error
            }
            if client.json {
                return print(JSONText.string(["attestation": submitted, "deal": .integer(Int64(clamping: deal)), "period": .integer(period)]))
            }
            print("submitted proof \(submitted.stringValue ?? "?") of deal \(deal), period \(period) (\(indices.count) chunks)")
            print("outcome, once included: cairn storage deal periods \(deal)")
        }
    }
}

extension StorageCommand {
    struct Deal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose, accept, cancel and look up deals.",
            subcommands: [Propose.self, Accept.self, Cancel.self, Show.self, List.self, Periods.self])

        struct Propose: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "As the client: propose a deal for a file's data and escrow its whole price.")
            @OptionGroup var sender: TransactionSender
            @Option(help: "The provider device's id.") var provider: String
            @Option(help: "The file to store (its root is computed with the chain's chunk size).") var file: String
            @Option(help: "Price per proving period: base units or CAIRN with a suffix.") var price: String
            @Option(help: "Proving periods.") var periods: UInt64
            @Option(help: "Collateral the provider posts: base units or CAIRN with a suffix.") var collateral: String

            func run() async throws {
                let id = try DeviceArgument.address("--provider", provider)
                let priceValue = try AmountFormat.parse(price), collateralValue = try AmountFormat.parse(collateral)
                let session = try await sender.open()
                let chunkSize = try await StorageLookup.chunkSize(session.rpc)
                let r: (root: Hash32, size: UInt64, chunks: UInt64)
                do { r = try StorageDataFile.root(path: file, chunkSize: chunkSize) } catch { throw UserError("\(error)") }
                let proposal = DealProposal(provider: id, dataRoot: r.root, size: r.size, pricePerPeriod: priceValue, periods: periods,
                                            collateral: collateralValue)
                try await sender.send(.storage(.proposeDeal(proposal)), in: session, extra: [("data_root", .string(r.root.hex))]) { _ in
                    "propose \(r.size) bytes (root \(r.root.hex)) to \(id) for \(periods) periods at \(AmountFormat.display(priceValue))"
                }
            }
        }

        struct Accept: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "As the provider's owner: accept a proposed deal, posting its collateral.")
            @OptionGroup var sender: TransactionSender
            @Option(help: "The deal id.") var deal: UInt64

            func run() async throws {
                let session = try await sender.open()
                let d = try await StorageLookup.deal(session.rpc, deal)
                guard let text = d["collateral"]?.stringValue, let collateral = Amount(text) else {
                    throw UserError("storage_getDeal returned no collateral for deal \(deal)")
                }
                try await sender.send(.storage(.acceptDeal(deal: deal, collateral: collateral)), in: session) { _ in
                    "accept deal \(deal), posting \(AmountFormat.display(collateral))"
                }
            }
        }

        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "As the client: withdraw a proposal not yet accepted; the escrow comes back.")
            @OptionGroup var sender: TransactionSender
            @Option(help: "The deal id.") var deal: UInt64

            func run() async throws {
                try await sender.send(.storage(.cancelDeal(deal: deal))) { _ in "cancel deal \(deal)" }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A deal's terms, status, money and current challenge.")
            @OptionGroup var client: ClientOptions
            @Argument(help: "The deal id.") var deal: UInt64

            func run() async throws {
                let d = try await StorageLookup.deal(JSONRPCClient(url: client.rpc), deal)
                if client.json { return print(JSONText.string(d)) }
                StorageLookup.printDeal(d)
                if let c = d["challenge"]?.objectValue {
                    let indices = c["indices"]?.arrayValue?.compactMap(\.integerValue).map(String.init).joined(separator: ", ")
                    print("  period \(c["period"]?.integerValue ?? 0): challenge at \(c["challenge_height"]?.integerValue ?? 0), "
                          + "deadline \(c["deadline"]?.integerValue ?? 0), chunks " + (indices.map { "[\($0)]" } ?? "not drawn yet"))
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Deals by client, by provider or by status.")
            @OptionGroup var client: ClientOptions
            @OptionGroup var paging: PageOptions
            @Option(name: .customLong("client"), help: "The client's address.") var clientAddress: String?
            @Option(help: "The provider device's id.") var provider: String?
            @Option(help: "proposed, active, completed, terminated, expired or cancelled.") var status: String?

            func validate() throws {
                guard [clientAddress, provider, status].compactMap({ $0 }).count == 1 else {
                    throw ValidationError("give exactly one of --client, --provider and --status")
                }
                if let status, DealStatus(name: status) == nil {
                    throw ValidationError("--status must be proposed, active, completed, terminated, expired or cancelled, not '\(status)'")
                }
            }

            func run() async throws {
                var filter: [String: JSONValue] = [:]
                if let clientAddress { filter["client"] = .string(try DeviceArgument.address("--client", clientAddress).checksummed) }
                if let provider { filter["provider"] = .string(try DeviceArgument.address("--provider", provider).checksummed) }
                if let status { filter["status"] = .string(status) }
                let page = try await paging.read("storage_listDeals", filter, list: "deals", rpc: JSONRPCClient(url: client.rpc))
                if client.json { return print(JSONText.string(page.json)) }
                if page.items.isEmpty { print("No deals.") }
                page.items.forEach(StorageLookup.printDeal)
                page.printNext()
            }
        }

        struct Periods: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A deal's decided periods: each challenge and its proof or fault.")
            @OptionGroup var client: ClientOptions
            @OptionGroup var paging: PageOptions
            @Argument(help: "The deal id.") var deal: UInt64

            func run() async throws {
                let page = try await paging.read("storage_getDealPeriods", ["deal": .integer(Int64(clamping: deal))], list: "periods",
                                                 rpc: JSONRPCClient(url: client.rpc))
                if client.json { return print(JSONText.string(page.json)) }
                if page.items.isEmpty { print("No period decided yet.") }
                for p in page.items {
                    let outcome = p["outcome"]?.stringValue == "proven"
                        ? "proven, paid \(StorageLookup.amount(p["payment"]))"
                        : "fault \(p["reason"]?.stringValue ?? "?"): \(p["detail"]?.stringValue ?? ""); slashed \(StorageLookup.amount(p["slashed"]))"
                    print("period \(p["period"]?.integerValue ?? 0) at \(p["at"]?.integerValue ?? 0): \(outcome)")
                }
                page.printNext()
            }
        }
    }
}

/// The storage module's RPC, as the commands read it.
enum StorageLookup {
    static func call(_ rpc: JSONRPCClient, _ method: String, _ params: [String: JSONValue]) async throws -> JSONValue {
        do { return try await rpc.call(method, .object(params)) } catch {
            if case .rpc(let rejection) = error, rejection.knownCode == RPCErrorCode.notFound { throw UserError(rejection.message) }
            throw error
        }
    }

    static func deal(_ rpc: JSONRPCClient, _ id: UInt64) async throws -> JSONValue {
        try await call(rpc, "storage_getDeal", ["deal": .integer(Int64(clamping: id))])
    }

    static func chainID(_ rpc: JSONRPCClient) async throws -> String {
        guard let id = try await rpc.call("node_status")["chain_id"]?.stringValue else { throw UserError("node_status returned no chain_id") }
        return id
    }

    static func chunkSize(_ rpc: JSONRPCClient) async throws -> Int {
        let params = try await rpc.call("state_getParams", ["module": "storage"])
        guard let size = params["params"]?["storage"]?["chunk_size"]?.integerValue else {
            throw UserError("state_getParams returned no storage.chunk_size")
        }
        return Int(size)
    }

    static func amount(_ value: JSONValue?) -> String { (value?.stringValue).flatMap { UInt128($0) }.map(AmountFormat.display) ?? "?" }

    static func printDeal(_ d: JSONValue) {
        print("deal \(d["deal"]?.integerValue ?? 0) [\(d["status"]?.stringValue ?? "?")]: \(d["client"]?.stringValue ?? "?") → "
              + "\(d["provider"]?.stringValue ?? "?"), \(d["size"]?.integerValue ?? 0) bytes, root \(d["data_root"]?.stringValue ?? "?")")
        print("  \(d["periods"]?.integerValue ?? 0) periods at \(amount(d["price_per_period"])): proven \(d["proven"]?.integerValue ?? 0), "
              + "faults \(d["faults"]?.integerValue ?? 0), paid \(amount(d["paid"])), slashed \(amount(d["slashed"])), "
              + "escrow \(amount(d["escrow"])), collateral \(amount(d["collateral_left"])) of \(amount(d["collateral"]))")
    }
}
